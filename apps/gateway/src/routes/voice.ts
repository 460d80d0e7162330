import { performance } from 'node:perf_hooks';
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { Id, MAX_MESSAGE_CHARS, type TranscribeResponse, type VoiceTurnResponse } from '@supportmesh/contracts';
import { isAbortError, isBreakerOpenError } from '@supportmesh/resilience';
import { HttpError, isUpstreamError, validateParams } from '@supportmesh/service-kit';
import type { Logger } from '@supportmesh/telemetry';
import { principalOf } from '../auth/principal.js';
import { describe } from '../log-safe.js';
import type { GatewayMetrics } from '../metrics.js';
import type { SpeechClient, SynthesizedAudio } from '../speech/speech-client.js';
import { isSpeechRejectedError } from '../speech/speech-rejected-error.js';
import { SpeechUnavailableError } from '../speech/speech-unavailable-error.js';
import type { OpenConversation } from '../store/conversations.js';
import { admitTurn, answerTurn, clientGone, limitUser, type TurnDeps } from './turns.js';

/** The speech connector's default `SPEECH_MAX_BYTES`. */
export const DEFAULT_VOICE_MAX_BYTES = 10 * 1024 * 1024;

/** Media types the speech connector takes as a raw body (`application/octet-stream` = it sniffs the bytes). */
export const VOICE_MEDIA_TYPES: readonly string[] = [
  'audio/wav',
  'audio/x-wav',
  'audio/wave',
  'audio/vnd.wave',
  'audio/ogg',
  'audio/opus',
  'audio/mpeg',
  'audio/mp3',
  'application/octet-stream',
];

export interface VoiceDeps {
  readonly speech: SpeechClient;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** Largest audio body, the speech connector's limit. @default 10 MiB */
  readonly maxBytes?: number;
  /** Voice of the spoken reply. @default the connector's default voice */
  readonly voice?: string;
}

const IdParams = z.strictObject({ id: Id });
const CONVERSATION = 'voiceConversation';
/** Retry-After when the connector gave none. */
const DEFAULT_RETRY_AFTER_SEC = 5;

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * Checks the audio's headers before anything is read or counted (the speech connector's own rules, so a bad upload
 * costs neither a rate-limit point nor a transfer): 411 without `Content-Length`, 413 over the limit (the
 * connection is closed after the answer), 400 for an empty body, 415 for a media type the connector does not take.
 */
function audioHeaders(maxBytes: number): RequestHandler {
  return (req, res, next) => {
    const header = req.headers['content-length'];
    if (header === undefined) {
      next(new HttpError(411, 'LENGTH_REQUIRED', 'Content-Length is required: send the audio with a known length (no chunked upload)'));
      return;
    }
    if (!/^\d{1,15}$/.test(header)) {
      next(new HttpError(400, 'BAD_REQUEST', 'Content-Length is not a number'));
      return;
    }
    const length = Number(header);
    if (length > maxBytes) {
      res.setHeader('Connection', 'close');
      next(new HttpError(413, 'PAYLOAD_TOO_LARGE', `The audio is ${length} bytes; the limit is ${maxBytes} bytes`, { maxBytes, contentLength: length }));
      return;
    }
    if (length === 0) {
      next(new HttpError(400, 'EMPTY_AUDIO', 'The request has no audio'));
      return;
    }
    const essence = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!VOICE_MEDIA_TYPES.includes(essence)) {
      next(
        new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be audio/wav (16-bit PCM), audio/ogg (Opus), audio/mpeg or application/octet-stream', {
          accepted: VOICE_MEDIA_TYPES,
        }),
      );
      return;
    }
    next();
  };
}

/** Per-user limit, owner check, then the conversation's limit and the token budget — all before the audio is read. */
function admitVoiceTurn(deps: TurnDeps): RequestHandler {
  return async (req, res, next) => {
    const principal = principalOf(res);
    await limitUser(deps, res, principal.user);
    const { id } = req.params as z.infer<typeof IdParams>;
    const conversation = await deps.conversations.open(id, principal);
    await admitTurn(deps, res, principal, conversation);
    (res.locals as Record<string, unknown>)[CONVERSATION] = conversation;
    next();
  };
}

/** A failed transcription: the caller's audio (4xx, unchanged) or the client's own abort pass through; anything else is 503. */
function transcribeFailure(err: unknown): unknown {
  if (isSpeechRejectedError(err) || isAbortError(err)) return err;
  const retryAfterMs = isBreakerOpenError(err) ? err.retryAfterMs : isUpstreamError(err) ? err.retryAfterMs : undefined;
  return new SpeechUnavailableError(retryAfterMs === undefined || retryAfterMs <= 0 ? DEFAULT_RETRY_AFTER_SEC : retryAfterMs / 1000, { cause: err });
}

