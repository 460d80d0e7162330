import { SERVICE_PORTS, STREAMS, type ServiceName } from '@supportmesh/contracts';
import { loadConfig } from '@supportmesh/service-kit';
import { z } from 'zod';

/** The Cosmos DB emulator's published well-known key; the local Cosmos-compatible server accepts any key. */
export const LOCAL_COSMOS_DEFAULT_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

const Bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const Ms = (def: number) => z.coerce.number().int().min(10).max(120_000).default(def);
const local = (name: ServiceName) => `http://127.0.0.1:${SERVICE_PORTS[name]}`;
const HttpUrl = z.url({ protocol: /^https?$/ });
const Secret = z.string().min(16, 'must be at least 16 characters');

/** One configured API key: only its SHA-256 (hex) is stored. */
export const ApiKeyEntry = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1..64 chars of [A-Za-z0-9_.:-]'),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be a hex SHA-256').transform((s) => s.toLowerCase()),
  role: z.enum(['user', 'admin']),
  /** A trusted front-end (web page, channel integration, load test): the end user comes from `x-user-id`. */
  delegate: z.boolean().default(false),
});
export type ApiKeyEntry = z.infer<typeof ApiKeyEntry>;

const ApiKeyList = z
  .string()
  .default('[]')
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array' });
      return z.NEVER;
    }
  })
  .pipe(z.array(ApiKeyEntry).max(1000));

