/** Knobs the CLI and the vitest entry set for a run. */
export interface RunOptions {
  /** Reduced counts and durations where the issue allows (the vitest entry). */
  readonly quick: boolean;
  /** Scenario 12 duration. */
  readonly soakSeconds: number;
  /** Scenario 5 outage length. */
  readonly outageSeconds: number;
}

export const DEFAULT_OPTIONS: RunOptions = { quick: false, soakSeconds: 600, outageSeconds: 20 };
