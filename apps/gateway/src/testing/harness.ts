/**
 * Test harness for the gateway's own tests: stand-ins for the agents (tiny express apps on port 0 answering the
 * contract shapes), a gateway instance wired to real Redis (unique prefix) and the local Cosmos-compatible server.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { SignJWT } from 'jose';
import type {
  ClassifyRequest,
  ClassifyResponse,
  EscalateRequest,
  EscalateResponse,
  Passage,
  RespondRequest,
  RespondResponse,
  RetrieveResponse,
  ReviewRequest,
  ReviewResponse,
} from '@supportmesh/contracts';
import { LOCAL_COSMOS_KEY } from '@supportmesh/dev';
import { createTokenAssigner, detectPii, detokenizeText, tokenizeSpans } from '@supportmesh/pii';
import { listen, type Listening } from '@supportmesh/service-kit/testing';
import type { Redis } from '@supportmesh/state';
import { createTestRedis, deleteByPrefix, uniquePrefix } from '@supportmesh/state/testing';
import { createMetrics } from '@supportmesh/telemetry';
import { createCapturingLogger, type CapturedLogger } from '@supportmesh/telemetry/testing';
import { createApp, type FacadeMount, type GatewayApp } from '../app.js';
import { sha256Hex } from '../auth/keyring.js';
import { loadGatewayConfig, type GatewayConfig } from '../config.js';
import { closeDownstream, createDownstream, type Downstream, type DownstreamUrls } from '../pipeline/downstream.js';
import { createSpeechClient, type SpeechClient, type SpeechClientOptions } from '../speech/speech-client.js';
import { CosmosConversationStore } from '../store/cosmos-store.js';

export const USER_KEY = 'sm_test_user_key_0123456789abcdef';
export const ADMIN_KEY = 'sm_test_admin_key_fedcba9876543210';
export const DELEGATE_KEY = 'sm_test_delegate_key_00112233445566';
export const JWT_SECRET = 'test-jwt-secret-0123456789abcdef-0123456789';
export const JWT_ISSUER = 'https://issuer.test';
export const JWT_AUDIENCE = 'supportmesh-gateway';
export const SHOPIFY_SECRET = 'shpss_test_secret_0123456789';

export const API_KEYS_JSON = JSON.stringify([
  { id: 'test-user', sha256: sha256Hex(USER_KEY), role: 'user' },
  { id: 'test-admin', sha256: sha256Hex(ADMIN_KEY), role: 'admin' },
  { id: 'test-web', sha256: sha256Hex(DELEGATE_KEY), role: 'user', delegate: true },
]);

export const PASSAGE: Passage = {
  id: 'kb-track-order',
  title: 'Tracking your order',
  text: 'You can track your order from the Orders page. Orders ship within 2 business days.',
  score: 7.5,
  url: 'https://help.northwind.example/articles/track-order',
};

/** A JWT signed with the test secret (override claims, secret or expiry to forge one). */
export async function signJwt(opts: { sub?: string; role?: string; secret?: string; expiresIn?: string | number; issuer?: string; audience?: string } = {}): Promise<string> {
  return new SignJWT({ role: opts.role ?? 'user' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(opts.sub ?? 'customer-42')
    .setIssuedAt()
    .setIssuer(opts.issuer ?? JWT_ISSUER)
    .setAudience(opts.audience ?? JWT_AUDIENCE)
    .setExpirationTime(opts.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(opts.secret ?? JWT_SECRET));
}

export interface Recorded {
  readonly path: string;
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  readonly at: number;
}

type Handler = (req: Request, res: Response) => unknown;

export interface StandIn extends Listening {
  readonly calls: Recorded[];
  /** Replace the answer of `path` (e.g. to hang, fail or block). */
  on(path: string, handler: Handler): void;
}

async function standIn(routes: Record<string, Handler>): Promise<StandIn> {
  const calls: Recorded[] = [];
  const handlers = new Map(Object.entries(routes));
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.use(async (req, res, next) => {
    const handler = handlers.get(req.path);
    if (!handler) {
      next();
      return;
    }
    calls.push({ path: req.path, body: req.body as unknown, headers: req.headers, at: Date.now() });
    try {
      await handler(req, res);
    } catch (err) {
      if (!res.headersSent) res.status(500).json({ error: { code: 'STAND_IN', message: String(err), correlationId: 'x' } });
    }
  });
  app.get('/health', (_req, res) => void res.json({ status: 'ok', version: '9.9.9' }));
  app.get('/ready', (_req, res) => void res.json({ status: 'ready' }));
  const listening = await listen(app);
  return { ...listening, calls, on: (path, handler) => void handlers.set(path, handler) };
}

export interface StandIns {
  readonly critic: StandIn;
  readonly classifier: StandIn;
  readonly retrieval: StandIn;
  readonly responder: StandIn;
  readonly escalation: StandIn;
  readonly urls: DownstreamUrls;
  close(): Promise<void>;
}

/**
 * Stand-ins with plausible default behaviour: the critic tokenises PII (and blocks "ignore previous
 * instructions"), the classifier knows orders and humans, retrieval returns one passage, escalation escalates
 * human requests and confidence 0, the responder echoes the message it got (so PII leaks would show).
 */
export async function startStandIns(): Promise<StandIns> {
  const vault = new Map<string, Record<string, string>>();
  const critic = await standIn({
    '/v1/review': (req, res) => {
      const body = req.body as ReviewRequest;
      if (body.direction === 'input' && /ignore (all )?previous instructions/i.test(body.text)) {
        const answer: ReviewResponse = { verdict: 'block', text: body.text, findings: [{ type: 'prompt_injection', start: 0, end: body.text.length }], reply: "I can't help with that, but I'm happy to help with your order." };
        res.json(answer);
        return;
      }
      const spans = detectPii(body.text);
      if (body.direction === 'input') {
        const assigner = createTokenAssigner(vault.get(body.conversationId ?? '') ?? {});
        const text = tokenizeSpans(body.text, spans, assigner.assign);
        if (body.conversationId) vault.set(body.conversationId, assigner.mapping());
        const answer: ReviewResponse = { verdict: spans.length > 0 ? 'redact' : 'allow', text, findings: spans.map((s) => ({ ...s })) };
        res.json(answer);
      } else {
        const answer: ReviewResponse = { verdict: 'allow', text: body.text, findings: [] };
        res.json(answer);
      }
    },
    '/v1/detokenize': (req, res) => {
      const body = req.body as { conversationId: string; text: string };
      res.json({ text: detokenizeText(body.text, vault.get(body.conversationId) ?? {}), replaced: 0 });
    },
  });
  const classifier = await standIn({
    '/v1/classify': (req, res) => {
      const { text } = req.body as ClassifyRequest;
      const human = /person|human/i.test(text);
      const order = /order/i.test(text);
      const answer: ClassifyResponse = {
        intent: human ? 'contact_human_agent' : order ? 'track_order' : 'other',
        category: human ? 'CONTACT' : order ? 'ORDER' : 'OTHER',
        confidence: 0.92,
        sentiment: { label: 'neutral', score: 0 },
        entities: [],
        source: 'model',
      };
      res.json(answer);
    },
  });
  const retrieval = await standIn({
    '/v1/retrieve': (_req, res) => {
      const answer: RetrieveResponse = { passages: [PASSAGE] };
      res.json(answer);
    },
  });
  const escalation = await standIn({
    '/v1/escalate': (req, res) => {
      const body = req.body as EscalateRequest;
      const escalate = body.intent === 'contact_human_agent' || body.confidence === 0;
      const answer: EscalateResponse = escalate
        ? { escalate: true, reason: body.confidence === 0 ? 'pipeline_failure' : 'explicit_request', priority: 'normal', ticketId: 'TCK-1001' }
        : { escalate: false, reason: 'none', priority: 'low' };
      res.json(answer);
    },
  });
  const responder = await standIn({
    '/v1/respond': (req, res) => {
      const body = req.body as RespondRequest;
      const answer: RespondResponse = {
        reply: `You said: ${body.message}`,
        citations: body.passages.slice(0, 1).map((p) => ({ passageId: p.id, title: p.title })),
        usage: { promptTokens: 30, completionTokens: 10, totalTokens: 40 },
        costUsd: 0.0001,
        model: 'gpt-4o-mini',
        cached: false,
      };
      res.json(answer);
    },
  });
  const all = [critic, classifier, retrieval, escalation, responder];
  return {
    critic,
    classifier,
    retrieval,
    responder,
    escalation,
    urls: { critic: critic.url, classifier: classifier.url, retrieval: retrieval.url, responder: responder.url, escalation: escalation.url },
    close: async () => {
      await Promise.all(all.map((s) => s.close()));
    },
  };
}

/** A URL nothing listens on (connection refused). */
export async function deadUrl(): Promise<string> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export interface GatewayOptions {
  readonly urls: DownstreamUrls;
  readonly cosmosEndpoint: string;
  /** Shared Redis key prefix (two instances with the same prefix share limits and sessions). */
  readonly prefix: string;
  readonly env?: Record<string, string>;
  readonly redis?: Redis;
  readonly logs?: CapturedLogger;
  readonly facade?: FacadeMount;
  /** Cosmos breaker open time. @default 200 */
  readonly cosmosBreakerResetMs?: number;
  /** The speech connector (or its stand-in). @default a URL nothing listens on */
  readonly speechUrl?: string;
  /** Speech client settings (timeouts, breaker). */
  readonly speech?: Omit<SpeechClientOptions, 'baseUrl'>;
  /** Largest voice upload. @default 10 MiB */
  readonly voiceMaxBytes?: number;
}

export interface RunningGateway {
  readonly url: string;
  readonly gateway: GatewayApp;
  readonly config: GatewayConfig;
  readonly durable: CosmosConversationStore;
  readonly downstream: Downstream;
  readonly speech: SpeechClient;
  readonly redis: Redis;
  readonly logs: CapturedLogger;
  readonly turnStream: string;
  close(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const config = loadGatewayConfig({
    SUPPORTMESH_ENV: 'local',
    GATEWAY_REDIS_PREFIX: opts.prefix,
    GATEWAY_API_KEYS: API_KEYS_JSON,
    GATEWAY_JWT_SECRET: JWT_SECRET,
    GATEWAY_JWT_ISSUER: JWT_ISSUER,
    GATEWAY_JWT_AUDIENCE: JWT_AUDIENCE,
    SHOPIFY_WEBHOOK_SECRET: SHOPIFY_SECRET,
    COSMOS_ENDPOINT: opts.cosmosEndpoint,
    COSMOS_KEY: LOCAL_COSMOS_KEY,
    COSMOS_ALLOW_SELF_SIGNED: 'true',
    COSMOS_DATABASE: 'gwtest',
    COSMOS_CONTAINER: `c${opts.prefix.replace(/[^A-Za-z0-9]/g, '').slice(-24)}`,
    GATEWAY_TIMEOUT_PERSIST_MS: '800',
    GATEWAY_ADMIN_CONFIG_CACHE_MS: '0',
    CRITIC_URL: opts.urls.critic,
    INTENT_CLASSIFIER_URL: opts.urls.classifier,
    KNOWLEDGE_RETRIEVAL_URL: opts.urls.retrieval,
    RESPONSE_GENERATOR_URL: opts.urls.responder,
    ESCALATION_URL: opts.urls.escalation,
    ...opts.env,
  });
  const logs = opts.logs ?? createCapturingLogger('gateway', 'debug');
  const metrics = createMetrics({ service: 'gateway', collectDefaults: false });
  const ownRedis = opts.redis === undefined;
  const redis = opts.redis ?? (await createTestRedis());
  const durable = new CosmosConversationStore({
    endpoint: config.COSMOS_ENDPOINT,
    key: LOCAL_COSMOS_KEY,
    database: config.COSMOS_DATABASE,
    container: config.COSMOS_CONTAINER,
    allowSelfSigned: true,
    createIfMissing: true,
    ttlSec: -1,
    timeoutMs: config.GATEWAY_TIMEOUT_PERSIST_MS,
    breakerResetMs: opts.cosmosBreakerResetMs ?? 200,
    logger: logs.logger,
  });
  const downstream = createDownstream({ urls: opts.urls, logger: logs.logger, metrics });
  const speech = createSpeechClient({ baseUrl: opts.speechUrl ?? (await deadUrl()), logger: logs.logger, metrics, ...opts.speech });
  // GATEWAY_TURN_STREAM in `env` is left to the app (as main does); otherwise a stream of this prefix.
  const ownStream = opts.env?.['GATEWAY_TURN_STREAM'] === undefined ? `${opts.prefix}conversation.turn` : undefined;
  const turnStream = ownStream ?? config.GATEWAY_TURN_STREAM;
  const gateway = createApp({
    config,
    logger: logs.logger,
    metrics,
    redis,
    downstream,
    speech,
    durable,
    version: '1.2.3',
    ...(ownStream ? { turnStream: ownStream } : {}),
    facade: opts.facade,
    ...(opts.voiceMaxBytes ? { voice: { maxBytes: opts.voiceMaxBytes } } : {}),
  });
  const listening = await listen(gateway.app);
  return {
    url: listening.url,
    gateway,
    config,
    durable,
    downstream,
    speech,
    redis,
    logs,
    turnStream,
    close: async () => {
      await listening.close();
      await gateway.pending.stop();
      closeDownstream(downstream);
      speech.close();
      durable.close();
      if (ownRedis) redis.disconnect();
    },
  };
}

/** Redis for a test file plus a unique prefix, cleaned up by `cleanup()`. */
export async function testRedis(scope: string): Promise<{ redis: Redis; prefix: string; cleanup(): Promise<void> }> {
  const redis = await createTestRedis();
  const prefix = uniquePrefix(`gw-${scope}`);
  return {
    redis,
    prefix,
    cleanup: async () => {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

/** A parsed JSON answer, read loosely by the assertions (they validate with the contract schemas where it matters). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LooseJson = any;

/** JSON request helper: returns status, headers and parsed body. */
export async function call(
  base: string,
  method: string,
  path: string,
  opts: { key?: string; bearer?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: LooseJson }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers['x-api-key'] = opts.key;
  if (opts.bearer) headers['authorization'] = `Bearer ${opts.bearer}`;
  let payload: string | Buffer | undefined;
  if (opts.raw !== undefined) payload = opts.raw;
  else if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let body: LooseJson = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body };
}