/** The gateway's environment (see README for meanings). */
export const GatewayConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65_535).default(SERVICE_PORTS.gateway),
    HOST: z.string().min(1).default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SUPPORTMESH_ENV: z.enum(['local', 'production']).default('local'),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
    /** Prefix of every Redis key the gateway writes (sessions, limits, queues, caches). */
    GATEWAY_REDIS_PREFIX: z.string().min(1).max(64).default('gw:'),
    /** Redis stream the `conversation.turn` events go to (analytics reads `ANALYTICS_STREAM`: keep them equal). */
    GATEWAY_TURN_STREAM: z.string().regex(/^[\x21-\x7E]{1,256}$/, 'must be 1..256 printable ASCII chars without spaces').default(STREAMS.conversationTurn),

    INTENT_CLASSIFIER_URL: HttpUrl.default(local('intent-classifier')),
    KNOWLEDGE_RETRIEVAL_URL: HttpUrl.default(local('knowledge-retrieval')),
    RESPONSE_GENERATOR_URL: HttpUrl.default(local('response-generator')),
    ESCALATION_URL: HttpUrl.default(local('escalation')),
    CRITIC_URL: HttpUrl.default(local('critic')),
    ANALYTICS_URL: HttpUrl.default(local('analytics')),
    SPEECH_CONNECTOR_URL: HttpUrl.default(local('speech-connector')),

    GATEWAY_TIMEOUT_CLASSIFY_MS: Ms(1500),
    GATEWAY_TIMEOUT_REVIEW_MS: Ms(1500),
    GATEWAY_TIMEOUT_RETRIEVE_MS: Ms(1500),
    GATEWAY_TIMEOUT_RESPOND_MS: Ms(8000),
    GATEWAY_TIMEOUT_ESCALATE_MS: Ms(1500),
    GATEWAY_TIMEOUT_PERSIST_MS: Ms(1500),
    GATEWAY_TURN_BUDGET_MS: Ms(12_000),

    COSMOS_ENDPOINT: HttpUrl.default(`https://127.0.0.1:${SERVICE_PORTS.cosmos}`),
    COSMOS_KEY: z.string().min(1).optional(),
    COSMOS_DATABASE: z.string().regex(/^[A-Za-z0-9_-]{1,255}$/).default('supportmesh'),
    COSMOS_CONTAINER: z.string().regex(/^[A-Za-z0-9_-]{1,255}$/).default('conversations'),
    COSMOS_ALLOW_SELF_SIGNED: Bool.default(false),
    COSMOS_TTL_SEC: z.coerce.number().int().min(-1).max(10 * 365 * 24 * 3600).refine((n) => n !== 0, 'must be -1 (off) or > 0').default(-1),
    GATEWAY_PERSIST_FLUSH_MS: z.coerce.number().int().min(100).max(600_000).default(2_000),

    SESSION_TTL_SEC: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(3600),
    GATEWAY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(10),
    GATEWAY_SESSION_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(30),
    GATEWAY_TOKEN_BUDGET_PER_MINUTE: z.coerce.number().int().min(1).max(100_000_000).default(20_000),
    GATEWAY_RATE_LIMIT_FAIL_MODE: z.enum(['open', 'closed']).default('open'),

    GATEWAY_API_KEYS: ApiKeyList,
    GATEWAY_DEV_API_KEY: Secret.optional(),
    GATEWAY_DEV_ADMIN_KEY: Secret.optional(),
    GATEWAY_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (HS256)').optional(),
    GATEWAY_JWT_ISSUER: z.string().min(1).max(256).optional(),
    GATEWAY_JWT_AUDIENCE: z.string().min(1).max(256).optional(),

    SHOPIFY_WEBHOOK_SECRET: Secret.optional(),
    ZENDESK_WEBHOOK_SECRET: Secret.optional(),

    /** Serve the OpenAI-compatible facade at /openai/v1 (LLM settings: the llm-client's LLM_* / AZURE_OPENAI_* variables). */
    GATEWAY_FACADE_ENABLED: Bool.default(true),
    GATEWAY_REGISTRY_TTL_SEC: z.coerce.number().int().min(1).max(86_400).default(300),
    GATEWAY_ADMIN_CONFIG_CACHE_MS: z.coerce.number().int().min(0).max(5_000).default(5_000),
    DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(15_000),
  })
  .superRefine((c, ctx) => {
    if (c.SUPPORTMESH_ENV !== 'production') return;
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.GATEWAY_DEV_API_KEY !== undefined) problem('GATEWAY_DEV_API_KEY', 'development keys are refused in production');
    if (c.GATEWAY_DEV_ADMIN_KEY !== undefined) problem('GATEWAY_DEV_ADMIN_KEY', 'development keys are refused in production');
    if (c.GATEWAY_API_KEYS.length === 0 && c.GATEWAY_JWT_SECRET === undefined) {
      problem('GATEWAY_API_KEYS', 'production needs real credentials: GATEWAY_API_KEYS and/or GATEWAY_JWT_SECRET');
    }
    if (c.GATEWAY_JWT_SECRET !== undefined && (c.GATEWAY_JWT_ISSUER === undefined || c.GATEWAY_JWT_AUDIENCE === undefined)) {
      problem('GATEWAY_JWT_ISSUER', 'production JWTs need GATEWAY_JWT_ISSUER and GATEWAY_JWT_AUDIENCE');
    }
    if (c.COSMOS_KEY === undefined) problem('COSMOS_KEY', 'required in production');
  });

export type GatewayConfig = Readonly<z.infer<typeof GatewayConfigSchema>>;

/** Parses and freezes the environment once; throws a ConfigError naming every bad variable (never its value). */
export function loadGatewayConfig(env: Readonly<Record<string, string | undefined>> = process.env): GatewayConfig {
  return loadConfig(GatewayConfigSchema, env);
}

/** Whether the Cosmos client may trust a self-signed certificate: only in local mode, and only when asked. */
export function cosmosTrustsSelfSigned(config: GatewayConfig): boolean {
  return config.SUPPORTMESH_ENV === 'local' && config.COSMOS_ALLOW_SELF_SIGNED;
}

/** The Cosmos key: the configured one, or the emulator's well-known key in local mode. */
export function cosmosKey(config: GatewayConfig): string {
  return config.COSMOS_KEY ?? LOCAL_COSMOS_DEFAULT_KEY;
}
