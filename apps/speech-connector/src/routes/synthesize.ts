import { SynthesizeRequest } from '@supportmesh/contracts';
import type { Bulkhead } from '@supportmesh/resilience';
import { errorAnswer, HttpError, requireJson, validateBody } from '@supportmesh/service-kit';
import type { Logger } from '@supportmesh/telemetry';
import type { Express, RequestHandler } from 'express';
import { TtsUnavailableError } from '../errors/tts-unavailable-error.js';
import type { SpeechMetrics } from '../metrics.js';
import type { GuardedProvider } from '../providers/guarded.js';
import type { OutputFormat } from '../providers/provider.js';
import { toClientError } from './provider-errors.js';

export interface SynthesizeRouteDeps {
  readonly guarded: GuardedProvider;
  readonly bulkhead: Bulkhead;
  readonly maxTextChars: number;
  readonly metrics: SpeechMetrics;
  readonly logger: Logger;
}

/**
 * Text longer than the limit is answered 422 `TEXT_TOO_LONG` (the request is small and well-formed; the
 * limit is about the work it asks for). Bodies over the JSON limit (64 kB) are 413 from the body parser.
 */
function textLimit(maxChars: number): RequestHandler {
  return (req, _res, next) => {
    const text = (req.body as { text?: unknown } | undefined)?.text;
    if (typeof text === 'string') {
      const chars = [...text].length;
      if (chars > maxChars) {
        next(new HttpError(422, 'TEXT_TOO_LONG', `The text is ${chars} characters; the limit is ${maxChars}`, { maxChars, chars }));
        return;
      }
    }
    next();
  };
}

/** Duration of a 16-bit PCM WAV we produced (for metrics); 0 when it is not one. */
function wavSeconds(audio: Buffer): number {
  if (audio.length < 44 || audio.toString('ascii', 0, 4) !== 'RIFF') return 0;
  const byteRate = audio.readUInt32LE(28);
  return byteRate > 0 ? (audio.length - 44) / byteRate : 0;
}

/** `POST /v1/speech/synthesize {text, voice?, format?}` → audio bytes (`audio/wav` or `audio/mpeg`). */
export function registerSynthesizeRoute(app: Express, deps: SynthesizeRouteDeps): void {
  const { guarded, bulkhead, metrics, logger } = deps;
  const provider = guarded.provider;

  app.post('/v1/speech/synthesize', requireJson(), textLimit(deps.maxTextChars), validateBody(SynthesizeRequest), async (req, res) => {
    const body = req.body as SynthesizeRequest;
    const format: OutputFormat = body.format ?? 'wav';
    const startedAt = Date.now();
    let outcome = 'ok';
    try {
      const caps = provider.capabilities();
      if (!caps.tts) throw new TtsUnavailableError();
      if (!caps.outputFormats.includes(format)) {
        const hint = caps.notes[`${format}-output`];
        throw new HttpError(422, 'FORMAT_UNAVAILABLE', `The ${provider.name} provider cannot produce ${format} here; ask for ${caps.outputFormats.join(' or ')}`, {
          format,
          available: caps.outputFormats,
          ...(hint ? { hint } : {}),
        });
      }
      const abort = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) abort.abort();
      });
      const result = await bulkhead
        .run(async () => {
          metrics.activeSyntheses.inc();
          const engineStart = Date.now();
          try {
            return await guarded.synthesize(body.text, { signal: abort.signal, format, ...(body.voice ? { voice: body.voice } : {}) });
          } finally {
            metrics.activeSyntheses.dec();
            metrics.processingSeconds.observe({ operation: 'synthesize', provider: provider.name }, (Date.now() - engineStart) / 1000);
          }
        }, abort.signal)
        .catch((err: unknown) => {
          throw toClientError(err, 'syntheses');
        });
      const seconds = result.format === 'wav' ? wavSeconds(result.audio) : 0;
      if (seconds > 0) metrics.audioSeconds.observe({ operation: 'synthesize', provider: provider.name }, seconds);
      logger.info(
        { provider: provider.name, format: result.format, voice: result.voice, chars: body.text.length, bytes: result.audio.length, latencyMs: Date.now() - startedAt },
        'synthesized',
      );
      res
        .status(200)
        .set({ 'Content-Type': result.contentType, 'Cache-Control': 'no-store', 'X-Speech-Provider': provider.name, 'X-Speech-Voice': result.voice })
        .send(result.audio);
    } catch (err) {
      const answer = errorAnswer(err);
      outcome = answer.code === 'SPEECH_BUSY' ? 'busy' : answer.status < 500 ? 'rejected' : 'error';
      throw err;
    } finally {
      metrics.requests.inc({ operation: 'synthesize', provider: provider.name, outcome });
    }
  });
}
