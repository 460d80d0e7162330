import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelope, VoiceTurnResponse } from '@supportmesh/contracts';
import { startLocalCosmos, type LocalCosmos } from '@supportmesh/dev';
import type { Redis } from '@supportmesh/state';
import { call, deadUrl, DELEGATE_KEY, startGateway, startStandIns, testRedis, USER_KEY, type LooseJson, type RunningGateway, type StandIns } from '../testing/harness.js';
import { startSpeechStandIn, wavFixture, type SpeechStandIn } from '../testing/speech-stand-in.js';

let cosmos: LocalCosmos;
let redis: Redis;
let prefix: string;
let cleanup: () => Promise<void>;
let standIns: StandIns;
let speech: SpeechStandIn;
const gateways: RunningGateway[] = [];
let instances = 0;

beforeAll(async () => {
  cosmos = await startLocalCosmos(0);
  ({ redis, prefix, cleanup } = await testRedis('voice'));
  standIns = await startStandIns();
  speech = await startSpeechStandIn();
});

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((g) => g.close()));
  await speech.close();
  speech = await startSpeechStandIn();
});

afterAll(async () => {
  await speech.close();
  await standIns.close();
  await cosmos.close();
  await cleanup();
});

type GatewayExtras = { speechUrl?: string; env?: Record<string, string>; voiceMaxBytes?: number };

async function gateway(extras: GatewayExtras = {}): Promise<RunningGateway> {
  const g = await startGateway({
    urls: standIns.urls,
    cosmosEndpoint: cosmos.endpoint,
    prefix: `${prefix}${instances++}:`,
    redis,
    speechUrl: extras.speechUrl ?? speech.url,
    env: { GATEWAY_RATE_LIMIT_PER_MINUTE: '1000', ...extras.env },
    ...(extras.voiceMaxBytes ? { voiceMaxBytes: extras.voiceMaxBytes } : {}),
  });
  gateways.push(g);
  return g;
}

async function conversation(g: RunningGateway, key = USER_KEY): Promise<string> {
  const created = await call(g.url, 'POST', '/v1/conversations', { key });
  expect(created.status).toBe(201);
  return created.body.conversationId as string;
}

function voice(g: RunningGateway, id: string, audio: Buffer, opts: { type?: string; key?: string } = {}) {
  return call(g.url, 'POST', `/v1/conversations/${id}/voice`, {
    key: opts.key ?? USER_KEY,
    raw: audio,
    headers: { 'content-type': opts.type ?? 'audio/wav' },
  });
}

function expectEnvelope(res: { status: number; body: LooseJson }, status: number, code: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { error: { code } } });
  ErrorEnvelope.parse(res.body);
}

const classifyCalls = () => standIns.classifier.calls.filter((c) => c.path === '/v1/classify').length;

