/** A pinned connection was closed by the server (or failed) before an answer came. */
export class PinnedClosedError extends Error {
  readonly code = 'PINNED_CLOSED';

  constructor(options?: { cause?: unknown }) {
    super('connection closed before a response', options);
    this.name = 'PinnedClosedError';
  }
}

export function isPinnedClosedError(e: unknown): e is PinnedClosedError {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'PINNED_CLOSED';
}
