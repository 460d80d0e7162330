import { HttpError } from '@supportmesh/service-kit';

const BRAND = Symbol.for('supportmesh.gateway.SpeechRejectedError');

/**
 * The speech connector refused the audio or text as the caller's fault (4xx: 411, 413, 415, 400, 422). Answered to
 * the client with the connector's status, code and message unchanged (they describe the caller's audio), in the
 * platform envelope. Not a breaker failure.
 */
export class SpeechRejectedError extends HttpError {
  readonly [BRAND] = true;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(status, code, message, details);
    this.name = 'SpeechRejectedError';
  }
}

export function isSpeechRejectedError(e: unknown): e is SpeechRejectedError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
