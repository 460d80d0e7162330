const BRAND = Symbol.for('supportmesh.speech-connector.SpeechProviderError');

export interface SpeechProviderErrorInit {
  /** Provider name (`azure`, `local`). */
  readonly provider: string;
  /** The provider's own reason, e.g. an Azure `CancellationErrorCode` name or `exit 1`. Never user text. */
  readonly reason: string;
  /** Transient (connection, timeout, throttling): worth retrying and counted by the breaker. */
  readonly retryable: boolean;
  /** Caused by the request (bad parameters, unknown voice): answered 422, never counted against the provider. @default false */
  readonly clientFault?: boolean;
  /** Seconds the provider asked us to wait, when it said. */
  readonly retryAfterSec?: number;
  readonly cause?: unknown;
}

/** The speech engine or service failed. `retryable` separates transient failures from configuration/input ones. */
export class SpeechProviderError extends Error {
  readonly code = 'SPEECH_PROVIDER_ERROR' as const;
  readonly [BRAND] = true;
  readonly provider: string;
  readonly reason: string;
  readonly retryable: boolean;
  readonly clientFault: boolean;
  readonly retryAfterSec: number | undefined;

  constructor(message: string, init: SpeechProviderErrorInit) {
    super(message, { cause: init.cause });
    this.name = 'SpeechProviderError';
    this.provider = init.provider;
    this.reason = init.reason;
    this.retryable = init.retryable;
    this.clientFault = init.clientFault ?? false;
    this.retryAfterSec = init.retryAfterSec;
  }
}

export function isSpeechProviderError(e: unknown): e is SpeechProviderError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
