import {
  RegistryResponse,
  type ComponentStatus,
  type RegisteredProvider,
  type RegisteredService,
} from '@supportmesh/contracts';
import type { CacheStore } from '@supportmesh/state';
import type { Logger } from '@supportmesh/telemetry';
import { collectPoolStats, type PoolStatsSource } from './pool-stats.js';

export interface RegistryOptions {
  readonly version: string;
  /** The services the gateway talks to, by name. */
  readonly services: readonly { readonly name: string; readonly url: string }[];
  /** Shared cache (Redis) and a per-process one used when the shared one fails. */
  readonly cache: CacheStore;
  readonly fallbackCache: CacheStore;
  readonly ttlSec: number;
  readonly providers: Readonly<Record<string, { kind: string; probe: () => Promise<boolean> }>>;
  readonly poolSources: readonly PoolStatsSource[];
  /** Deadline per probe. @default 1000 */
  readonly timeoutMs?: number;
  readonly logger: Logger;
  readonly clock?: () => Date;
}

const CACHE_KEY = 'registry:v1';

/** `GET /v1/registry`: services (version, readiness), providers (Redis, Cosmos, LLM deployments); cached `ttlSec`. */
export class Registry {
  readonly #o: RegistryOptions;

  constructor(opts: RegistryOptions) {
    this.#o = opts;
  }

  async get(): Promise<RegistryResponse> {
    const cached = await this.#cached();
    if (cached) return cached;
    const fresh = await this.#build();
    const raw = JSON.stringify(fresh);
    await this.#o.cache.set(CACHE_KEY, raw, this.#o.ttlSec).catch(() => this.#o.fallbackCache.set(CACHE_KEY, raw, this.#o.ttlSec));
    return fresh;
  }

  async #cached(): Promise<RegistryResponse | undefined> {
    let raw: string | null;
    try {
      raw = await this.#o.cache.get(CACHE_KEY);
    } catch {
      raw = await this.#o.fallbackCache.get(CACHE_KEY);
    }
    if (raw === null) return undefined;
    try {
      const parsed = RegistryResponse.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async #build(): Promise<RegistryResponse> {
    const timeoutMs = this.#o.timeoutMs ?? 1_000;
    const [services, providers, pools] = await Promise.all([
      Promise.all(this.#o.services.map((s) => this.#service(s.name, s.url, timeoutMs))),
      Promise.all(
        Object.entries(this.#o.providers).map(async ([name, p]): Promise<RegisteredProvider> => {
          const ok = await p.probe().catch(() => false);
          return { name, kind: p.kind, status: ok ? 'up' : 'down' };
        }),
      ),
      collectPoolStats(this.#o.poolSources, timeoutMs),
    ]);
    for (const [name, stats] of Object.entries(pools.deployments)) {
      const status: ComponentStatus = stats.circuit_breaker_state === 'OPEN' ? 'down' : stats.circuit_breaker_state === 'HALF_OPEN' ? 'degraded' : 'up';
      providers.push({ name, kind: 'llm', status, details: { circuit_breaker_state: stats.circuit_breaker_state, pool_size: stats.pool_size } });
    }
    return {
      services: [{ name: 'gateway', url: 'self', version: this.#o.version, status: 'up' }, ...services],
      providers,
      generatedAt: (this.#o.clock?.() ?? new Date()).toISOString(),
    };
  }

  async #service(name: string, url: string, timeoutMs: number): Promise<RegisteredService> {
    const base = url.replace(/\/+$/, '');
    let version = 'unknown';
    let status: ComponentStatus = 'down';
    try {
      const health = await fetch(`${base}/health`, { signal: AbortSignal.timeout(timeoutMs) });
      if (health.ok) {
        const body = (await health.json().catch(() => ({}))) as { version?: unknown };
        if (typeof body.version === 'string' && body.version.length <= 64) version = body.version;
        const ready = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(timeoutMs) });
        await ready.body?.cancel();
        status = ready.ok ? 'up' : 'degraded';
      }
    } catch {
      status = 'down';
    }
    return { name, url: base, version, status };
  }
}
