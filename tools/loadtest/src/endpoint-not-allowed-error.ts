const BRAND = Symbol.for('supportmesh.loadtest.EndpointNotAllowedError');

/** A load-test target outside loopback: the tool only ever sends load to this machine. */
export class EndpointNotAllowedError extends Error {
  readonly code = 'ENDPOINT_NOT_ALLOWED';
  readonly [BRAND] = true;

  constructor(message = 'only http(s)://127.0.0.1, localhost or [::1] endpoints are allowed', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EndpointNotAllowedError';
  }
}

export function isEndpointNotAllowedError(e: unknown): e is EndpointNotAllowedError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
