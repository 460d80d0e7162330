import { isBreakerOpenError, isTimeoutError } from '@supportmesh/resilience';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inspectAudio } from '../audio/inspect.js';
import { CorruptAudioError } from '../errors/corrupt-audio-error.js';
import { SpeechProviderError } from '../errors/speech-provider-error.js';
import { createStandInProvider, silenceWav } from '../testing/index.js';
import { guardProvider } from './guarded.js';
import type { TranscribeOptions } from './provider.js';

const wav = silenceWav(1);
const audio = { bytes: wav, ...inspectAudio(wav, 'wav') };
const opts = (): TranscribeOptions => ({ signal: new AbortController().signal, language: 'en-US' });
const transient = () => new SpeechProviderError('throttled', { provider: 'stand-in', reason: 'TooManyRequests', retryable: true });
const fatal = () => new SpeechProviderError('auth', { provider: 'stand-in', reason: 'AuthenticationFailure', retryable: false });

afterEach(() => {
  vi.useRealTimers();
});

describe('guarded provider (stand-in engines)', () => {
  it('retries a transient provider error once and returns the second answer', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const guarded = guardProvider(
      createStandInProvider({
        transcribe: () => (++calls === 1 ? Promise.reject(transient()) : Promise.resolve({ text: 'ok', language: 'en-US' })),
      }),
      { transcribeTimeoutMs: 5000, synthesizeTimeoutMs: 5000, retryAttempts: 2 },
    );
    const pending = guarded.transcribe(audio, opts());
    await vi.advanceTimersByTimeAsync(1000); // the jittered backoff
    await expect(pending).resolves.toMatchObject({ text: 'ok' });
    expect(calls).toBe(2);
    guarded.shutdown();
  });

  it('does not retry a non-retryable error', async () => {
    let calls = 0;
    const guarded = guardProvider(createStandInProvider({ transcribe: () => (calls++, Promise.reject(fatal())) }), { transcribeTimeoutMs: 5000, synthesizeTimeoutMs: 5000, retryAttempts: 3 });
    await expect(guarded.transcribe(audio, opts())).rejects.toMatchObject({ reason: 'AuthenticationFailure' });
    expect(calls).toBe(1);
    guarded.shutdown();
  });

  it('opens the speech-to-text breaker after 5 consecutive provider failures and refuses the next call', async () => {
    let calls = 0;
    const guarded = guardProvider(createStandInProvider({ transcribe: () => (calls++, Promise.reject(fatal())) }), {
      transcribeTimeoutMs: 5000,
      synthesizeTimeoutMs: 5000,
      retryAttempts: 1,
      breakerFailures: 5,
    });
    for (let i = 0; i < 5; i++) await guarded.transcribe(audio, opts()).catch(() => undefined);
    const refused = await guarded.transcribe(audio, opts()).catch((e: unknown) => e);
    expect(isBreakerOpenError(refused)).toBe(true);
    expect(calls).toBe(5);
    expect(guarded.sttBreaker.state).toBe('OPEN');
    expect(guarded.ttsBreaker.state).toBe('CLOSED');
    guarded.shutdown();
  });

  it("never counts the caller's bad audio against the provider", async () => {
    const guarded = guardProvider(createStandInProvider({ transcribe: () => Promise.reject(new CorruptAudioError()) }), {
      transcribeTimeoutMs: 5000,
      synthesizeTimeoutMs: 5000,
      retryAttempts: 1,
      breakerFailures: 2,
    });
    for (let i = 0; i < 4; i++) await expect(guarded.transcribe(audio, opts())).rejects.toMatchObject({ code: 'CORRUPT_AUDIO' });
    expect(guarded.sttBreaker.state).toBe('CLOSED');
    guarded.shutdown();
  });

  it('aborts the engine when the deadline passes and answers a TimeoutError', async () => {
    vi.useFakeTimers();
    let engineSignal: AbortSignal | undefined;
    const guarded = guardProvider(
      createStandInProvider({
        transcribe: (_a, o) => {
          engineSignal = o.signal;
          return new Promise(() => undefined); // an engine that never answers
        },
      }),
      { transcribeTimeoutMs: 1000, synthesizeTimeoutMs: 1000 },
    );
    const pending = guarded.transcribe(audio, opts()).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    expect(isTimeoutError(await pending)).toBe(true);
    expect(engineSignal?.aborted).toBe(true);
    guarded.shutdown();
  });
});
