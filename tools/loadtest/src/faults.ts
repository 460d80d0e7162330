/** Drives the LLM emulator's fault endpoint (`/admin/faults`). */
export class EmulatorFaults {
  constructor(
    private readonly emulatorUrl: string,
    private readonly timeoutMs = 2000,
  ) {}

  /** Every LLM call fails until cleared (or `durationMs` passes, as a safety net). Returns an error text on failure. */
  async startOutage(durationMs: number): Promise<string | undefined> {
    return this.call('POST', { failAll: true, durationMs: Math.max(1, Math.round(durationMs)) });
  }

  /** Clears all faults. Returns an error text on failure. */
  async clear(): Promise<string | undefined> {
    return this.call('DELETE');
  }

  private async call(method: 'POST' | 'DELETE', body?: unknown): Promise<string | undefined> {
    try {
      const res = await fetch(`${this.emulatorUrl}/admin/faults`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.text();
      return res.ok ? undefined : `${method} ${this.emulatorUrl}/admin/faults answered ${res.status}`;
    } catch (err) {
      return `${method} ${this.emulatorUrl}/admin/faults failed: ${(err as Error).message}`;
    }
  }
}
