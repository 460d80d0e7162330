import type { TranscribeResponse } from '@supportmesh/contracts';
import type { Bulkhead } from '@supportmesh/resilience';
import { errorAnswer, HttpError } from '@supportmesh/service-kit';
import type { Logger } from '@supportmesh/telemetry';
import type { Express, Request } from 'express';
import { containerOfMediaType, inspectAudio, OCTET_STREAM, type AudioContainer } from '../audio/inspect.js';
import { AudioTooLongError } from '../errors/audio-too-long-error.js';
import { EmptyAudioError } from '../errors/empty-audio-error.js';
import { SttUnavailableError } from '../errors/stt-unavailable-error.js';
import { UnsupportedAudioError } from '../errors/unsupported-audio-error.js';
import { multipartBoundary, parseMultipart } from '../http/multipart.js';
import { readBody } from '../http/read-body.js';
import type { SpeechMetrics } from '../metrics.js';
import type { GuardedProvider } from '../providers/guarded.js';
import type { AudioInput } from '../providers/provider.js';
import { toClientError } from './provider-errors.js';

export interface TranscribeLimits {
  readonly maxBytes: number;
  readonly maxSeconds: number;
  readonly defaultLanguage: string;
}

export interface TranscribeRouteDeps {
  readonly guarded: GuardedProvider;
  readonly bulkhead: Bulkhead;
  readonly limits: TranscribeLimits;
  readonly metrics: SpeechMetrics;
  readonly logger: Logger;
}

const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/i;
/** Content-Length, required and within the limit, checked before a byte of the body is read. */
function declaredLength(req: Request, maxBytes: number): number {
  const header = req.headers['content-length'];
  if (header === undefined) {
    throw new HttpError(411, 'LENGTH_REQUIRED', 'Content-Length is required: send the audio with a known length (no chunked upload)');
  }
  if (!/^\d{1,15}$/.test(header)) throw new HttpError(400, 'BAD_REQUEST', 'Content-Length is not a number');
  const length = Number(header);
  if (length > maxBytes) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `The audio is ${length} bytes; the limit is ${maxBytes} bytes`, { maxBytes, contentLength: length });
  }
  if (length === 0) throw new EmptyAudioError('The request has no audio');
  return length;
}

function languageOf(value: unknown, fallback: string): string {
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !LANGUAGE.test(value)) {
    throw new HttpError(400, 'VALIDATION_FAILED', 'Invalid language', [{ path: 'language', message: 'must be a BCP-47 tag like en-US' }]);
  }
  return value;
}

interface AudioBody {
  readonly bytes: Buffer;
  readonly declared: AudioContainer | null;
  readonly language?: string;
}

/** The audio bytes and their declared container, from a raw body or the `audio` field of a form. */
async function audioBody(req: Request, maxBytes: number): Promise<AudioBody> {
  const contentType = req.headers['content-type'];
  const boundary = multipartBoundary(contentType);
  if (boundary === undefined) {
    const declared = containerOfMediaType(contentType);
    if (declared === undefined) {
      throw new UnsupportedAudioError(
        `Content-Type must be audio/wav, audio/ogg (Opus), audio/mpeg, ${OCTET_STREAM} or multipart/form-data; got ${contentType ? JSON.stringify(contentType.slice(0, 100)) : 'none'}`,
        { contentType: contentType?.slice(0, 100) ?? null },
      );
    }
    return { bytes: await readBody(req, maxBytes), declared };
  }
  const parts = parseMultipart(await readBody(req, maxBytes), boundary);
  const audio = parts.filter((p) => p.name === 'audio');
  if (audio.length !== 1) {
    throw new HttpError(400, 'VALIDATION_FAILED', 'The form must have exactly one file field named "audio"', [{ path: 'audio', message: audio.length === 0 ? 'missing' : 'more than one' }]);
  }
  const part = audio[0] as (typeof audio)[number];
  const declared = part.contentType === undefined ? null : containerOfMediaType(part.contentType);
  if (declared === undefined) {
    throw new UnsupportedAudioError(`The audio part's Content-Type must be audio/wav, audio/ogg (Opus) or audio/mpeg; got ${JSON.stringify(part.contentType?.slice(0, 100))}`);
  }
  const language = parts.find((p) => p.name === 'language')?.data.toString('utf8').trim();
  return { bytes: part.data, declared, ...(language ? { language } : {}) };
}

