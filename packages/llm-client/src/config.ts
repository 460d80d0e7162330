import { z } from 'zod';
import { LlmConfigError } from './errors/llm-config-error.js';

/** What a chat call is for; decides the model tier and the max_tokens budget. */
export const TASKS = ['classify', 'respond', 'review', 'generic'] as const;
export type Task = (typeof TASKS)[number];

/** Model tiers a deployment can serve. */
export const TIERS = ['small', 'large', 'embedding'] as const;
export type Tier = (typeof TIERS)[number];

export const DEFAULT_LLM_ENDPOINT = 'http://127.0.0.1:8090/v1';
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

/** Which tier a model name belongs to when a deployment does not say. */
export function inferTier(model: string): Tier {
  if (/embed/i.test(model)) return 'embedding';
  if (/(mini|nano|small|haiku|lite|flash)/i.test(model)) return 'small';
  return 'large';
}

const TaskSchema = z.enum(TASKS);

const DeploymentSchema = z
  .object({
    /** Unique name: used in stats, events and breaker labels. */
    name: z.string().min(1),
    provider: z.enum(['azure', 'openai']),
    /** OpenAI-compatible base URL (…/v1) or the Azure resource endpoint (https://x.openai.azure.com). */
    endpoint: z.url(),
    /** Model name (also the price-table key). */
    model: z.string().min(1),
    /** Azure deployment name; defaults to `model`. */
    deployment: z.string().min(1).optional(),
    region: z.string().min(1).optional(),
    /** Relative share of traffic among deployments of the same tier. @default 1 */
    weight: z.number().positive().default(1),
    /** Requests per minute this deployment is provisioned for (client-side admission). */
    rpm: z.number().int().positive().optional(),
    /** Tokens per minute this deployment is provisioned for (client-side admission). */
    tpm: z.number().int().positive().optional(),
    /** Tasks this deployment is dedicated to; when absent it serves every task of its tier. */
    tasks: z.array(TaskSchema).min(1).optional(),
    /** @default inferred from `model` (…mini → small, …embedding… → embedding, else large) */
    tier: z.enum(TIERS).optional(),
    /** API key (prefer `apiKeyEnv`: the name of the environment variable holding it). */
    apiKey: z.string().min(1).optional(),
    apiKeyEnv: z.string().min(1).optional(),
    /** Azure only. @default '2024-10-21' */
    apiVersion: z.string().min(1).optional(),
    /** Azure only: `entra` uses DefaultAzureCredential instead of a key. @default 'key' when a key is set, else 'entra' */
    auth: z.enum(['key', 'entra']).optional(),
  })
  .strict();

export type DeploymentConfigInput = z.input<typeof DeploymentSchema>;

const PoolSchema = z
  .object({
    enabled: z.boolean().default(true),
    minConnections: z.number().int().min(0).default(2),
    maxConnections: z.number().int().min(1).max(10_000).default(50),
    /** How long a request waits for a free slot before `PoolExhaustedError`. @default 30000 */
    connectionTimeoutMs: z.number().int().min(1).default(30_000),
    /** Waiter queue limit per deployment; beyond it requests fail at once. @default 1000 */
    maxWaiters: z.number().int().min(0).default(1000),
    /** Idle keep-alive socket lifetime. @default 30000 */
    keepAliveTimeoutMs: z.number().int().min(1).default(30_000),
  })
  .strict()
  .prefault({});

const RetrySchema = z
  .object({
    /** Retries after the first round over the deployments. @default 3 */
    maxRetries: z.number().int().min(0).max(20).default(3),
    baseDelayMs: z.number().int().min(0).default(200),
    maxDelayMs: z.number().int().min(0).default(10_000),
    /** Total time budget for one call including waits. @default 60000 */
    budgetMs: z.number().int().min(1).default(60_000),
  })
  .strict()
  .prefault({});

const BreakerSchema = z
  .object({
    /** Consecutive failures that open a deployment's breaker. @default 5 */
    threshold: z.number().int().min(1).default(5),
    /** How long a breaker stays open before its half-open probe. @default 30000 */
    resetTimeoutMs: z.number().int().min(1).default(30_000),
  })
  .strict()
  .prefault({});

const MaxTokensSchema = z
  .object({
    classify: z.number().int().min(1).default(50),
    respond: z.number().int().min(1).default(400),
    review: z.number().int().min(1).default(200),
    generic: z.number().int().min(1).default(1024),
  })
  .strict()
  .prefault({});