describe('voice turn through the gateway with a stand-in speech connector', () => {
  it('transcribes the audio, runs the text pipeline on the transcript, and answers the reply with WAV audio', async () => {
    speech.transcript = 'where is my order 12345';
    const g = await gateway();
    const id = await conversation(g);
    const audio = wavFixture(1);
    const res = await voice(g, id, audio);
    expect(res.status).toBe(200);
    const body = VoiceTurnResponse.parse(res.body);
    expect(body.transcript).toBe('where is my order 12345');
    expect(body.intent).toBe('track_order');
    expect(body.reply).toContain('where is my order 12345'); // the stand-in responder echoes what the pipeline sent
    expect(body.degraded).toEqual([]);
    expect(body.audioContentType).toBe('audio/wav');
    const wav = Buffer.from(body.audio, 'base64');
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
    expect(body.latencyMs.perHop).toEqual(expect.objectContaining({ transcribe: expect.any(Number), synthesize: expect.any(Number), respond: expect.any(Number) }));
    expect(body.latencyMs.total).toBeGreaterThanOrEqual(body.latencyMs.perHop['respond'] ?? 0);

    // The connector got the bytes as sent, and was asked to speak exactly the reply, as WAV.
    const [transcribe, synthesize] = speech.calls;
    expect(transcribe).toMatchObject({ path: '/v1/speech/transcribe', contentType: 'audio/wav', bytes: audio.length });
    expect(synthesize).toMatchObject({ path: '/v1/speech/synthesize', json: { text: body.reply, format: 'wav' } });
    expect(transcribe?.headers['x-correlation-id']).toBe(res.headers.get('x-correlation-id'));

    // The transcript is the user's turn in the conversation; it is never logged.
    const record = await call(g.url, 'GET', `/v1/conversations/${id}`, { key: USER_KEY });
    expect(JSON.stringify(record.body)).toContain('where is my order 12345');
    expect(g.logs.lines().join('\n')).not.toContain('where is my order');
    expect(g.logs.records().some((r) => r['msg'] === 'voice turn answered')).toBe(true);
  });

  it("passes the speech connector's 415 for audio that is not what its Content-Type says, unchanged, and runs no turn", async () => {
    const g = await gateway();
    const id = await conversation(g);
    const before = classifyCalls();
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200)]);
    const res = await voice(g, id, png, { type: 'audio/wav' });
    expectEnvelope(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(res.body.error.message).toContain('stand-in takes WAV only');
    expect(speech.calls).toHaveLength(1);
    expect(classifyCalls()).toBe(before);
  });

  it('answers 503 SPEECH_UNAVAILABLE with Retry-After when the speech connector is down, and runs no turn', async () => {
    const g = await gateway({ speechUrl: await deadUrl() });
    const id = await conversation(g);
    const before = classifyCalls();
    const res = await voice(g, id, wavFixture(0.5));
    expectEnvelope(res, 503, 'SPEECH_UNAVAILABLE');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(classifyCalls()).toBe(before);
  });

  it("uses the connector's Retry-After when it is busy, and opens the breaker after five failures (then fails fast)", async () => {
    speech.on('/v1/speech/transcribe', (_req, res) => {
      res.status(503).set('Retry-After', '2').json({ error: { code: 'SPEECH_BUSY', message: 'busy', correlationId: 'x' } });
    });
    const g = await gateway();
    const id = await conversation(g);
    for (let i = 0; i < 5; i++) {
      const res = await voice(g, id, wavFixture(0.2));
      expectEnvelope(res, 503, 'SPEECH_UNAVAILABLE');
      expect(res.headers.get('retry-after')).toBe('2');
    }
    expect(g.speech.breakers.transcribe.state).toBe('OPEN');
    const refused = await voice(g, id, wavFixture(0.2));
    expectEnvelope(refused, 503, 'SPEECH_UNAVAILABLE');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(20); // the breaker's open time left (30 s)
    expect(speech.calls).toHaveLength(5);
  });

  it("answers the reply as text, without audio and with 'synthesize' degraded, when synthesis is down", async () => {
    speech.on('/v1/speech/synthesize', (_req, res) => {
      res.status(503).json({ error: { code: 'SPEECH_PROVIDER_UNAVAILABLE', message: 'down', correlationId: 'x' } });
    });
    const g = await gateway();
    const id = await conversation(g);
    const res = await voice(g, id, wavFixture(0.5));
    expect(res.status).toBe(200);
    const body = VoiceTurnResponse.parse(res.body);
    expect(body.transcript).toBe('I want to reset my password');
    expect(body.reply.length).toBeGreaterThan(0);
    expect(body.degraded).toContain('synthesize');
    expect(body.audio).toBe('');
    expect(body.latencyMs.perHop['synthesize']).toBeGreaterThanOrEqual(0);
  });

  it('answers 422 NO_SPEECH when nothing was recognised, without running a turn', async () => {
    speech.transcript = '   ';
    const g = await gateway();
    const id = await conversation(g);
    const before = classifyCalls();
    expectEnvelope(await voice(g, id, wavFixture(0.5)), 422, 'NO_SPEECH');
    expect(classifyCalls()).toBe(before);
  });
});

