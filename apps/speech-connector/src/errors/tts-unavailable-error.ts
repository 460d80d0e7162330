import { HttpError } from '@supportmesh/service-kit';

const BRAND = Symbol.for('supportmesh.speech-connector.TtsUnavailableError');

export const TTS_INSTALL_HINT = 'npm install espeak-ng (optional dependency) or apt-get install espeak-ng';

/** 503: no text-to-speech engine is available (local: eSpeak NG WASM package or binary; or an Azure Speech key). */
export class TtsUnavailableError extends HttpError {
  override readonly code = 'TTS_UNAVAILABLE' as const;
  readonly [BRAND] = true;

  constructor() {
    super(
      503,
      'TTS_UNAVAILABLE',
      `No text-to-speech engine is available. Install one with \`${TTS_INSTALL_HINT}\`, or configure Azure Speech (AZURE_SPEECH_KEY and AZURE_SPEECH_REGION).`,
    );
    this.name = 'TtsUnavailableError';
  }
}

export function isTtsUnavailableError(e: unknown): e is TtsUnavailableError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
