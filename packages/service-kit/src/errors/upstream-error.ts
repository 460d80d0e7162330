const BRAND = Symbol.for('supportmesh.service-kit.UpstreamError');

/** What went wrong with the upstream call. */
export type UpstreamFailure = 'http_status' | 'network' | 'invalid_response';

export interface UpstreamErrorInit {
  /** Client name (the downstream service). */
  readonly service: string;
  readonly reason: UpstreamFailure;
  /** The upstream's HTTP status, when it answered. */
  readonly status?: number;
  /** The upstream's envelope `error.code`, when it sent one. */
  readonly upstreamCode?: string;
  /** The upstream's requested wait (retry-after-ms / retry-after). */
  readonly retryAfterMs?: number;
  /** Network error code (ECONNREFUSED, ECONNRESET, ...). */
  readonly networkCode?: string;
  readonly cause?: unknown;
}

/**
 * A service-to-service call failed: the upstream answered an error status, could not be reached, or
 * answered something that breaks the contract. Carries the upstream status and envelope code, never
 * the upstream's message (`errorHandler()` answers 502 `UPSTREAM_ERROR` with a generic message).
 */
export class UpstreamError extends Error {
  readonly code = 'UPSTREAM_ERROR' as const;
  readonly [BRAND] = true;
  readonly service: string;
  readonly reason: UpstreamFailure;
  readonly status: number | undefined;
  readonly upstreamCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly networkCode: string | undefined;

  constructor(init: UpstreamErrorInit) {
    const what =
      init.reason === 'http_status'
        ? `answered HTTP ${init.status ?? '?'}${init.upstreamCode ? ` (${init.upstreamCode})` : ''}`
        : init.reason === 'network'
          ? `is unreachable${init.networkCode ? ` (${init.networkCode})` : ''}`
          : `answered an invalid response${init.status ? ` (HTTP ${init.status})` : ''}`;
    super(`Upstream '${init.service}' ${what}`, { cause: init.cause });
    this.name = 'UpstreamError';
    this.service = init.service;
    this.reason = init.reason;
    this.status = init.status;
    this.upstreamCode = init.upstreamCode;
    this.retryAfterMs = init.retryAfterMs;
    this.networkCode = init.networkCode;
  }
}

export function isUpstreamError(e: unknown): e is UpstreamError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
