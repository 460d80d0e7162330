import { withTimeout } from '@supportmesh/resilience';
import type { Express } from 'express';
import type { SpeechProvider } from '../providers/provider.js';
import { toClientError } from './provider-errors.js';

export interface VoicesRouteDeps {
  readonly provider: SpeechProvider;
  readonly defaultVoice: string;
  /** @default 5_000 */
  readonly timeoutMs?: number;
}

/** `GET /v1/speech/voices` → `{provider, defaultVoice, formats, voices: [{name, locale, gender?, displayName?}]}`. */
export function registerVoicesRoute(app: Express, deps: VoicesRouteDeps): void {
  app.get('/v1/speech/voices', async (_req, res) => {
    const voices = await withTimeout((signal) => deps.provider.voices({ signal }), deps.timeoutMs ?? 5_000).catch((err: unknown) => {
      throw toClientError(err, 'syntheses');
    });
    const caps = deps.provider.capabilities();
    res.set('Cache-Control', 'public, max-age=300').json({
      provider: deps.provider.name,
      defaultVoice: deps.defaultVoice,
      formats: { input: caps.inputFormats, output: caps.outputFormats },
      voices,
    });
  });
}
