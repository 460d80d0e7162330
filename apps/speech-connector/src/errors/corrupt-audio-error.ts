import { HttpError } from '@supportmesh/service-kit';

const BRAND = Symbol.for('supportmesh.speech-connector.CorruptAudioError');

/** 400: the bytes claim a supported container but its structure is broken (truncated, bad chunk sizes, no frames). */
export class CorruptAudioError extends HttpError {
  override readonly code = 'CORRUPT_AUDIO' as const;
  readonly [BRAND] = true;

  constructor(message = 'The audio is corrupt', details?: unknown, options?: { cause?: unknown }) {
    super(400, 'CORRUPT_AUDIO', message, details, options);
    this.name = 'CorruptAudioError';
  }
}

export function isCorruptAudioError(e: unknown): e is CorruptAudioError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
