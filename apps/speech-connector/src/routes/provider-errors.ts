import { isBulkheadRejectedError } from '@supportmesh/resilience';
import { HttpError } from '@supportmesh/service-kit';
import { isSpeechProviderError } from '../errors/speech-provider-error.js';

/**
 * Turns provider and capacity errors into client answers; anything else is rethrown for the error handler
 * (timeouts → 504, open breaker → 503 with Retry-After, HttpErrors as they are).
 * - full bulkhead → 503 `SPEECH_BUSY` + `Retry-After: 1`
 * - transient provider failure → 503 `SPEECH_PROVIDER_UNAVAILABLE` + `Retry-After`
 * - the provider rejected the request's parameters → 422 `SPEECH_REJECTED`
 * - other provider failures → 502 `SPEECH_PROVIDER_ERROR`
 * The provider's own message is never shown (it may quote endpoints); its reason code is.
 */
export function toClientError(err: unknown, what: 'transcriptions' | 'syntheses'): unknown {
  if (isBulkheadRejectedError(err)) {
    return new HttpError(503, 'SPEECH_BUSY', `Too many concurrent ${what} on this instance; retry shortly`, { reason: err.reason }, { cause: err, headers: { 'Retry-After': '1' } });
  }
  if (isSpeechProviderError(err)) {
    const details = { provider: err.provider, reason: err.reason };
    if (err.clientFault) return new HttpError(422, 'SPEECH_REJECTED', 'The speech provider rejected the request', details, { cause: err });
    if (err.retryable) {
      return new HttpError(503, 'SPEECH_PROVIDER_UNAVAILABLE', 'The speech provider is temporarily unavailable', details, {
        cause: err,
        headers: { 'Retry-After': String(Math.max(1, Math.ceil(err.retryAfterSec ?? 1))) },
      });
    }
    return new HttpError(502, 'SPEECH_PROVIDER_ERROR', 'The speech provider failed', details, { cause: err });
  }
  return err;
}
