import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SpeechProviderError } from '../../errors/speech-provider-error.js';
import { runProcess } from './process.js';

/** Model files for CMU PocketSphinx. */
export interface SphinxModel {
  /** Acoustic model directory (`-hmm`), e.g. Debian's /usr/share/pocketsphinx/model/en-us/en-us. */
  readonly hmm: string;
  /** Language model (`-lm`, ARPA or binary), e.g. the bundled domain model models/northwind.lm. */
  readonly lm: string;
  /** Pronunciation dictionary (`-dict`). */
  readonly dict: string;
}

export interface SphinxResult {
  readonly text: string;
  /** Mean word posterior (from the CTM output), when any word was recognised. */
  readonly confidence?: number;
}

const FILLERS = /^(<s>|<\/s>|<sil>|\[[A-Z]+\]|\+\+[A-Z]+\+\+)$/;

/** The hypothesis line of `-hyp`: `words (uttid score)`. */
export function parseHypothesis(text: string, uttId: string): string {
  for (const line of text.split('\n')) {
    const m = /^(.*?)\s*\((\S+)\s+-?\d+\)\s*$/.exec(line.trim());
    if (m && m[2] === uttId) return (m[1] ?? '').trim();
  }
  return '';
}

/** Word posteriors of a CTM file (`uttid channel start duration word posterior`), fillers left out. */
export function parseCtm(text: string): { word: string; posterior: number }[] {
  const out: { word: string; posterior: number }[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 6) continue;
    const word = (cols[4] as string).replace(/\(\d+\)$/, '');
    const posterior = Number(cols[5]);
    if (FILLERS.test(word) || !Number.isFinite(posterior)) continue;
    out.push({ word, posterior: Math.min(1, Math.max(0, posterior)) });
  }
  return out;
}

/**
 * Recognises `<dir>/audio.raw` (16 kHz mono 16-bit little-endian PCM) with `pocketsphinx_batch`.
 * Batch mode decodes the whole utterance with batch cepstral-mean normalisation, which recognises far better
 * than `pocketsphinx_continuous` (live CMN, VAD splits) on short requests. Writes its control and output
 * files into `dir` (the caller's private temporary directory).
 */
export async function recognizeRaw(binary: string, model: SphinxModel, dir: string, signal: AbortSignal): Promise<SphinxResult> {
  const uttId = 'audio';
  const ctl = join(dir, 'audio.ctl');
  const hyp = join(dir, 'audio.hyp');
  const ctm = join(dir, 'audio.ctm');
  await writeFile(ctl, `${uttId}\n`);
  // prettier-ignore
  const args = [
    '-adcin', 'yes', '-adchdr', '0', '-input_endian', 'little', '-samprate', '16000',
    '-cepdir', dir, '-cepext', '.raw', '-ctl', ctl, '-hyp', hyp, '-ctm', ctm,
    '-hmm', model.hmm, '-lm', model.lm, '-dict', model.dict,
    '-logfn', '/dev/null',
  ];
  const r = await runProcess(binary, args, { signal });
  if (r.code !== 0) {
    throw new SpeechProviderError('PocketSphinx failed', { provider: 'local', reason: `pocketsphinx exit ${r.code ?? r.signal ?? 'unknown'}`, retryable: false });
  }
  const text = parseHypothesis(await readFile(hyp, 'utf8'), uttId);
  const words = parseCtm(await readFile(ctm, 'utf8').catch(() => ''));
  const confidence = words.length > 0 ? words.reduce((a, w) => a + w.posterior, 0) / words.length : undefined;
  return confidence === undefined ? { text } : { text, confidence: Math.round(confidence * 1000) / 1000 };
}
