import { z } from 'zod';
import type { Random } from './prng.js';

/** Fault injection settings (start options, `LLM_EMULATOR_FAULTS`, `POST /admin/faults`). */
export const FaultsSchema = z.strictObject({
  /** Share of matching requests that fail (0..1). */
  errorRate: z.number().min(0).max(1).optional(),
  /** Status of injected errors. @default 500 */
  status: z.union([z.literal(429), z.literal(500), z.literal(503)]).optional(),
  /** `retry-after-ms` on injected 429/503. @default 1000 */
  retryAfterMs: z.number().int().min(0).max(3_600_000).optional(),
  /** Selected requests never get an answer (until the client aborts). */
  hang: z.boolean().optional(),
  /** Every matching request fails. */
  failAll: z.boolean().optional(),
  /** Limit faults to these deployments (OpenAI style: the request's model). */
  deployments: z.array(z.string().min(1)).max(100).optional(),
  /** Clear the faults automatically after this many ms. */
  durationMs: z.number().int().positive().max(86_400_000).optional(),
});
export type Faults = z.infer<typeof FaultsSchema>;

export type FaultDecision = { kind: 'none' } | { kind: 'hang' } | { kind: 'error'; status: 429 | 500 | 503; retryAfterMs: number };

/** Holds the active faults, decides per request, clears itself after `durationMs`. */
export class FaultController {
  private faults: Faults = {};
  private expiresAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly random: Random) {}

  /** Replaces the active faults (validated). Throws a ZodError on bad input. */
  set(input: unknown): Faults {
    const faults = FaultsSchema.parse(input);
    this.clearTimer();
    this.faults = faults;
    this.expiresAt = undefined;
    if (faults.durationMs !== undefined) {
      this.expiresAt = Date.now() + faults.durationMs;
      this.timer = setTimeout(() => this.reset(), faults.durationMs);
      this.timer.unref();
    }
    return faults;
  }

  reset(): void {
    this.clearTimer();
    this.faults = {};
    this.expiresAt = undefined;
  }

  get(): { faults: Faults; active: boolean; expiresAt?: string } {
    return {
      faults: { ...this.faults },
      active: this.isActive(),
      ...(this.expiresAt !== undefined ? { expiresAt: new Date(this.expiresAt).toISOString() } : {}),
    };
  }

  decide(deployment: string): FaultDecision {
    const f = this.faults;
    if (!this.isActive()) return { kind: 'none' };
    if (f.deployments && !f.deployments.includes(deployment)) return { kind: 'none' };
    const rate = f.errorRate ?? 0;
    const selected = f.failAll === true || (rate > 0 ? this.random() < rate : f.hang === true);
    if (!selected) return { kind: 'none' };
    if (f.hang) return { kind: 'hang' };
    return { kind: 'error', status: f.status ?? 500, retryAfterMs: f.retryAfterMs ?? 1000 };
  }

  close(): void {
    this.clearTimer();
  }

  private isActive(): boolean {
    const f = this.faults;
    return f.failAll === true || (f.errorRate ?? 0) > 0 || f.hang === true;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
