/**
 * Measures the local speech loop: each help-center sentence of the evaluation set is synthesized with the
 * local TTS (eSpeak NG), transcribed with the local STT (PocketSphinx + the Northwind domain LM), and scored
 * with the word error rate WER = (S + D + I) / N (word-level edit distance). Prints per-sentence and overall
 * figures and writes them to apps/speech-connector/wer-results.json.
 *
 * Run: cd /work/main && npx tsx --conditions=@supportmesh/source apps/speech-connector/src/scripts/wer.ts
 * The local engine settings come from the same environment variables as the service (SPEECH_LOCAL_VOICE,
 * SPEECH_LOCAL_WPM, SPEECH_LOCAL_TTS, SPEECH_SPHINX_*).
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { inspectAudio } from '../audio/inspect.js';
import { loadSpeechConfig } from '../config.js';
import { normalizeWords } from '../lm/normalize.js';
import { WER_RESULTS_PATH } from '../paths.js';
import { createLocalProvider, detectLocalEngines } from '../providers/local/local-provider.js';
import { localOptions } from '../providers/select.js';
import { WER_SENTENCES } from '../wer/sentences.js';
import { sumErrors, wordErrorRate, wordErrors, type WordErrors } from '../wer/wer.js';

const config = loadSpeechConfig({ ...process.env, SPEECH_PROVIDER: 'local' });
const opts = localOptions(config);
const engines = await detectLocalEngines(opts);
if (!engines.espeak || engines.missing.stt.length > 0) {
  console.error(`local engines missing: ${[...engines.missing.tts, ...engines.missing.stt].join(', ')}`);
  console.error('install: apt-get install pocketsphinx pocketsphinx-en-us sox espeak-ng');
  process.exit(2);
}
const provider = createLocalProvider(engines, opts);

const results: { reference: string; hypothesis: string; confidence?: number; errors: WordErrors; wer: number; audioMs: number }[] = [];
const started = Date.now();
for (const [i, sentence] of WER_SENTENCES.entries()) {
  const signal = AbortSignal.timeout(60_000);
  const speech = await provider.synthesize(sentence, { signal, format: 'wav' });
  const info = inspectAudio(speech.audio, 'wav');
  const transcript = await provider.transcribe({ bytes: speech.audio, ...info }, { signal, language: 'en-US' });
  const reference = normalizeWords(sentence);
  const hypothesis = normalizeWords(transcript.text);
  const errors = wordErrors(reference, hypothesis);
  const wer = wordErrorRate(errors);
  results.push({ reference: reference.join(' '), hypothesis: hypothesis.join(' '), ...(transcript.confidence === undefined ? {} : { confidence: transcript.confidence }), errors, wer, audioMs: Math.round(info.durationMs) });
  const mark = wer === 0 ? 'ok ' : 'ERR';
  console.log(`${String(i + 1).padStart(2)} ${mark} WER ${(wer * 100).toFixed(1).padStart(5)}%  ref: ${reference.join(' ')}`);
  if (wer > 0) console.log(`                    hyp: ${hypothesis.join(' ')}`);
}

const total = sumErrors(results.map((r) => r.errors));
const overall = wordErrorRate(total);
const exact = results.filter((r) => r.wer === 0).length;
const report = {
  measuredAt: new Date().toISOString(),
  sentences: results.length,
  overall: {
    wer: Number(overall.toFixed(4)),
    substitutions: total.substitutions,
    deletions: total.deletions,
    insertions: total.insertions,
    referenceWords: total.referenceWords,
    sentencesRecognisedExactly: exact,
    meanSentenceWer: Number((results.reduce((a, r) => a + r.wer, 0) / results.length).toFixed(4)),
  },
  setup: {
    tts: `eSpeak NG (${engines.espeak.kind === 'wasm' ? 'espeak-ng npm WASM build' : 'Debian binary'}), voice ${opts.voice}, ${opts.wordsPerMinute} wpm, resampled to 16 kHz mono with SoX`,
    stt: `PocketSphinx (${basename(engines.sphinx ?? 'pocketsphinx_batch')}, batch CMN), acoustic model ${opts.sphinxModel.hmm}`,
    languageModel: `${basename(opts.sphinxModel.lm)} (domain trigram, interpolated Witten-Bell) + ${basename(opts.sphinxModel.dict)}`,
    evaluationSet: 'src/wer/sentences.ts, held out of the LM corpus (same vocabulary, new sentences)',
    elapsedMs: Date.now() - started,
  },
  results,
};
await writeFile(WER_RESULTS_PATH, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\noverall WER ${(overall * 100).toFixed(2)}% (S=${total.substitutions} D=${total.deletions} I=${total.insertions} N=${total.referenceWords}); ${exact}/${results.length} sentences exact`);
console.log(`written to ${WER_RESULTS_PATH}`);
