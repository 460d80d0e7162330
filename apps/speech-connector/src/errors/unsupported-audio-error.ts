import { HttpError } from '@supportmesh/service-kit';

const BRAND = Symbol.for('supportmesh.speech-connector.UnsupportedAudioError');

/**
 * 415: the media type is not one we take, the bytes are not what the Content-Type says, or the encoding
 * inside a supported container is not supported (e.g. 44.1 kHz or float WAV, Ogg Vorbis).
 */
export class UnsupportedAudioError extends HttpError {
  override readonly code = 'UNSUPPORTED_MEDIA_TYPE' as const;
  readonly [BRAND] = true;

  constructor(message: string, details?: unknown) {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', message, details);
    this.name = 'UnsupportedAudioError';
  }
}

export function isUnsupportedAudioError(e: unknown): e is UnsupportedAudioError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
