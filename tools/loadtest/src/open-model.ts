import { sleep } from './sleep.js';
import type { Step } from './scenarios.js';

export interface Arrival {
  readonly index: number;
  /** Intended send time, ms since the run started. */
  readonly intendedAt: number;
}

export interface OpenModelOptions {
  readonly steps: readonly Step[];
  /** `uniform` spacing (wrk2-style) or `poisson` (exponential inter-arrival times). @default 'uniform' */
  readonly arrivals?: 'uniform' | 'poisson';
  /** Needed for `poisson`. */
  readonly random?: () => number;
  /** At most this many requests on the wire; later arrivals wait in the backlog. */
  readonly maxInFlight: number;
  /** Arrivals waiting beyond this are dropped (reported as errors), so memory stays bounded. */
  readonly maxBacklog: number;
  /** ms since the run started (monotonic). */
  readonly now: () => number;
  /** Sends one request and records its outcome; latency is taken from `arrival.intendedAt`. Must not reject. */
  readonly send: (arrival: Arrival, signal: AbortSignal) => Promise<void>;
  readonly onArrive?: (arrival: Arrival) => void;
  readonly onDrop: (arrival: Arrival) => void;
  /** Stops new arrivals (capacity search, Ctrl-C); already scheduled work drains. */
  readonly stop?: AbortSignal;
  /** After the schedule ends, wait this long for in-flight and queued work, then abort it. */
  readonly drainTimeoutMs: number;
}

export interface OpenModelStats {
  readonly scheduled: number;
  readonly sent: number;
  readonly dropped: number;
}

/** Arrival times (ms) for the steps: a finite, increasing sequence. */
export function* arrivalTimes(steps: readonly Step[], mode: 'uniform' | 'poisson' = 'uniform', random: () => number = Math.random): Generator<number> {
  for (const step of steps) {
    if (!(step.rps > 0)) continue;
    const start = step.startS * 1000;
    const end = step.endS * 1000;
    const gap = 1000 / step.rps;
    if (mode === 'uniform') {
      for (let i = 0; start + i * gap < end; i++) yield start + i * gap;
    } else {
      for (let t = start + -Math.log(1 - random()) * gap; t < end; t += -Math.log(1 - random()) * gap) yield t;
    }
  }
}

/**
 * Open-model load: requests are started at their scheduled times whether or not earlier ones have
 * finished, and each request's latency is measured from its intended send time. When the in-flight
 * bound is reached, arrivals queue and the time they wait counts as latency, so a stalled server shows up
 * in the percentiles instead of silently slowing the load down (coordinated omission).
 */
export async function runOpenModel(opts: OpenModelOptions): Promise<OpenModelStats> {
  const abort = new AbortController();
  const backlog: Arrival[] = [];
  let head = 0;
  let inFlight = 0;
  let scheduled = 0;
  let sent = 0;
  let dropped = 0;
  let idle: (() => void) | undefined;

  const launch = (a: Arrival): void => {
    inFlight++;
    sent++;
    void opts
      .send(a, abort.signal)
      .catch(() => undefined)
      .finally(() => {
        inFlight--;
        if (!abort.signal.aborted && head < backlog.length) launch(backlog[head++] as Arrival);
        if (head > 1024 && head * 2 > backlog.length) {
          backlog.splice(0, head);
          head = 0;
        }
        if (inFlight === 0 && head >= backlog.length) idle?.();
      });
  };

  const dispatch = (a: Arrival): void => {
    scheduled++;
    opts.onArrive?.(a);
    if (inFlight < opts.maxInFlight) launch(a);
    else if (backlog.length - head < opts.maxBacklog) backlog.push(a);
    else {
      dropped++;
      opts.onDrop(a);
    }
  };

  const times = arrivalTimes(opts.steps, opts.arrivals, opts.random);
  let next = times.next();
  let index = 0;
  while (!next.done && !opts.stop?.aborted) {
    const now = opts.now();
    if (next.value > now) {
      await sleep(next.value - now, opts.stop);
      continue;
    }
    // re-check stop: a send can ask to stop (capacity search, Ctrl-C) while a burst of overdue arrivals is dispatched
    while (!next.done && next.value <= now && !opts.stop?.aborted) {
      dispatch({ index: index++, intendedAt: next.value });
      next = times.next();
    }
  }

  if (inFlight > 0 || head < backlog.length) {
    const drained = new Promise<void>((resolve) => (idle = resolve));
    const deadline = new AbortController();
    await Promise.race([drained, sleep(opts.drainTimeoutMs, deadline.signal)]);
    deadline.abort();
  }
  // Whatever is still queued never left the client: report it as dropped; abort what is on the wire.
  for (; head < backlog.length; head++) {
    dropped++;
    opts.onDrop(backlog[head] as Arrival);
  }
  abort.abort();
  if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
  return { scheduled, sent, dropped };
}
