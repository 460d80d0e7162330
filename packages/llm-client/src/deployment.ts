import type OpenAI from 'openai';
import { createCircuitBreaker, type CircuitBreaker } from '@supportmesh/resilience';
import type { DeploymentConfig } from './config.js';
import { classifyFailure, isDeploymentFailure } from './failures.js';
import { ConnectionPool, type PoolStats } from './pool.js';
import { createProviderClient } from './provider.js';
import { QuotaWindow } from './quota.js';

type Call = (signal: AbortSignal) => Promise<unknown>;

export interface DeploymentRuntimeOptions {
  readonly pool: {
    readonly enabled: boolean;
    readonly minConnections: number;
    readonly maxConnections: number;
    readonly connectionTimeoutMs: number;
    readonly maxWaiters: number;
    readonly keepAliveTimeoutMs: number;
  };
  readonly breaker: { readonly threshold: number; readonly resetTimeoutMs: number };
  readonly requestTimeoutMs: number;
  readonly now: () => number;
  readonly azureADTokenProvider?: () => Promise<string>;
  /** Test seam: the SDK client to use instead of building one. */
  readonly sdk?: OpenAI;
}

export type Admission = { ok: true } | { ok: false; code: 'CIRCUIT_OPEN' | 'RATE_LIMITED' | 'QUOTA_EXCEEDED'; retryAfterMs: number };

/**
 * One deployment at run time: its SDK client, connection pool, breaker, RPM/TPM window and 429 cool-down.
 * Order per call: admission (breaker/cool-down/quota, no I/O) → pool slot → breaker → SDK.
 */
export class DeploymentRuntime {
  readonly config: DeploymentConfig;
  readonly pool: ConnectionPool;
  readonly breaker: CircuitBreaker<[Call, AbortSignal | undefined], unknown>;
  readonly sdk: OpenAI;
  readonly #quota: QuotaWindow;
  readonly #now: () => number;
  #coolDownUntil = 0;

  constructor(config: DeploymentConfig, opts: DeploymentRuntimeOptions) {
    this.config = config;
    this.#now = opts.now;
    this.pool = new ConnectionPool({ name: config.name, ...opts.pool, now: opts.now });
    this.sdk =
      opts.sdk ??
      createProviderClient(config, {
        timeoutMs: opts.requestTimeoutMs,
        fetch: this.pool.fetch,
        ...(opts.azureADTokenProvider ? { azureADTokenProvider: opts.azureADTokenProvider } : {}),
      });
    this.breaker = createCircuitBreaker((call: Call, signal: AbortSignal | undefined) => call(signal ?? new AbortController().signal), {
      name: `llm:${config.name}`,
      failureThreshold: opts.breaker.threshold,
      resetTimeoutMs: opts.breaker.resetTimeoutMs,
      // 429s and request errors (4xx) say nothing about the deployment's health.
      isFailure: isDeploymentFailure,
    });
    this.#quota = new QuotaWindow({ rpm: config.rpm, tpm: config.tpm, now: opts.now });
  }

  get name(): string {
    return this.config.name;
  }
  get model(): string {
    return this.config.model;
  }
  get tier(): DeploymentConfig['tier'] {
    return this.config.tier;
  }
  get weight(): number {
    return this.config.weight;
  }
  get tasks(): DeploymentConfig['tasks'] {
    return this.config.tasks;
  }

  /** Whether a call may start now, without I/O. Reserves quota when it may. */
  admit(estimatedTokens: number): Admission {
    if (this.breaker.state === 'OPEN') return { ok: false, code: 'CIRCUIT_OPEN', retryAfterMs: this.breaker.retryAfterMs };
    const now = this.#now();
    if (now < this.#coolDownUntil) return { ok: false, code: 'RATE_LIMITED', retryAfterMs: this.#coolDownUntil - now };
    const q = this.#quota.tryTake(estimatedTokens);
    if (!q.ok) return { ok: false, code: 'QUOTA_EXCEEDED', retryAfterMs: q.retryAfterMs };
    return { ok: true };
  }

  /** Runs one upstream call through the pool and the breaker. */
  async run<T>(call: (sdk: OpenAI, signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.pool.acquire(signal);
    try {
      return (await this.breaker.fire((s) => call(this.sdk, s), signal)) as T;
    } catch (err) {
      const c = classifyFailure(err, this.#now());
      if (c.kind !== 'ABORTED' && c.kind !== 'CIRCUIT_OPEN') this.pool.recordError();
      if (c.kind === 'RATE_LIMITED' && c.retryAfterMs !== undefined && c.retryAfterMs > 0) {
        this.#coolDownUntil = Math.max(this.#coolDownUntil, this.#now() + c.retryAfterMs);
      }
      throw err;
    } finally {
      release();
    }
  }

  stats(): PoolStats {
    return this.pool.stats(this.breaker.state);
  }

  async close(): Promise<void> {
    this.breaker.shutdown();
    await this.pool.close();
  }
}
