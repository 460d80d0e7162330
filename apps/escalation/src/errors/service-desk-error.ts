const BRAND = Symbol.for('supportmesh.escalation.ServiceDeskError');

/** The service desk refused or failed a call (HTTP status when there was one). */
export class ServiceDeskError extends Error {
  readonly code = 'SERVICE_DESK_ERROR' as const;
  readonly [BRAND] = true;
  /** The desk's HTTP status, if it answered. */
  readonly status: number | undefined;
  /** False when the desk rejected the ticket itself (e.g. 400, 422): retrying cannot succeed. */
  readonly retryable: boolean;

  constructor(message = 'Service desk call failed', options: { status?: number; retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ServiceDeskError';
    this.status = options.status;
    this.retryable = options.retryable ?? true;
  }
}

export function isServiceDeskError(e: unknown): e is ServiceDeskError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
