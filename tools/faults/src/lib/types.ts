/** What every scenario answers. */
export interface ScenarioResult {
  /** e.g. `1 consumer killed mid-batch` */
  readonly scenario: string;
  /** The headline measurement, one line. */
  readonly figure: string;
  readonly pass: boolean;
  /** Every measurement and, when failing, what failed. */
  readonly details: Record<string, unknown>;
  readonly durationMs?: number;
}

/** A check inside a scenario: a name and whether it held. */
export class Checks {
  readonly #items: { name: string; ok: boolean; info?: unknown }[] = [];

  add(name: string, ok: boolean, info?: unknown): boolean {
    this.#items.push({ name, ok, ...(info === undefined ? {} : { info }) });
    return ok;
  }

  get pass(): boolean {
    return this.#items.length > 0 && this.#items.every((i) => i.ok);
  }

  get failed(): { name: string; info?: unknown }[] {
    return this.#items.filter((i) => !i.ok).map(({ name, info }) => (info === undefined ? { name } : { name, info }));
  }

  get all(): { name: string; ok: boolean; info?: unknown }[] {
    return [...this.#items];
  }
}
