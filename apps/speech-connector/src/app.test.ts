import { request as httpRequest } from 'node:http';
import { ErrorEnvelope, TranscribeResponse } from '@supportmesh/contracts';
import { listen, type Listening } from '@supportmesh/service-kit/testing';
import { createMetrics } from '@supportmesh/telemetry';
import { createCapturingLogger, type CapturedLogger } from '@supportmesh/telemetry/testing';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, type SpeechLimits, type SpeechServiceApp } from './app.js';
import { SpeechProviderError } from './errors/speech-provider-error.js';
import type { SpeechProvider, Transcript } from './providers/provider.js';
import { createStandInProvider, oggOpusFixture, PNG_BYTES, silenceWav, toneWav } from './testing/index.js';

interface Running {
  readonly url: string;
  readonly port: number;
  readonly http: Listening;
  readonly log: CapturedLogger;
  readonly speech: SpeechServiceApp;
  readonly registry: Registry;
}

const running: Running[] = [];

async function start(provider: SpeechProvider = createStandInProvider(), limits: Partial<SpeechLimits> = {}): Promise<Running> {
  const log = createCapturingLogger('speech-connector', 'debug');
  const registry = new Registry();
  const speech = createApp({
    logger: log.logger,
    metrics: createMetrics({ service: 'speech-connector', registry, collectDefaults: false }),
    provider,
    defaultVoice: 'stand-in',
    limits,
  });
  const http = await listen(speech.app);
  const r = { url: http.url, port: http.port, http, log, speech, registry };
  running.push(r);
  return r;
}

afterEach(async () => {
  vi.useRealTimers();
  for (const r of running.splice(0)) {
    r.speech.shutdown();
    await r.http.close();
  }
});