/**
 * `POST /v1/speech/transcribe` — audio (raw body or multipart field `audio`) → `{text, language, confidence?,
 * durationMs, provider}`. Everything about the input is validated before any engine work: 411 without
 * Content-Length, 413 over `SPEECH_MAX_BYTES`, 415 for an unsupported or mislabelled format (sniffed),
 * 400 for empty or corrupt audio, 422 over `SPEECH_MAX_SECONDS` or for an unsupported language.
 * Then a slot in the bulkhead (503 + Retry-After when full after a short wait), then the guarded provider.
 */
export function registerTranscribeRoute(app: Express, deps: TranscribeRouteDeps): void {
  const { guarded, bulkhead, limits, metrics, logger } = deps;
  const provider = guarded.provider;

  app.post('/v1/speech/transcribe', async (req, res) => {
    const startedAt = Date.now();
    let outcome = 'ok';
    try {
      const abort = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) abort.abort();
      });
      const declaredBytes = declaredLength(req, limits.maxBytes);
      const body = await audioBody(req, limits.maxBytes);
      if (body.bytes.length === 0) throw new EmptyAudioError('The request has no audio');
      const info = inspectAudio(body.bytes, body.declared);
      if (info.durationMs > limits.maxSeconds * 1000) throw new AudioTooLongError(info.durationMs, limits.maxSeconds);
      const language = languageOf(req.query['language'] ?? body.language, limits.defaultLanguage);
      if (!provider.supportsLanguage(language)) {
        throw new HttpError(422, 'LANGUAGE_UNSUPPORTED', `The ${provider.name} provider cannot transcribe ${language}`, { language, provider: provider.name });
      }
      const caps = provider.capabilities();
      if (!caps.stt) throw new SttUnavailableError(caps.sttMissing && caps.sttMissing.length > 0 ? caps.sttMissing : ['speech-to-text engine']);
      if (!caps.inputFormats.includes(info.format)) {
        throw new UnsupportedAudioError(`The ${provider.name} provider cannot decode ${info.format} audio here; send 16-bit PCM WAV`, {
          format: info.format,
          accepted: caps.inputFormats,
          ...(caps.notes[info.format] ? { hint: caps.notes[info.format] } : {}),
        });
      }
      const audio: AudioInput = { bytes: body.bytes, ...info };

      const transcript = await bulkhead
        .run(async () => {
          metrics.activeStreams.inc();
          const engineStart = Date.now();
          try {
            return await guarded.transcribe(audio, { signal: abort.signal, language });
          } finally {
            metrics.activeStreams.dec();
            metrics.processingSeconds.observe({ operation: 'transcribe', provider: provider.name }, (Date.now() - engineStart) / 1000);
          }
        }, abort.signal)
        .catch((err: unknown) => {
          throw toClientError(err, 'transcriptions');
        });

      metrics.audioSeconds.observe({ operation: 'transcribe', provider: provider.name }, info.durationMs / 1000);
      const response: TranscribeResponse = {
        text: transcript.text,
        language: transcript.language,
        ...(transcript.confidence === undefined ? {} : { confidence: transcript.confidence }),
        durationMs: Math.round(info.durationMs),
        provider: provider.name,
      };
      // sizes, codes and counts only: never the transcript
      logger.info(
        {
          provider: provider.name,
          format: info.format,
          sampleRate: info.sampleRate,
          channels: info.channels,
          bytes: declaredBytes,
          audioMs: response.durationMs,
          words: transcript.text === '' ? 0 : transcript.text.split(/\s+/).length,
          confidence: transcript.confidence,
          latencyMs: Date.now() - startedAt,
        },
        'transcribed',
      );
      res.json(response);
    } catch (err) {
      // answered before the whole body arrived: do not keep reading it, close the connection after the answer
      if (!req.complete) res.setHeader('Connection', 'close');
      const answer = errorAnswer(err);
      outcome = answer.code === 'SPEECH_BUSY' ? 'busy' : answer.status < 500 ? 'rejected' : 'error';
      throw err;
    } finally {
      metrics.requests.inc({ operation: 'transcribe', provider: provider.name, outcome });
    }
  });
}