/**
 * `POST /v1/conversations/{id}/voice` — raw audio in (`audio/wav`, `audio/ogg`, `audio/mpeg`), a {@link VoiceTurnResponse}
 * out: speech connector transcription → the normal text pipeline with the transcript → the reply synthesized as WAV
 * (base64). Same auth, owner check and limits as `messages`. Transcription down → 503 `SPEECH_UNAVAILABLE` +
 * `Retry-After` (nothing to answer); synthesis down → the text answer without audio and `synthesize` in `degraded`.
 * The connector's 4xx answers about the audio (413, 415, 400, 422) are passed on unchanged. Transcripts are never logged.
 */
export function registerVoiceRoute(app: Express, auth: RequestHandler, turns: TurnDeps, voice: VoiceDeps): void {
  const { speech, metrics, logger } = voice;
  const maxBytes = voice.maxBytes ?? DEFAULT_VOICE_MAX_BYTES;
  const path = '/v1/conversations/:id/voice';
  const readAudio = express.raw({ type: () => true, limit: maxBytes });

  const hop = (name: 'transcribe' | 'synthesize', since: number): number => {
    const ms = performance.now() - since;
    metrics.hopDuration.observe({ hop: name }, ms / 1000);
    return round(ms);
  };

  app.post(path, auth, validateParams(IdParams), audioHeaders(maxBytes), admitVoiceTurn(turns), readAudio, async (req: Request, res: Response) => {
    const principal = principalOf(res);
    const conversation = (res.locals as Record<string, unknown>)[CONVERSATION] as OpenConversation;
    const audio = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (audio.length === 0) throw new HttpError(400, 'EMPTY_AUDIO', 'The request has no audio');
    const contentType = req.headers['content-type'] ?? 'application/octet-stream';
    const signal = clientGone(res);

    const started = performance.now();
    let transcribed: TranscribeResponse;
    try {
      transcribed = await speech.transcribe(audio, contentType, { signal });
    } catch (err) {
      hop('transcribe', started);
      if (!isSpeechRejectedError(err)) logger.warn({ conversationId: conversation.id, err: describe(err) }, 'transcription failed');
      throw transcribeFailure(err);
    }
    const transcribeMs = hop('transcribe', started);
    const transcript = transcribed.text.trim().slice(0, MAX_MESSAGE_CHARS);
    if (transcript === '') {
      throw new HttpError(422, 'NO_SPEECH', 'No speech was recognised in the audio; try again closer to the microphone, or type your message');
    }

    const turn = await answerTurn(turns, res, principal, conversation, transcript);

    const synthStarted = performance.now();
    let spoken: SynthesizedAudio | undefined;
    try {
      spoken = await speech.synthesize({ text: turn.reply, format: 'wav', ...(voice.voice ? { voice: voice.voice } : {}) }, { signal });
    } catch (err) {
      if (isAbortError(err) && signal.aborted) throw err;
      metrics.degraded.inc({ hop: 'synthesize' });
      logger.warn({ hop: 'synthesize', conversationId: conversation.id, err: describe(err) }, 'synthesis failed; answering text only');
    }
    const synthesizeMs = hop('synthesize', synthStarted);

    const body: VoiceTurnResponse = {
      ...turn,
      transcript,
      latencyMs: { total: round(performance.now() - started), perHop: { ...turn.latencyMs.perHop, transcribe: transcribeMs, synthesize: synthesizeMs } },
      degraded: spoken ? turn.degraded : [...turn.degraded, 'synthesize'],
      // Without audio the fields are empty (the contract requires them): the reply text stands alone.
      audio: spoken ? spoken.audio.toString('base64') : '',
      audioContentType: spoken?.contentType ?? '',
    };
    // sizes, durations and counts only: never the transcript or the reply
    logger.info(
      {
        conversationId: conversation.id,
        audioBytes: audio.length,
        audioMs: transcribed.durationMs,
        provider: transcribed.provider,
        words: transcript.split(/\s+/).length,
        sttConfidence: transcribed.confidence,
        spokenBytes: spoken?.audio.length ?? 0,
        transcribeMs,
        synthesizeMs,
      },
      'voice turn answered',
    );
    res.json(body);
  });

  // An error answered before the whole upload arrived: do not keep reading it, close the connection after the answer.
  const closeIfUnread: ErrorRequestHandler = (err, req, res, next) => {
    if (!req.complete && !res.headersSent) res.setHeader('Connection', 'close');
    next(err);
  };
  app.use(path, closeIfUnread);
}
