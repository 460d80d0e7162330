import { z } from 'zod';

/** Per-deployment quota: requests and tokens per minute (a sliding 60 s window). */
export const QuotaSchema = z.strictObject({
  rpm: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
});
/** Quotas by deployment name; the key `*` applies to every deployment without its own entry. */
export const QuotasSchema = z.record(z.string().min(1), QuotaSchema);
export type Quota = z.infer<typeof QuotaSchema>;
export type Quotas = z.infer<typeof QuotasSchema>;

export const WINDOW_MS = 60_000;

export interface QuotaResult {
  allowed: boolean;
  /** How long until the request would fit (0 when allowed). */
  retryAfterMs: number;
  /** What is left in the window after this request (`undefined` when that dimension has no limit). */
  remainingRequests: number | undefined;
  remainingTokens: number | undefined;
  /** Which limit was hit. */
  limit?: 'requests' | 'tokens';
}

class Window {
  private readonly times: number[] = [];
  private readonly tokens: number[] = [];
  private head = 0;
  tokenSum = 0;

  prune(now: number): void {
    const cutoff = now - WINDOW_MS;
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= cutoff) {
      this.tokenSum -= this.tokens[this.head] ?? 0;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.tokens.splice(0, this.head);
      this.head = 0;
    }
  }

  get count(): number {
    return this.times.length - this.head;
  }

  add(now: number, tokens: number): void {
    this.times.push(now);
    this.tokens.push(tokens);
    this.tokenSum += tokens;
  }

  /** Time until the `k`-th oldest entry (0-based) leaves the window. */
  expiryOf(k: number, now: number): number {
    const t = this.times[this.head + k];
    return t === undefined ? 0 : Math.max(1, t + WINDOW_MS - now);
  }

  /** Time until enough tokens leave the window to free `needed` tokens. */
  tokensFreedAfter(needed: number, now: number): number {
    let freed = 0;
    for (let i = this.head; i < this.times.length; i++) {
      freed += this.tokens[i] ?? 0;
      if (freed >= needed) return Math.max(1, (this.times[i] ?? now) + WINDOW_MS - now);
    }
    return WINDOW_MS;
  }
}

/** In-memory sliding-window RPM/TPM limiter (the emulator is one process, like one Azure deployment). */
export class QuotaTracker {
  private readonly windows = new Map<string, Window>();

  constructor(private quotas: Quotas = {}) {}

  setQuotas(quotas: Quotas): void {
    this.quotas = QuotasSchema.parse(quotas);
    this.windows.clear();
  }

  getQuotas(): Quotas {
    return { ...this.quotas };
  }

  quotaFor(deployment: string): Quota | undefined {
    return this.quotas[deployment] ?? this.quotas['*'];
  }

  /** Admits (and records) a request of `tokens` tokens, or says when to retry. `null` = no quota. */
  consume(deployment: string, tokens: number, now = Date.now()): QuotaResult | null {
    const quota = this.quotaFor(deployment);
    if (!quota || (quota.rpm === undefined && quota.tpm === undefined)) return null;
    let window = this.windows.get(deployment);
    if (!window) {
      window = new Window();
      this.windows.set(deployment, window);
    }
    window.prune(now);
    const remaining = (): Pick<QuotaResult, 'remainingRequests' | 'remainingTokens'> => ({
      remainingRequests: quota.rpm === undefined ? undefined : Math.max(0, quota.rpm - window.count),
      remainingTokens: quota.tpm === undefined ? undefined : Math.max(0, quota.tpm - window.tokenSum),
    });
    if (quota.rpm !== undefined && window.count >= quota.rpm) {
      return { allowed: false, retryAfterMs: window.expiryOf(window.count - quota.rpm, now), limit: 'requests', ...remaining() };
    }
    if (quota.tpm !== undefined && window.tokenSum + tokens > quota.tpm) {
      const retryAfterMs = tokens > quota.tpm ? WINDOW_MS : window.tokensFreedAfter(window.tokenSum + tokens - quota.tpm, now);
      return { allowed: false, retryAfterMs, limit: 'tokens', ...remaining() };
    }
    window.add(now, tokens);
    return { allowed: true, retryAfterMs: 0, ...remaining() };
  }
}
