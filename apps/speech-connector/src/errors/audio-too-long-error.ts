import { HttpError } from '@supportmesh/service-kit';

const BRAND = Symbol.for('supportmesh.speech-connector.AudioTooLongError');

/** 422: the audio is well formed but longer than `SPEECH_MAX_SECONDS`. */
export class AudioTooLongError extends HttpError {
  override readonly code = 'AUDIO_TOO_LONG' as const;
  readonly [BRAND] = true;
  readonly durationMs: number;
  readonly maxSeconds: number;

  constructor(durationMs: number, maxSeconds: number) {
    super(422, 'AUDIO_TOO_LONG', `The audio is ${(durationMs / 1000).toFixed(1)} s long; the limit is ${maxSeconds} s`, {
      durationMs: Math.round(durationMs),
      maxSeconds,
    });
    this.name = 'AudioTooLongError';
    this.durationMs = durationMs;
    this.maxSeconds = maxSeconds;
  }
}

export function isAudioTooLongError(e: unknown): e is AudioTooLongError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
