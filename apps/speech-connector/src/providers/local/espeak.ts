import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { abortReason } from '@supportmesh/resilience';
import { SpeechProviderError } from '../../errors/speech-provider-error.js';
import type { VoiceInfo } from '../provider.js';
import { runProcess } from './process.js';

/**
 * eSpeak NG, either the `espeak-ng` npm package (a WASM build, GPL-3.0, an optional dependency) run in a
 * worker thread — so synthesis never blocks the event loop and an abort terminates it — or the Debian
 * `espeak-ng` binary run as a child process (argument array, no shell, WAV on stdout).
 */
export interface EspeakEngine {
  readonly kind: 'wasm' | 'binary';
  /** A WAV file (eSpeak NG writes 22.05 kHz mono 16-bit PCM). */
  synthesize(text: string, opts: { readonly voice: string; readonly wordsPerMinute: number; readonly signal?: AbortSignal }): Promise<Buffer>;
  /** IPA transcription of `text` (used to build pronunciations of words missing from CMUdict). */
  ipa(text: string, opts?: { readonly voice?: string; readonly signal?: AbortSignal }): Promise<string>;
  /** Installed voices (MBROLA voices are left out: they need an extra engine). */
  voices(): Promise<VoiceInfo[]>;
}

interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly file?: Uint8Array;
}

/**
 * Runs the Emscripten module in a worker: `text` is written to `/in.txt` before `main` runs (so text can
 * never be taken for an option), `outFile` read back after. `quit` is overridden so a failing run cannot
 * set the host's `process.exitCode`. The worker's clock is frozen, so synthesis is deterministic.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// eSpeak NG seeds its random generator (breath noise of voice variants such as +f2) with time(NULL);
// a fixed clock makes the same text and voice always give the same audio.
Date.now = () => 0;
(async () => {
  const { default: createModule } = await import(workerData.moduleUrl);
  const stdout = [];
  const stderr = [];
  let status = 0;
  const module = await createModule({
    arguments: workerData.args,
    print: (line) => stdout.push(String(line)),
    printErr: (line) => stderr.push(String(line)),
    quit: (code, toThrow) => { status = code; throw toThrow; },
    preRun: [(m) => { if (workerData.text !== undefined) m.FS.writeFile('/in.txt', workerData.text); }],
    instantiateWasm: (imports, done) => {
      WebAssembly.instantiate(workerData.wasm, imports).then((instance) => done(instance));
      return {};
    },
  });
  let file;
  if (workerData.outFile) {
    try { file = module.FS.readFile(workerData.outFile); } catch { file = undefined; }
  }
  parentPort.postMessage({ status, stdout: stdout.join('\\n'), stderr: stderr.join('\\n').slice(-4096), file }, file ? [file.buffer] : []);
})().catch((err) => {
  parentPort.postMessage({ status: -1, stdout: '', stderr: String((err && err.message) || err).slice(0, 500) });
});
`;

const MAX_VOICES = 500;

/** The global `WebAssembly` (the ES2023 lib without DOM has no types for it). A compiled module is opaque here. */
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } }).WebAssembly;

/** Parses `espeak-ng --voices` output. */
export function parseVoiceList(text: string): VoiceInfo[] {
  const out: VoiceInfo[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5) continue;
    const [, language, ageGender, name, file] = cols as [string, string, string, string, string];
    if (file.startsWith('mb/') || !/^[a-z0-9-]+$/i.test(language)) continue;
    const g = ageGender.split('/')[1];
    out.push({ name: language, locale: language, gender: g === 'F' ? 'female' : g === 'M' ? 'male' : 'neutral', displayName: name.replace(/_/g, ' ') });
    if (out.length >= MAX_VOICES) break;
  }
  return out;
}

function failure(what: string, status: number | string, detail?: string): SpeechProviderError {
  const voiceMissing = detail?.includes('voice does not exist') ?? false;
  return new SpeechProviderError(voiceMissing ? 'eSpeak NG does not know this voice' : `eSpeak NG ${what} failed`, {
    provider: 'local',
    reason: voiceMissing ? 'UnknownVoice' : `exit ${status}`,
    retryable: false,
  });
}

/** The WASM build from the optional `espeak-ng` npm package, or undefined when it is not installed. */
export async function loadWasmEspeak(): Promise<EspeakEngine | undefined> {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve('espeak-ng');
  } catch {
    return undefined;
  }
  let wasm: object;
  try {
    wasm = await WebAssemblyApi.compile(await readFile(join(dirname(entry), 'espeak-ng.wasm')));
  } catch {
    return undefined;
  }
  const moduleUrl = pathToFileURL(entry).href;

  const run = (args: readonly string[], opts: { text?: string; outFile?: string; signal?: AbortSignal }): Promise<RunResult> => {
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<RunResult>((resolve, reject) => {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { moduleUrl, wasm, args: [...args], text: opts.text, outFile: opts.outFile } });
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        void worker.terminate();
        fn();
      };
      const onAbort = (): void => settle(() => reject(abortReason(signal as AbortSignal)));
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.once('message', (msg: RunResult) => settle(() => resolve(msg)));
      worker.once('error', (err) => settle(() => reject(new SpeechProviderError('eSpeak NG worker failed', { provider: 'local', reason: 'WorkerError', retryable: true, cause: err }))));
      worker.once('exit', (code) => settle(() => reject(new SpeechProviderError('eSpeak NG worker exited early', { provider: 'local', reason: `worker exit ${code}`, retryable: true }))));
    });
  };

  return {
    kind: 'wasm',
    async synthesize(text, opts) {
      const r = await run(['-v', opts.voice, '-s', String(opts.wordsPerMinute), '-f', '/in.txt', '-w', '/out.wav'], { text, outFile: '/out.wav', signal: opts.signal });
      if (r.status !== 0 || !r.file) throw failure('synthesis', r.status, r.stderr);
      return Buffer.from(r.file.buffer, r.file.byteOffset, r.file.byteLength);
    },
    async ipa(text, opts) {
      const r = await run(['-q', '--ipa', '-v', opts?.voice ?? 'en-us', '-f', '/in.txt'], { text, signal: opts?.signal });
      if (r.status !== 0) throw failure('phonemisation', r.status, r.stderr);
      return r.stdout.trim();
    },
    async voices() {
      const r = await run(['--voices'], {});
      return parseVoiceList(r.stdout);
    },
  };
}

/** The Debian `espeak-ng` binary at `path`. */
export function binaryEspeak(path: string): EspeakEngine {
  return {
    kind: 'binary',
    async synthesize(text, opts) {
      const r = await runProcess(path, ['-v', opts.voice, '-s', String(opts.wordsPerMinute), '--stdin', '--stdout'], { stdin: Buffer.from(text, 'utf8'), signal: opts.signal });
      if (r.code !== 0 || r.stdout.length < 44) throw failure('synthesis', r.code ?? r.signal ?? 'unknown', r.stderrTail);
      return r.stdout;
    },
    async ipa(text, opts) {
      const r = await runProcess(path, ['-q', '--ipa', '-v', opts?.voice ?? 'en-us', '--stdin'], { stdin: Buffer.from(text, 'utf8'), signal: opts?.signal });
      if (r.code !== 0) throw failure('phonemisation', r.code ?? r.signal ?? 'unknown', r.stderrTail);
      return r.stdout.toString('utf8').trim();
    },
    async voices() {
      const r = await runProcess(path, ['--voices']);
      return parseVoiceList(r.stdout.toString('utf8'));
    },
  };
}