const CacheSchema = z
  .object({
    /** Exact response cache (temperature 0, non-streaming only). @default true */
    enabled: z.boolean().default(true),
    /** Semantic cache on top of the exact one. @default true */
    semantic: z.boolean().default(true),
    ttlSec: z.number().int().min(1).default(3600),
    /** Cosine similarity at or above which a paraphrase reuses a cached answer. @default 0.85 */
    semanticThreshold: z.number().gt(0).max(1).default(0.85),
    /** Key prefix in the shared cache store. @default 'llm:' */
    keyPrefix: z.string().default('llm:'),
  })
  .strict()
  .prefault({});

const TaskTierSchema = z
  .object({
    classify: z.enum(['small', 'large']).default('small'),
    review: z.enum(['small', 'large']).default('small'),
    respond: z.enum(['small', 'large']).default('large'),
    generic: z.enum(['small', 'large']).default('small'),
  })
  .strict()
  .prefault({});

export const LlmClientConfigSchema = z
  .object({
    deployments: z.array(DeploymentSchema).min(1),
    pool: PoolSchema,
    retry: RetrySchema,
    breaker: BreakerSchema,
    maxTokens: MaxTokensSchema,
    cache: CacheSchema,
    /** Task → tier (generic: the tier used when the request names none). */
    taskTiers: TaskTierSchema,
    /** Per-attempt upstream timeout. @default 30000 */
    requestTimeoutMs: z.number().int().min(1).default(30_000),
    /** When every deployment of the wanted tier failed, try the other chat tier. @default true */
    crossTierFailover: z.boolean().default(true),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.deployments.forEach((d, i) => {
      if (seen.has(d.name)) {
        ctx.addIssue({ code: 'custom', path: ['deployments', i, 'name'], message: `duplicate deployment name "${d.name}"` });
      }
      seen.add(d.name);
      if (d.provider === 'openai' && d.auth === 'entra') {
        ctx.addIssue({ code: 'custom', path: ['deployments', i, 'auth'], message: 'Entra ID auth is for provider "azure" only' });
      }
      const tier = d.tier ?? inferTier(d.model);
      if (tier === 'embedding' && d.tasks) {
        ctx.addIssue({ code: 'custom', path: ['deployments', i, 'tasks'], message: 'an embedding deployment serves no chat tasks' });
      }
    });
    if (!cfg.deployments.some((d) => (d.tier ?? inferTier(d.model)) !== 'embedding')) {
      ctx.addIssue({ code: 'custom', path: ['deployments'], message: 'at least one chat (non-embedding) deployment is required' });
    }
    if (cfg.pool.minConnections > cfg.pool.maxConnections) {
      ctx.addIssue({ code: 'custom', path: ['pool', 'minConnections'], message: 'must not exceed pool.maxConnections' });
    }
  });

export type LlmClientConfigInput = z.input<typeof LlmClientConfigSchema>;
type ParsedConfig = z.output<typeof LlmClientConfigSchema>;

/** A deployment after defaults: tier, deployment name, auth and API version resolved. */
export type DeploymentConfig = Omit<ParsedConfig['deployments'][number], 'tier' | 'deployment' | 'auth'> & {
  readonly tier: Tier;
  readonly deployment: string;
  readonly auth: 'key' | 'entra';
};

export type LlmClientConfig = Omit<ParsedConfig, 'deployments'> & { readonly deployments: readonly DeploymentConfig[] };

function issuePath(path: readonly PropertyKey[], labels?: (path: string) => string | undefined): string {
  const dotted = path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
  return labels?.(dotted) ?? (dotted || '(root)');
}

/**
 * Validates and fills defaults. Throws {@link LlmConfigError} listing every problem.
 * `env` resolves `apiKeyEnv` references.
 */
