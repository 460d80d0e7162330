import { HttpError } from '@supportmesh/service-kit';

const BRAND = Symbol.for('supportmesh.speech-connector.SttUnavailableError');

export const STT_INSTALL_HINT = 'apt-get install pocketsphinx pocketsphinx-en-us sox';

/** 503: no speech-to-text engine is installed or configured (local: PocketSphinx + sox; or an Azure Speech key). */
export class SttUnavailableError extends HttpError {
  override readonly code = 'STT_UNAVAILABLE' as const;
  readonly [BRAND] = true;

  constructor(missing: readonly string[]) {
    super(
      503,
      'STT_UNAVAILABLE',
      `No speech-to-text engine is available (missing: ${missing.join(', ')}). Install one with \`${STT_INSTALL_HINT}\`, or configure Azure Speech (AZURE_SPEECH_KEY and AZURE_SPEECH_REGION).`,
      { missing },
    );
    this.name = 'SttUnavailableError';
  }
}

export function isSttUnavailableError(e: unknown): e is SttUnavailableError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
