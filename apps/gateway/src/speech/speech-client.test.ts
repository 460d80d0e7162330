import { afterEach, describe, expect, it, vi } from 'vitest';
import { isBreakerOpenError, isTimeoutError } from '@supportmesh/resilience';
import { isUpstreamError } from '@supportmesh/service-kit';
import { runWithCorrelationId } from '@supportmesh/telemetry';
import { startSpeechStandIn, wavFixture, type SpeechStandIn } from '../testing/speech-stand-in.js';
import { createSpeechClient, type SpeechClient } from './speech-client.js';
import { isSpeechRejectedError } from './speech-rejected-error.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(opts: { transcribeTimeoutMs?: number } = {}): Promise<{ stand: SpeechStandIn; client: SpeechClient }> {
  const stand = await startSpeechStandIn('where is my order');
  cleanups.push(() => stand.close());
  const client = createSpeechClient({ baseUrl: stand.url, ...opts });
  cleanups.push(() => client.close());
  return { stand, client };
}

describe('speech connector client (against a stand-in speech connector)', () => {
  it('posts the raw audio with its Content-Type and length, and forwards the correlation id', async () => {
    const { stand, client } = await setup();
    const audio = wavFixture(0.5);
    const answer = await runWithCorrelationId('corr-voice-1', () => client.transcribe(audio, 'audio/wav'));
    expect(answer).toMatchObject({ text: 'where is my order', language: 'en-US', provider: 'stand-in' });
    expect(stand.calls[0]).toMatchObject({ contentType: 'audio/wav', bytes: audio.length });
    expect(stand.calls[0]?.headers['content-length']).toBe(String(audio.length));
    expect(stand.calls[0]?.headers['x-correlation-id']).toBe('corr-voice-1');
  });

  it('returns synthesized audio with its media type', async () => {
    const { client } = await setup();
    const spoken = await client.synthesize({ text: 'Hello', format: 'wav' });
    expect(spoken.contentType).toBe('audio/wav');
    expect(spoken.audio.toString('ascii', 0, 4)).toBe('RIFF');
  });

  it("turns a 4xx into a SpeechRejectedError with the connector's status, code and message, and does not count it against the breaker", async () => {
    const { client } = await setup();
    for (let i = 0; i < 7; i++) {
      const err = await client.transcribe(Buffer.from('not audio at all'), 'audio/wav').catch((e: unknown) => e);
      expect(isSpeechRejectedError(err)).toBe(true);
      expect(err).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
    expect(client.breakers.transcribe.state).toBe('CLOSED');
  });

  it('rejects an answer that breaks the TranscribeResponse contract as an invalid response', async () => {
    const { stand, client } = await setup();
    stand.on('/v1/speech/transcribe', (_req, res) => void res.json({ transcript: 'wrong shape' }));
    const err = await client.transcribe(wavFixture(0.1), 'audio/wav').catch((e: unknown) => e);
    expect(isUpstreamError(err)).toBe(true);
    expect(err).toMatchObject({ reason: 'invalid_response' });
  });

  it('aborts a transcription that passes its deadline (TimeoutError) and counts it as a failure', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { stand, client } = await setup({ transcribeTimeoutMs: 500 });
    let reached!: () => void;
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    const closed = new Promise<void>((resolve) => {
      stand.on('/v1/speech/transcribe', (_req, res) => {
        res.on('close', () => resolve());
        reached();
      });
    });
    const pending = client.transcribe(wavFixture(0.1), 'audio/wav').catch((e: unknown) => e);
    await arrived;
    await vi.advanceTimersByTimeAsync(500);
    const err = await pending;
    expect(isTimeoutError(err)).toBe(true);
    await closed; // the request was really cancelled
    expect(client.breakers.transcribe.consecutiveFailures).toBe(1);
  });

  it('opens the transcribe breaker after five 5xx answers and then refuses without calling; synthesis is unaffected', async () => {
    const { stand, client } = await setup();
    stand.on('/v1/speech/transcribe', (_req, res) => void res.status(502).json({ error: { code: 'SPEECH_PROVIDER_ERROR', message: 'x', correlationId: 'x' } }));
    for (let i = 0; i < 5; i++) {
      const err = await client.transcribe(wavFixture(0.1), 'audio/wav').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'UPSTREAM_ERROR', status: 502, upstreamCode: 'SPEECH_PROVIDER_ERROR' });
    }
    expect(isBreakerOpenError(await client.transcribe(wavFixture(0.1), 'audio/wav').catch((e: unknown) => e))).toBe(true);
    expect(stand.calls).toHaveLength(5);
    await expect(client.synthesize({ text: 'still speaking' })).resolves.toMatchObject({ contentType: 'audio/wav' });
  });
});
