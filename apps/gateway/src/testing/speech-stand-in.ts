/**
 * A stand-in for the speech connector (a tiny express app on port 0 answering its API's shapes): transcribe checks
 * Content-Length, the media type and the RIFF/WAVE header the way the connector does (411/415 in the envelope) and
 * answers a scripted transcript; synthesize answers a short WAV. Handlers can be replaced to fail or hang.
 */
import express, { type Request, type Response } from 'express';
import type { TranscribeResponse } from '@supportmesh/contracts';
import { listen, type Listening } from '@supportmesh/service-kit/testing';

/** `seconds` of a 440 Hz tone as 16 kHz mono 16-bit PCM WAV. */
export function wavFixture(seconds: number, sampleRate = 16_000): Buffer {
  const frames = Math.round(seconds * sampleRate);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + frames * 2, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(frames * 2, 40);
  const pcm = Buffer.alloc(frames * 2);
  for (let i = 0; i < frames; i++) pcm.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate)), i * 2);
  return Buffer.concat([header, pcm]);
}

export interface SpeechCall {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly bytes: number;
  /** The JSON body of a synthesize call. */
  readonly json?: unknown;
  readonly headers: Record<string, string | string[] | undefined>;
}

type Handler = (req: Request, res: Response) => unknown;

export interface SpeechStandIn extends Listening {
  readonly calls: SpeechCall[];
  /** What transcribe answers next (and after). */
  transcript: string;
  /** Replace the answer of `/v1/speech/transcribe` or `/v1/speech/synthesize`. */
  on(path: '/v1/speech/transcribe' | '/v1/speech/synthesize', handler: Handler): void;
}

const WAV_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave'];

function envelope(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message, correlationId: 'stand-in' } });
}

export async function startSpeechStandIn(transcript = 'I want to reset my password'): Promise<SpeechStandIn> {
  const calls: SpeechCall[] = [];
  const handlers = new Map<string, Handler>();
  const state = { transcript };

  const transcribe: Handler = (req, res) => {
    if (req.headers['content-length'] === undefined) return envelope(res, 411, 'LENGTH_REQUIRED', 'Content-Length is required');
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const isWav = bytes.toString('ascii', 0, 4) === 'RIFF' && bytes.toString('ascii', 8, 12) === 'WAVE';
    if (!WAV_TYPES.includes(type) || !isWav) {
      return envelope(res, 415, 'UNSUPPORTED_MEDIA_TYPE', `The audio is not what ${type || 'its Content-Type'} says (stand-in takes WAV only)`);
    }
    const answer: TranscribeResponse = { text: state.transcript, language: 'en-US', confidence: 0.9, durationMs: Math.round(((bytes.length - 44) / 32_000) * 1000), provider: 'stand-in' };
    res.json(answer);
  };
  const synthesize: Handler = (_req, res) => {
    res.type('audio/wav').send(wavFixture(0.25));
  };
  handlers.set('/v1/speech/transcribe', transcribe);
  handlers.set('/v1/speech/synthesize', synthesize);

  const app = express();
  app.use(express.json({ limit: '64kb' }));
  app.use(express.raw({ type: (req) => !((req.headers['content-type'] ?? '').includes('json')), limit: '11mb' }));
  app.post(['/v1/speech/transcribe', '/v1/speech/synthesize'], async (req, res) => {
    const json = req.is('application/json') ? (req.body as unknown) : undefined;
    calls.push({
      path: req.path,
      contentType: req.headers['content-type'],
      bytes: Buffer.isBuffer(req.body) ? req.body.length : 0,
      ...(json === undefined ? {} : { json }),
      headers: req.headers,
    });
    try {
      await (handlers.get(req.path) as Handler)(req, res);
    } catch (err) {
      if (!res.headersSent) envelope(res, 500, 'STAND_IN', String(err));
    }
  });
  const listening = await listen(app);
  return {
    ...listening,
    calls,
    get transcript() {
      return state.transcript;
    },
    set transcript(t: string) {
      state.transcript = t;
    },
    on: (path, handler) => void handlers.set(path, handler),
  };
}
