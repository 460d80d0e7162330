import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TranscribeResponse } from '@supportmesh/contracts';
import { listen } from '@supportmesh/service-kit/testing';
import { createLogger, createMetrics } from '@supportmesh/telemetry';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.js';
import { inspectAudio } from '../../audio/inspect.js';
import { loadSpeechConfig } from '../../config.js';
import { silenceWav } from '../../testing/index.js';
import { localOptions } from '../select.js';
import { createLocalProvider, detectLocalEngines } from './local-provider.js';
import { runProcess } from './process.js';

const opts = localOptions(loadSpeechConfig({ SPEECH_PROVIDER: 'local' }));
const engines = await detectLocalEngines(opts);
const missing = [...engines.missing.stt, ...engines.missing.tts];
const INSTALL = 'apt-get install pocketsphinx pocketsphinx-en-us sox espeak-ng';
const realEngines = missing.length === 0 ? 'real eSpeak NG + PocketSphinx + SoX' : `SKIPPED, missing ${missing.join(', ')}: ${INSTALL}`;
const signal = () => AbortSignal.timeout(30_000);

describe(`local engines (${realEngines})`, () => {
  const skip = missing.length > 0;
  /** The provider's temporary-file base (must be empty after every request) and the test's own scratch space. */
  let tmp: string;
  let scratch: string;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'speech-test-'));
    scratch = await mkdtemp(join(tmpdir(), 'speech-scratch-'));
  });

  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  });

  it.skipIf(skip)('synthesizes "I want to reset my password" into a 16 kHz mono WAV that sox accepts', async () => {
    const provider = createLocalProvider(engines, { ...opts, tmpDir: tmp });
    const { audio, contentType } = await provider.synthesize('I want to reset my password', { signal: signal(), format: 'wav' });
    expect(contentType).toBe('audio/wav');
    expect(audio.toString('ascii', 0, 4)).toBe('RIFF');
    expect(audio.toString('ascii', 8, 12)).toBe('WAVE');
    const file = join(scratch, 'check.wav');
    await writeFile(file, audio);
    const info = await runProcess(engines.sox?.path ?? 'sox', ['--i', file]);
    expect(info.code).toBe(0);
    expect(info.stdout.toString()).toMatch(/Sample Rate\s*:\s*16000/);
    expect(info.stdout.toString()).toMatch(/Channels\s*:\s*1/);
    expect(inspectAudio(audio, 'wav').durationMs).toBeGreaterThan(1000);
  });

  it.skipIf(skip)('round trip over HTTP: synthesize then transcribe, the transcript contains "password"', async () => {
    const speech = createApp({
      logger: createLogger({ service: 'speech-connector', level: 'silent' }),
      metrics: createMetrics({ service: 'speech-connector', registry: new Registry(), collectDefaults: false }),
      provider: createLocalProvider(engines, { ...opts, tmpDir: tmp }),
      defaultVoice: opts.voice ?? 'en-us',
    });
    const http = await listen(speech.app);
    try {
      const synth = await fetch(`${http.url}/v1/speech/synthesize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'I want to reset my password' }) });
      expect(synth.status).toBe(200);
      const audio = Buffer.from(await synth.arrayBuffer());
      const res = await fetch(`${http.url}/v1/speech/transcribe`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: audio });
      expect(res.status).toBe(200);
      const body = TranscribeResponse.parse(await res.json());
      expect(body.text.split(' ')).toContain('password');
      expect(body).toMatchObject({ provider: 'local', language: 'en-US' });
      expect(body.confidence).toBeGreaterThan(0);
      expect(await readdir(tmp)).toEqual([]); // every per-request temporary directory was removed
    } finally {
      speech.shutdown();
      await http.close();
    }
  });

  it.skipIf(skip)('transcribes 8 kHz stereo input (converted to 16 kHz mono with sox)', async () => {
    const provider = createLocalProvider(engines, { ...opts, tmpDir: tmp });
    const { audio } = await provider.synthesize('where is my order', { signal: signal(), format: 'wav' });
    const src = join(scratch, 'src.wav');
    const dst = join(scratch, 'stereo8k.wav');
    await writeFile(src, audio);
    await engines.sox?.convert(src, dst, { rate: 8000, channels: 2, type: 'wav' });
    const stereo = await readFile(dst);
    const info = inspectAudio(stereo, 'wav');
    expect(info).toMatchObject({ sampleRate: 8000, channels: 2 });
    const transcript = await provider.transcribe({ bytes: stereo, ...info }, { signal: signal(), language: 'en-US' });
    expect(transcript.text).toContain('order');
  });

  it.skipIf(skip)('stops the engine and removes its files when the caller aborts', async () => {
    const provider = createLocalProvider(engines, { ...opts, tmpDir: tmp });
    const { audio } = await provider.synthesize('I need a refund for my jacket', { signal: signal(), format: 'wav' });
    const controller = new AbortController();
    const pending = provider.transcribe({ bytes: audio, ...inspectAudio(audio, 'wav') }, { signal: controller.signal, language: 'en-US' });
    setTimeout(() => controller.abort(), 5);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(await readdir(tmp)).toEqual([]);
  });

  it.skipIf(!engines.espeak)('answers 422 UNKNOWN_VOICE for a voice eSpeak NG does not have', async () => {
    const provider = createLocalProvider(engines, { ...opts, tmpDir: tmp });
    await expect(provider.synthesize('hello', { signal: signal(), format: 'wav', voice: 'xx-nowhere' })).rejects.toMatchObject({ status: 422, code: 'UNKNOWN_VOICE' });
    await expect(provider.synthesize('hello', { signal: signal(), format: 'wav', voice: 'en-us+zz9' })).rejects.toMatchObject({ code: 'UNKNOWN_VOICE' });
    const voices = await provider.voices();
    expect(voices.some((v) => v.name === 'en-us')).toBe(true);
  });

  it.skipIf(skip)('offers MP3 exactly when sox can encode it, with an install hint otherwise', () => {
    const caps = createLocalProvider(engines, opts).capabilities();
    const soxMp3 = engines.sox?.formats.has('mp3') ?? false;
    expect(caps.outputFormats.includes('mp3')).toBe(soxMp3);
    if (!soxMp3) expect(caps.notes['mp3-output']).toContain('libsox-fmt-mp3');
  });
});

describe('local engines when nothing is installed (real detection on an empty PATH)', () => {
  it('answers transcriptions 503 STT_UNAVAILABLE with the apt-get command', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'speech-empty-path-'));
    try {
      const bare = await detectLocalEngines({ ...opts, pathEnv: empty, ttsEngine: 'binary' });
      expect(bare.missing.stt).toContain('pocketsphinx_batch');
      expect(bare.missing.tts).toEqual(['espeak-ng']);
      const provider = createLocalProvider(bare, opts);
      expect(await provider.ready()).toBe(false);
      const wav = silenceWav(0.5);
      const err = await provider.transcribe({ bytes: wav, ...inspectAudio(wav, 'wav') }, { signal: signal(), language: 'en-US' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 503, code: 'STT_UNAVAILABLE' });
      expect((err as Error).message).toContain('apt-get install pocketsphinx pocketsphinx-en-us sox');
      await expect(provider.synthesize('hi', { signal: signal(), format: 'wav' })).rejects.toMatchObject({ status: 503, code: 'TTS_UNAVAILABLE' });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