describe('voice route input checks, auth and limits', () => {
  it('checks the upload before the connector sees it: 415 for a type it does not take, 413 over the limit, 400 when empty', async () => {
    const g = await gateway({ voiceMaxBytes: 4_000 });
    const id = await conversation(g);
    expectEnvelope(await voice(g, id, wavFixture(0.05), { type: 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectEnvelope(await voice(g, id, Buffer.from('{"text":"hi"}'), { type: 'application/json' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const big = await voice(g, id, wavFixture(1));
    expectEnvelope(big, 413, 'PAYLOAD_TOO_LARGE');
    expect(big.body.error.details).toMatchObject({ maxBytes: 4_000 });
    expectEnvelope(await voice(g, id, Buffer.alloc(0)), 400, 'EMPTY_AUDIO');
    expect(speech.calls).toHaveLength(0);
    // a WAV under the limit goes through
    expect((await voice(g, id, wavFixture(0.05))).status).toBe(200);
  });

  it('answers 411 LENGTH_REQUIRED to a chunked upload', async () => {
    const g = await gateway();
    const id = await conversation(g);
    const { status, body } = await new Promise<{ status: number; body: LooseJson }>((resolve, reject) => {
      const req = httpRequest(`${g.url}/v1/conversations/${id}/voice`, {
        method: 'POST',
        headers: { 'x-api-key': USER_KEY, 'content-type': 'audio/wav', 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as LooseJson }));
      });
      req.on('error', reject);
      req.write(wavFixture(0.05));
      req.end();
    });
    expectEnvelope({ status, body }, 411, 'LENGTH_REQUIRED');
    expect(speech.calls).toHaveLength(0);
  });

  it("requires auth, and only the conversation's owner may talk in it (404 for anyone else)", async () => {
    const g = await gateway();
    const id = await conversation(g);
    const anonymous = await call(g.url, 'POST', `/v1/conversations/${id}/voice`, { raw: wavFixture(0.1), headers: { 'content-type': 'audio/wav' } });
    expectEnvelope(anonymous, 401, 'UNAUTHENTICATED');
    const stranger = await call(g.url, 'POST', `/v1/conversations/${id}/voice`, {
      key: DELEGATE_KEY,
      raw: wavFixture(0.1),
      headers: { 'content-type': 'audio/wav', 'x-user-id': 'someone-else' },
    });
    expectEnvelope(stranger, 404, 'NOT_FOUND');
    expect(speech.calls).toHaveLength(0);
  });

  it('counts against the same per-conversation limit as messages (429 before any transcription)', async () => {
    const g = await gateway({ env: { GATEWAY_SESSION_RATE_LIMIT_PER_MINUTE: '2' } });
    const id = await conversation(g);
    expect((await call(g.url, 'POST', `/v1/conversations/${id}/messages`, { key: USER_KEY, body: { text: 'hello' } })).status).toBe(200);
    expect((await voice(g, id, wavFixture(0.1))).status).toBe(200);
    const limited = await voice(g, id, wavFixture(0.1));
    expectEnvelope(limited, 429, 'RATE_LIMITED');
    expect(limited.body.error.details).toMatchObject({ limit: 'session' });
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(speech.calls.filter((c) => c.path === '/v1/speech/transcribe')).toHaveLength(1);
  });

  it('counts against the same per-user limit as messages', async () => {
    const g = await gateway({ env: { GATEWAY_RATE_LIMIT_PER_MINUTE: '2' } });
    const id = await conversation(g);
    expect((await voice(g, id, wavFixture(0.1))).status).toBe(200);
    expect((await call(g.url, 'POST', `/v1/conversations/${id}/messages`, { key: USER_KEY, body: { text: 'hello' } })).status).toBe(200);
    const limited = await voice(g, id, wavFixture(0.1));
    expectEnvelope(limited, 429, 'RATE_LIMITED');
    expect(limited.body.error.details).toMatchObject({ limit: 'user' });
  });
});