async function transcribe(url: string, body: Buffer, contentType = 'audio/wav', query = '') {
  const res = await fetch(`${url}/v1/speech/transcribe${query}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, headers: res.headers, json: (await res.json()) as unknown };
}

/** A raw HTTP exchange, for what fetch will not send (chunked without length, a length with no body yet). */
function rawPost(port: number, headers: Record<string, string>, write: (req: ReturnType<typeof httpRequest>) => void) {
  return new Promise<{ status: number; headers: Record<string, unknown>; json: unknown }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v1/speech/transcribe', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }));
    });
    req.on('error', (err) => {
      // the server closes the connection after answering early; the answer has already arrived then
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE' && (err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    write(req);
  });
}

function errorCode(json: unknown): string {
  return ErrorEnvelope.parse(json).error.code;
}

async function stillServing(url: string): Promise<void> {
  expect((await fetch(`${url}/health`)).status).toBe(200);
}

describe('POST /v1/speech/transcribe (stand-in engine)', () => {
  it('answers {text, language, confidence, durationMs, provider} for a 16 kHz WAV', async () => {
    const svc = await start();
    const { status, json } = await transcribe(svc.url, toneWav(1.5));
    expect(status).toBe(200);
    expect(TranscribeResponse.parse(json)).toEqual({ text: 'i want to reset my password', language: 'en-US', confidence: 0.9, durationMs: 1500, provider: 'stand-in' });
  });

  it('takes the audio from the "audio" field of a multipart form, with a language field', async () => {
    let seen: { format: string; language: string } | undefined;
    const svc = await start(
      createStandInProvider({
        transcribe: (audio, o): Promise<Transcript> => {
          seen = { format: audio.format, language: o.language };
          return Promise.resolve({ text: 'ok', language: o.language });
        },
      }),
    );
    const form = new FormData();
    form.append('language', 'en-GB');
    form.append('audio', new Blob([oggOpusFixture(2)], { type: 'audio/ogg' }), 'voice.ogg');
    const res = await fetch(`${svc.url}/v1/speech/transcribe`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ durationMs: 2000, language: 'en-GB' });
    expect(seen).toEqual({ format: 'ogg-opus', language: 'en-GB' });
  });

  it('answers 400 when the form has no audio field', async () => {
    const svc = await start();
    const form = new FormData();
    form.append('file', new Blob([silenceWav(0.5)], { type: 'audio/wav' }), 'a.wav');
    const { status, json } = await (async () => {
      const res = await fetch(`${svc.url}/v1/speech/transcribe`, { method: 'POST', body: form });
      return { status: res.status, json: (await res.json()) as unknown };
    })();
    expect(status).toBe(400);
    expect(errorCode(json)).toBe('VALIDATION_FAILED');
  });
});

describe('bad audio input (stand-in engine): answered in the envelope, the process keeps serving', () => {
  it('411 LENGTH_REQUIRED for a chunked upload without Content-Length', async () => {
    const svc = await start();
    const res = await rawPost(svc.port, { 'content-type': 'audio/wav', 'transfer-encoding': 'chunked' }, (req) => {
      req.write(silenceWav(0.2));
      req.end();
    });
    expect(res.status).toBe(411);
    expect(errorCode(res.json)).toBe('LENGTH_REQUIRED');
    await stillServing(svc.url);
  });

  it('413 PAYLOAD_TOO_LARGE from the Content-Length alone, before the body is sent', async () => {
    const svc = await start();
    const res = await rawPost(svc.port, { 'content-type': 'audio/wav', 'content-length': String(10 * 1024 * 1024 + 1) }, (req) => {
      req.write(silenceWav(0.1)); // a few bytes of the announced 10 MB; the answer comes anyway
    });
    expect(res.status).toBe(413);
    expect(ErrorEnvelope.parse(res.json).error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { maxBytes: 10 * 1024 * 1024 } });
    expect(res.headers['connection']).toBe('close');
    await stillServing(svc.url);
  });

  it('413 for a real body over a small configured limit', async () => {
    const svc = await start(undefined, { maxBytes: 4096 });
    const { status, json } = await transcribe(svc.url, silenceWav(1));
    expect(status).toBe(413);
    expect(errorCode(json)).toBe('PAYLOAD_TOO_LARGE');
  });

  it.each([
    ['a PNG sent as audio/wav', PNG_BYTES, 'audio/wav'],
    ['Ogg bytes labelled audio/wav', oggOpusFixture(1), 'audio/wav'],
    ['a WAV labelled audio/mpeg', silenceWav(0.5), 'audio/mpeg'],
    ['a text/plain body', Buffer.from('hello'), 'text/plain'],
    ['a 44.1 kHz WAV', toneWav(0.5, 44_100), 'audio/wav'],
  ])('415 UNSUPPORTED_MEDIA_TYPE for %s', async (_name, body, type) => {
    const svc = await start();
    const { status, json } = await transcribe(svc.url, body, type);
    expect(status).toBe(415);
    expect(errorCode(json)).toBe('UNSUPPORTED_MEDIA_TYPE');
    await stillServing(svc.url);
  });

  it('422 AUDIO_TOO_LONG for a 61 s WAV', async () => {
    const svc = await start();
    const { status, json } = await transcribe(svc.url, silenceWav(61, 8000));
    expect(status).toBe(422);
    expect(ErrorEnvelope.parse(json).error).toMatchObject({ code: 'AUDIO_TOO_LONG', details: { durationMs: 61_000, maxSeconds: 60 } });
    await stillServing(svc.url);
  });

  it('400 CORRUPT_AUDIO for a WAV whose data chunk is cut short', async () => {
    const svc = await start();
    const { status, json } = await transcribe(svc.url, silenceWav(2).subarray(0, 5000));
    expect(status).toBe(400);
    expect(errorCode(json)).toBe('CORRUPT_AUDIO');
    await stillServing(svc.url);
  });

  it('400 EMPTY_AUDIO for an empty body', async () => {
    const svc = await start();
    const { status, json } = await transcribe(svc.url, Buffer.alloc(0));
    expect(status).toBe(400);
    expect(errorCode(json)).toBe('EMPTY_AUDIO');
  });

  it('422 LANGUAGE_UNSUPPORTED for a language the provider cannot transcribe, 400 for a malformed tag', async () => {
    const svc = await start();
    expect(errorCode((await transcribe(svc.url, silenceWav(0.5), 'audio/wav', '?language=de-DE')).json)).toBe('LANGUAGE_UNSUPPORTED');
    expect((await transcribe(svc.url, silenceWav(0.5), 'audio/wav', '?language=%3Cscript%3E')).status).toBe(400);
  });

  it('answers 415 with a hint when the provider cannot decode a valid format here', async () => {
    const svc = await start(createStandInProvider({ capabilities: { inputFormats: ['wav'], notes: { 'ogg-opus': 'apt-get install opus-tools' } } }));
    const { status, json } = await transcribe(svc.url, oggOpusFixture(1), 'audio/ogg');
    expect(status).toBe(415);
    expect(ErrorEnvelope.parse(json).error.details).toMatchObject({ format: 'ogg-opus', hint: 'apt-get install opus-tools' });
  });
});

describe('capacity (slow stand-in engine, so the bulkhead is what is tested)', () => {
  it('answers exactly one of 51 concurrent transcriptions 503 with Retry-After on a limit of 50', async () => {
    const releases: (() => void)[] = [];
    const slow = createStandInProvider({
      transcribe: (_a, o) =>
        new Promise<Transcript>((resolve) => {
          releases.push(() => resolve({ text: 'ok', language: o.language }));
        }),
    });
    const svc = await start(slow, { maxConcurrent: 50, maxQueue: 50, queueTimeoutMs: 250 });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const body = silenceWav(0.5);
    const responses = Array.from({ length: 51 }, () => transcribe(svc.url, body));
    // wait (bounded, on the real event loop) until 50 are in the engine and one waits for a slot
    for (let i = 0; i < 20_000 && !(releases.length === 50 && svc.speech.transcriptions.queued === 1); i++) {
      await new Promise((r) => setImmediate(r));
    }
    expect(releases.length).toBe(50);
    expect(svc.speech.transcriptions.queued).toBe(1);
    const gauge = await svc.registry.getSingleMetric('speech_active_streams')?.get();
    expect(gauge?.values[0]?.value).toBe(50);

    vi.advanceTimersByTime(250); // the queued request's wait runs out
    for (let i = 0; i < 20_000 && svc.speech.transcriptions.queued > 0; i++) await new Promise((r) => setImmediate(r));
    for (const release of releases) release();
    const results = await Promise.all(responses);

    const rejected = results.filter((r) => r.status === 503);
    expect(results.filter((r) => r.status === 200)).toHaveLength(50);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.headers.get('retry-after')).toBe('1');
    expect(errorCode(rejected[0]?.json)).toBe('SPEECH_BUSY');
    const after = await svc.registry.getSingleMetric('speech_active_streams')?.get();
    expect(after?.values[0]?.value).toBe(0);
  });
});

describe('provider failures and readiness (stand-in engines)', () => {
  it('503 STT_UNAVAILABLE telling how to install an engine, and /ready 503 with stt false', async () => {
    const svc = await start(createStandInProvider({ capabilities: { stt: false, inputFormats: [], sttMissing: ['pocketsphinx_batch'] } }));
    const { status, json } = await transcribe(svc.url, silenceWav(0.5));
    expect(status).toBe(503);
    expect(ErrorEnvelope.parse(json).error).toMatchObject({
      code: 'STT_UNAVAILABLE',
      message: expect.stringContaining('apt-get install pocketsphinx pocketsphinx-en-us sox'),
      details: { missing: ['pocketsphinx_batch'] },
    });
    const ready = await fetch(`${svc.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ probes: { stt: false, tts: true } });
  });

  it('503 with Retry-After for a transient provider error and 502 without the provider message otherwise', async () => {
    let retryable = true;
    const svc = await start(
      createStandInProvider({
        transcribe: () => Promise.reject(new SpeechProviderError('secret upstream detail wss://x', { provider: 'stand-in', reason: retryable ? 'ServiceTimeout' : 'AuthenticationFailure', retryable })),
      }),
    );
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const first = transcribe(svc.url, silenceWav(0.5));
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setImmediate(r));
      vi.advanceTimersByTime(100); // the retry backoff
    }
    const transient = await first;
    expect(transient.status).toBe(503);
    expect(transient.headers.get('retry-after')).toBe('1');
    expect(errorCode(transient.json)).toBe('SPEECH_PROVIDER_UNAVAILABLE');
    vi.useRealTimers();

    retryable = false;
    const failed = await transcribe(svc.url, silenceWav(0.5));
    expect(failed.status).toBe(502);
    expect(JSON.stringify(failed.json)).not.toContain('secret');
  });

  it('/ready is 200 with both engines present', async () => {
    const svc = await start();
    const ready = await fetch(`${svc.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ probes: { stt: true, tts: true, provider: true } });
  });

  it('never logs the transcript, and logs the correlation id', async () => {
    const svc = await start(createStandInProvider({ transcribe: (_a, o) => Promise.resolve({ text: 'my card number is four one one one', language: o.language }) }));
    const res = await fetch(`${svc.url}/v1/speech/transcribe`, { method: 'POST', headers: { 'content-type': 'audio/wav', 'x-correlation-id': 'corr-speech-1' }, body: silenceWav(0.5) });
    expect(res.status).toBe(200);
    const lines = svc.log.lines().join('\n');
    expect(lines).not.toContain('card number');
    const record = svc.log.records().find((r) => r['msg'] === 'transcribed');
    expect(record).toMatchObject({ correlationId: 'corr-speech-1', words: 8, provider: 'stand-in' });
  });
});

describe('POST /v1/speech/synthesize and GET /v1/speech/voices (stand-in engine)', () => {
  const synth = (url: string, body: unknown) => fetch(`${url}/v1/speech/synthesize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers audio bytes with the audio/wav Content-Type', async () => {
    const svc = await start();
    const res = await synth(svc.url, { text: 'I want to reset my password' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await res.arrayBuffer()).toString('ascii', 0, 4)).toBe('RIFF');
  });

  it('422 TEXT_TOO_LONG over SPEECH_MAX_TEXT_CHARS, 400 for empty text', async () => {
    const svc = await start(undefined, { maxTextChars: 2000 });
    const long = await synth(svc.url, { text: 'a'.repeat(2001) });
    expect(long.status).toBe(422);
    expect(ErrorEnvelope.parse(await long.json()).error).toMatchObject({ code: 'TEXT_TOO_LONG', details: { maxChars: 2000, chars: 2001 } });
    expect((await synth(svc.url, { text: '   ' })).status).toBe(400);
  });

  it('422 FORMAT_UNAVAILABLE for mp3 when the provider cannot encode it', async () => {
    const svc = await start(createStandInProvider({ capabilities: { outputFormats: ['wav'], notes: { 'mp3-output': 'apt-get install libsox-fmt-mp3' } } }));
    const res = await synth(svc.url, { text: 'hello', format: 'mp3' });
    expect(res.status).toBe(422);
    expect(ErrorEnvelope.parse(await res.json()).error).toMatchObject({ code: 'FORMAT_UNAVAILABLE', details: { hint: 'apt-get install libsox-fmt-mp3' } });
  });

  it('415 for a body that is not JSON', async () => {
    const svc = await start();
    const res = await fetch(`${svc.url}/v1/speech/synthesize`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(res.status).toBe(415);
  });

  it('lists the voices with the default voice and formats', async () => {
    const svc = await start();
    const res = await fetch(`${svc.url}/v1/speech/voices`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      provider: 'stand-in',
      defaultVoice: 'stand-in',
      formats: { input: ['wav', 'ogg-opus', 'mp3'], output: ['wav'] },
      voices: [{ name: 'stand-in', locale: 'en-US', gender: 'neutral' }],
    });
  });
});
