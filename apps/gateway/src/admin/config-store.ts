import { AdminConfig, type AdminConfigPatch } from '@supportmesh/contracts';
import type { Redis } from '@supportmesh/state';
import type { Logger } from '@supportmesh/telemetry';

export interface AdminConfigStoreOptions {
  readonly redis: Redis;
  /** Redis key holding the JSON config, shared by every replica. */
  readonly key: string;
  /** The config used when nothing is stored (defaults, with the env's rate limit). */
  readonly defaults: AdminConfig;
  /** How long a replica reuses what it read. @default 5000 */
  readonly cacheMs?: number;
  readonly logger: Logger;
  readonly clock?: () => number;
}

/**
 * Runtime thresholds and flags (`GET|PUT /v1/admin/config`) in Redis, so every replica sees the same;
 * each process caches what it read for at most `cacheMs`. Redis down: reads answer the last known (or
 * default) config; writes fail.
 */
export class AdminConfigStore {
  readonly #opts: AdminConfigStoreOptions;
  readonly #clock: () => number;
  #cached: { value: AdminConfig; at: number } | undefined;

  constructor(opts: AdminConfigStoreOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? Date.now;
  }

  async get(): Promise<AdminConfig> {
    const now = this.#clock();
    if (this.#cached && now - this.#cached.at < (this.#opts.cacheMs ?? 5_000)) return this.#cached.value;
    let value = this.#cached?.value ?? this.#opts.defaults;
    try {
      const raw = await this.#opts.redis.get(this.#opts.key);
      value = raw === null ? this.#opts.defaults : this.#parse(raw);
    } catch (err) {
      this.#opts.logger.warn({ err }, 'admin config unreadable; using the last known config');
    }
    this.#cached = { value, at: now };
    return value;
  }

  /** Merges `patch` (flags individually) into the stored config and returns the result. */
  async update(patch: AdminConfigPatch): Promise<AdminConfig> {
    const current = await this.#readFresh();
    const next = AdminConfig.parse({ ...current, ...patch, flags: { ...current.flags, ...patch.flags } });
    await this.#opts.redis.set(this.#opts.key, JSON.stringify(next));
    this.#cached = { value: next, at: this.#clock() };
    return next;
  }

  async #readFresh(): Promise<AdminConfig> {
    const raw = await this.#opts.redis.get(this.#opts.key);
    return raw === null ? this.#opts.defaults : this.#parse(raw);
  }

  #parse(raw: string): AdminConfig {
    try {
      const parsed = AdminConfig.safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data;
    } catch {
      // fall through
    }
    this.#opts.logger.warn({ key: this.#opts.key }, 'stored admin config is invalid; using defaults');
    return this.#opts.defaults;
  }
}
