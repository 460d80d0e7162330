import { HttpError } from '@supportmesh/service-kit';

const BRAND = Symbol.for('supportmesh.speech-connector.UnknownVoiceError');

/** 422: the requested voice is not installed / offered by the provider (see `GET /v1/speech/voices`). */
export class UnknownVoiceError extends HttpError {
  override readonly code = 'UNKNOWN_VOICE' as const;
  readonly [BRAND] = true;

  constructor(voice: string) {
    super(422, 'UNKNOWN_VOICE', `Unknown voice "${voice}"; see GET /v1/speech/voices`, { voice });
    this.name = 'UnknownVoiceError';
  }
}

export function isUnknownVoiceError(e: unknown): e is UnknownVoiceError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
