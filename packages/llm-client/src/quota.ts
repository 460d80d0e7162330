/** Client-side RPM/TPM admission for one deployment over a sliding 60 s window. */
export class QuotaWindow {
  static readonly WINDOW_MS = 60_000;
  readonly #rpm: number | undefined;
  readonly #tpm: number | undefined;
  readonly #now: () => number;
  #entries: { at: number; tokens: number }[] = [];

  constructor(opts: { rpm?: number | undefined; tpm?: number | undefined; now?: () => number }) {
    this.#rpm = opts.rpm;
    this.#tpm = opts.tpm;
    this.#now = opts.now ?? Date.now;
  }

  get limited(): boolean {
    return this.#rpm !== undefined || this.#tpm !== undefined;
  }

  /** Reserves one request of about `tokens` tokens, or says how long until it would fit. */
  tryTake(tokens: number): { ok: true } | { ok: false; retryAfterMs: number } {
    if (!this.limited) return { ok: true };
    const now = this.#now();
    this.#entries = this.#entries.filter((e) => e.at > now - QuotaWindow.WINDOW_MS);
    const used = this.#entries.reduce((s, e) => s + e.tokens, 0);
    const overRequests = this.#rpm !== undefined && this.#entries.length + 1 > this.#rpm;
    // A single request larger than the whole TPM budget is let through alone rather than starved.
    const overTokens = this.#tpm !== undefined && used + tokens > this.#tpm && this.#entries.length > 0;
    if (!overRequests && !overTokens) {
      this.#entries.push({ at: now, tokens });
      return { ok: true };
    }
    const oldest = this.#entries[0];
    return { ok: false, retryAfterMs: oldest ? Math.max(1, oldest.at + QuotaWindow.WINDOW_MS - now) : 1 };
  }
}
