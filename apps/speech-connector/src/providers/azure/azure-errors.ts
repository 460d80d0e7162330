import sdk from 'microsoft-cognitiveservices-speech-sdk';
import { SpeechProviderError } from '../../errors/speech-provider-error.js';

/** The parts of an SDK cancellation we map (`CancellationDetails` or a `…CanceledEventArgs`). */
export interface CancellationLike {
  readonly reason: sdk.CancellationReason;
  readonly errorCode: sdk.CancellationErrorCode | undefined;
  readonly errorDetails: string | undefined;
}

/** Transient: the same request may succeed later (counted by the breaker, retried). */
const RETRYABLE = new Set<sdk.CancellationErrorCode>([
  sdk.CancellationErrorCode.ConnectionFailure,
  sdk.CancellationErrorCode.ServiceTimeout,
  sdk.CancellationErrorCode.TooManyRequests,
  sdk.CancellationErrorCode.ServiceError,
]);

/** Caused by the request (e.g. an unknown voice or a bad SSML/audio): never retried, not a provider failure. */
const CLIENT_FAULT = new Set<sdk.CancellationErrorCode>([sdk.CancellationErrorCode.BadRequestParameters]);

/** `CancellationDetails` (whose getter is spelled `ErrorCode`) in the shape of the event args. */
export function fromCancellationDetails(details: sdk.CancellationDetails): CancellationLike {
  return { reason: details.reason, errorCode: details.ErrorCode, errorDetails: details.errorDetails };
}

/**
 * The SDK sometimes leaves the code unset (e.g. a synthesis result whose property holds the name); the
 * details text then names a connection problem.
 */
function effectiveCode(c: CancellationLike): sdk.CancellationErrorCode {
  if (typeof c.errorCode === 'number' && sdk.CancellationErrorCode[c.errorCode] !== undefined) return c.errorCode;
  if (typeof c.errorCode === 'string') {
    const byName = (sdk.CancellationErrorCode as unknown as Record<string, number | undefined>)[c.errorCode];
    if (typeof byName === 'number') return byName;
  }
  if (/unable to contact server|1006|websocket/i.test(c.errorDetails ?? '')) return sdk.CancellationErrorCode.ConnectionFailure;
  return sdk.CancellationErrorCode.RuntimeError;
}

/**
 * Maps an Azure Speech cancellation to `SpeechProviderError`: ConnectionFailure, ServiceTimeout,
 * TooManyRequests and ServiceError are retryable; AuthenticationFailure, Forbidden, BadRequestParameters and
 * RuntimeError are not (BadRequestParameters is the caller's fault). The SDK's details text is kept only as
 * the error `cause` for logs, never shown to clients.
 */
export function mapCancellation(c: CancellationLike, operation: 'transcription' | 'synthesis'): SpeechProviderError {
  const code = effectiveCode(c);
  const reason = sdk.CancellationErrorCode[code] ?? 'Unknown';
  return new SpeechProviderError(`Azure Speech ${operation} was cancelled (${reason})`, {
    provider: 'azure',
    reason,
    retryable: RETRYABLE.has(code),
    clientFault: CLIENT_FAULT.has(code),
    cause: c.errorDetails ? new Error(c.errorDetails.slice(0, 500)) : undefined,
  });
}

/** An error thrown or passed to an SDK error callback (a string, usually): a runtime failure. */
export function mapSdkError(err: unknown, operation: 'transcription' | 'synthesis'): SpeechProviderError {
  const text = typeof err === 'string' ? err : err instanceof Error ? err.message : String(err);
  const connection = /unable to contact server|1006|websocket|ECONNREFUSED|ENOTFOUND|ETIMEDOUT/i.test(text);
  return new SpeechProviderError(`Azure Speech ${operation} failed`, {
    provider: 'azure',
    reason: connection ? 'ConnectionFailure' : 'RuntimeError',
    retryable: connection,
    cause: err instanceof Error ? err : new Error(text.slice(0, 500)),
  });
}
