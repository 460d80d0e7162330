import { HttpError } from '@supportmesh/service-kit';

const BRAND = Symbol.for('supportmesh.speech-connector.EmptyAudioError');

/** 400: no body, or a well-formed container without any audio samples. */
export class EmptyAudioError extends HttpError {
  override readonly code = 'EMPTY_AUDIO' as const;
  readonly [BRAND] = true;

  constructor(message = 'The audio is empty') {
    super(400, 'EMPTY_AUDIO', message);
    this.name = 'EmptyAudioError';
  }
}

export function isEmptyAudioError(e: unknown): e is EmptyAudioError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