export function parseLlmConfig(
  input: unknown,
  env: Record<string, string | undefined> = process.env,
  labels?: (path: string) => string | undefined,
  extraProblems: readonly string[] = [],
): LlmClientConfig {
  const result = LlmClientConfigSchema.safeParse(input);
  const problems = [...extraProblems];
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${issuePath(issue.path, labels)}: ${issue.message}`);
    throw new LlmConfigError(problems, { cause: result.error });
  }
  const deployments: DeploymentConfig[] = result.data.deployments.map((d, i) => {
    let apiKey = d.apiKey;
    if (!apiKey && d.apiKeyEnv) {
      apiKey = env[d.apiKeyEnv];
      if (!apiKey && d.auth !== 'entra') {
        problems.push(`${issuePath(['deployments', i, 'apiKeyEnv'], labels)}: environment variable ${d.apiKeyEnv} is not set`);
      }
    }
    const auth = d.auth ?? (d.provider === 'azure' && !apiKey ? 'entra' : 'key');
    return {
      ...d,
      apiKey,
      tier: d.tier ?? inferTier(d.model),
      deployment: d.deployment ?? d.model,
      auth,
      apiVersion: d.provider === 'azure' ? (d.apiVersion ?? DEFAULT_AZURE_API_VERSION) : d.apiVersion,
    };
  });
  if (problems.length > 0) throw new LlmConfigError(problems);
  return Object.freeze({ ...result.data, deployments: Object.freeze(deployments) });
}

type Env = Record<string, string | undefined>;

function envNumber(env: Env, name: string, problems: string[], scale = 1): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) {
    problems.push(`${name}: expected a number, got "${raw}"`);
    return undefined;
  }
  return Math.round(n * scale * 1e6) / 1e6;
}

function envBool(env: Env, name: string, problems: string[]): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  problems.push(`${name}: expected true or false, got "${raw}"`);
  return undefined;
}

function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Config path → the environment variable it came from, so errors name what the operator must fix. */
const ENV_LABELS: Record<string, string> = {
  'pool.enabled': 'USE_CONNECTION_POOL',
  'pool.minConnections': 'POOL_MIN_CONNECTIONS',
  'pool.maxConnections': 'POOL_MAX_CONNECTIONS',
  'pool.connectionTimeoutMs': 'POOL_CONNECTION_TIMEOUT',
  'pool.maxWaiters': 'POOL_MAX_WAITERS',
  'retry.maxRetries': 'POOL_MAX_RETRIES',
  'breaker.threshold': 'POOL_CIRCUIT_BREAKER_THRESHOLD',
  'breaker.resetTimeoutMs': 'POOL_CIRCUIT_BREAKER_TIMEOUT',
  'maxTokens.classify': 'LLM_MAX_TOKENS_CLASSIFY',
  'maxTokens.respond': 'LLM_MAX_TOKENS_RESPOND',
  'maxTokens.review': 'LLM_MAX_TOKENS_REVIEW',
  'maxTokens.generic': 'LLM_MAX_TOKENS_GENERIC',
  'cache.enabled': 'LLM_CACHE_ENABLED',
  'cache.semantic': 'LLM_SEMANTIC_CACHE_ENABLED',
  'cache.ttlSec': 'LLM_CACHE_TTL_SEC',
  'cache.semanticThreshold': 'SEMANTIC_CACHE_THRESHOLD',
  requestTimeoutMs: 'LLM_REQUEST_TIMEOUT_MS',
};

/**
 * Reads the client configuration from the environment.
 *
 * Deployments: `LLM_DEPLOYMENTS` (JSON array of deployments, keys by `apiKeyEnv`), else Azure when
 * `AZURE_OPENAI_ENDPOINT` is set (`AZURE_OPENAI_API_KEY` or `AZURE_OPENAI_USE_ENTRA_ID=true`,
 * `AZURE_OPENAI_API_VERSION`, `AZURE_OPENAI_DEPLOYMENT_SMALL|LARGE|EMBEDDING`), else one OpenAI-compatible endpoint
 * `LLM_ENDPOINT` (default the local emulator) with `LLM_API_KEY`, `LLM_MODEL_SMALL` (gpt-4o-mini),
 * `LLM_MODEL_LARGE` (gpt-4o) and optional `LLM_EMBEDDING_MODEL`.
 * Pool/retry/breaker: `USE_CONNECTION_POOL`, `POOL_MIN_CONNECTIONS`, `POOL_MAX_CONNECTIONS`, `POOL_CONNECTION_TIMEOUT` (s),
 * `POOL_MAX_WAITERS`, `POOL_MAX_RETRIES`, `POOL_CIRCUIT_BREAKER_THRESHOLD`, `POOL_CIRCUIT_BREAKER_TIMEOUT` (s),
 * `LLM_REQUEST_TIMEOUT_MS`. Budgets/caches: `LLM_MAX_TOKENS_{CLASSIFY,RESPOND,REVIEW,GENERIC}`, `LLM_CACHE_ENABLED`,
 * `LLM_SEMANTIC_CACHE_ENABLED`, `LLM_CACHE_TTL_SEC`, `SEMANTIC_CACHE_THRESHOLD`.
 *
 * Throws {@link LlmConfigError} listing every problem.
 */
export function llmConfigFromEnv(env: Env = process.env): LlmClientConfig {
  const problems: string[] = [];
  let deployments: unknown;
  const rawDeployments = env['LLM_DEPLOYMENTS'];
  if (rawDeployments !== undefined && rawDeployments.trim() !== '') {
    try {
      deployments = JSON.parse(rawDeployments);
    } catch {
      problems.push('LLM_DEPLOYMENTS: not valid JSON');
      deployments = [];
    }
  } else if (env['AZURE_OPENAI_ENDPOINT']) {
    const endpoint = env['AZURE_OPENAI_ENDPOINT'];
    const useEntra = envBool(env, 'AZURE_OPENAI_USE_ENTRA_ID', problems) ?? false;
    const apiKey = env['AZURE_OPENAI_API_KEY'];
    if (!useEntra && !apiKey) problems.push('AZURE_OPENAI_API_KEY: required unless AZURE_OPENAI_USE_ENTRA_ID=true');
    const apiVersion = env['AZURE_OPENAI_API_VERSION'] || DEFAULT_AZURE_API_VERSION;
    const small = env['LLM_MODEL_SMALL'] || 'gpt-4o-mini';
    const large = env['LLM_MODEL_LARGE'] || 'gpt-4o';
    const common = { provider: 'azure', endpoint, apiVersion, auth: useEntra ? 'entra' : 'key', ...(useEntra || !apiKey ? {} : { apiKey }) };
    const list: Record<string, unknown>[] = [
      { ...common, name: 'azure-small', model: small, tier: 'small', deployment: env['AZURE_OPENAI_DEPLOYMENT_SMALL'] || small },
      { ...common, name: 'azure-large', model: large, tier: 'large', deployment: env['AZURE_OPENAI_DEPLOYMENT_LARGE'] || large },
    ];
    const embedding = env['LLM_EMBEDDING_MODEL'];
    if (embedding) {
      list.push({ ...common, name: 'azure-embedding', model: embedding, tier: 'embedding', deployment: env['AZURE_OPENAI_DEPLOYMENT_EMBEDDING'] || embedding });
    }
    deployments = list;
  } else {
    const endpoint = env['LLM_ENDPOINT'] || DEFAULT_LLM_ENDPOINT;
    const apiKey = env['LLM_API_KEY'] || 'local-emulator-key';
    const small = env['LLM_MODEL_SMALL'] || 'gpt-4o-mini';
    const large = env['LLM_MODEL_LARGE'] || 'gpt-4o';
    const list: Record<string, unknown>[] = [
      { name: 'small', provider: 'openai', endpoint, apiKey, model: small, tier: 'small' },
      { name: 'large', provider: 'openai', endpoint, apiKey, model: large, tier: 'large' },
    ];
    const embedding = env['LLM_EMBEDDING_MODEL'];
    if (embedding) list.push({ name: 'embedding', provider: 'openai', endpoint, apiKey, model: embedding, tier: 'embedding' });
    deployments = list;
  }

  const input = {
    deployments,
    pool: definedOnly({
      enabled: envBool(env, 'USE_CONNECTION_POOL', problems),
      minConnections: envNumber(env, 'POOL_MIN_CONNECTIONS', problems),
      maxConnections: envNumber(env, 'POOL_MAX_CONNECTIONS', problems),
      connectionTimeoutMs: envNumber(env, 'POOL_CONNECTION_TIMEOUT', problems, 1000),
      maxWaiters: envNumber(env, 'POOL_MAX_WAITERS', problems),
    }),
    retry: definedOnly({ maxRetries: envNumber(env, 'POOL_MAX_RETRIES', problems) }),
    breaker: definedOnly({
      threshold: envNumber(env, 'POOL_CIRCUIT_BREAKER_THRESHOLD', problems),
      resetTimeoutMs: envNumber(env, 'POOL_CIRCUIT_BREAKER_TIMEOUT', problems, 1000),
    }),
    maxTokens: definedOnly({
      classify: envNumber(env, 'LLM_MAX_TOKENS_CLASSIFY', problems),
      respond: envNumber(env, 'LLM_MAX_TOKENS_RESPOND', problems),
      review: envNumber(env, 'LLM_MAX_TOKENS_REVIEW', problems),
      generic: envNumber(env, 'LLM_MAX_TOKENS_GENERIC', problems),
    }),
    cache: definedOnly({
      enabled: envBool(env, 'LLM_CACHE_ENABLED', problems),
      semantic: envBool(env, 'LLM_SEMANTIC_CACHE_ENABLED', problems),
      ttlSec: envNumber(env, 'LLM_CACHE_TTL_SEC', problems),
      semanticThreshold: envNumber(env, 'SEMANTIC_CACHE_THRESHOLD', problems),
    }),
    ...definedOnly({ requestTimeoutMs: envNumber(env, 'LLM_REQUEST_TIMEOUT_MS', problems) }),
  };
  const fromJson = rawDeployments !== undefined && rawDeployments.trim() !== '';
  const label = (path: string): string | undefined => {
    if (ENV_LABELS[path]) return ENV_LABELS[path];
    if (path.startsWith('deployments')) return fromJson ? `LLM_DEPLOYMENTS${path.slice('deployments'.length)}` : path;
    return undefined;
  };
  return parseLlmConfig(input, env, label, problems);
}
