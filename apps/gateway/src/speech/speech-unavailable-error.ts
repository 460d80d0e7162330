import { HttpError } from '@supportmesh/service-kit';

const BRAND = Symbol.for('supportmesh.gateway.SpeechUnavailableError');

/** 503 `SPEECH_UNAVAILABLE` + `Retry-After`: the audio could not be transcribed (connector down, busy, failing). */
export class SpeechUnavailableError extends HttpError {
  override readonly code = 'SPEECH_UNAVAILABLE' as const;
  readonly [BRAND] = true;
  readonly retryAfterSec: number;

  constructor(retryAfterSec: number, options?: { cause?: unknown }) {
    const seconds = Math.max(1, Math.ceil(retryAfterSec));
    super(503, 'SPEECH_UNAVAILABLE', 'Speech recognition is unavailable right now; try again shortly or type your message', undefined, {
      cause: options?.cause,
      headers: { 'Retry-After': String(seconds) },
    });
    this.name = 'SpeechUnavailableError';
    this.retryAfterSec = seconds;
  }
}

export function isSpeechUnavailableError(e: unknown): e is SpeechUnavailableError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
