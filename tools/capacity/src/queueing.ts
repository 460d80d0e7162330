/**
 * Latency model of one service: an M/M/c queue (Poisson arrivals, c = ready pods × concurrency slots per pod) in front
 * of a service time whose own distribution is lognormal (fitted to a median and a p95, e.g. the LLM emulator's
 * p50 450 ms / p95 1.8 s). Erlang C gives the probability of waiting and the waiting time tail
 * (`P(Wq > t) = C · e^{-(cμ-λ)t}`); the response time `T = Wq + S` is summarised by its mean and variance and its
 * p95 read off a lognormal with the same two moments (exact when nobody waits). CPU is a second, shared resource per
 * pod: its processor-sharing slowdown `1/(1-ρ_cpu)` stretches the CPU part of the service time.
 *
 * When arrivals exceed capacity (ρ ≥ 1 on slots or CPU) the queue does not reach a steady state: the simulator keeps a
 * fluid backlog instead (see `FluidQueue`), which is where "queued" and "dropped" work come from.
 */

export const Z95 = 1.6448536269514722;

/** A positive random variable described by its first two moments (seconds, seconds²). */
export interface Moments {
  readonly mean: number;
  readonly variance: number;
}

export interface ServiceTime {
  /** Median wall time of one request without queueing, seconds. */
  readonly p50: number;
  /** 95th percentile, seconds (≥ p50). */
  readonly p95: number;
}

/** Mean and variance of a lognormal with the given median and p95. */
export function lognormalMoments(st: ServiceTime): Moments {
  if (st.p50 <= 0) return { mean: 0, variance: 0 };
  const sigma = Math.max(0, Math.log(st.p95 / st.p50) / Z95);
  const mu = Math.log(st.p50);
  const s2 = sigma * sigma;
  return { mean: Math.exp(mu + s2 / 2), variance: (Math.exp(s2) - 1) * Math.exp(2 * mu + s2) };
}

/** A lognormal service time from a mean and a p95 (the smaller-σ solution of `p95/mean = e^{1.645σ − σ²/2}`). */
export function serviceTimeFromMeanP95(mean: number, p95: number): ServiceTime {
  if (mean <= 0) return { p50: 0, p95: 0 };
  const k = Math.log(Math.max(p95, mean) / mean);
  const disc = Z95 * Z95 - 2 * k;
  // Beyond what a lognormal can express (p95 > 3.87 × mean): take the largest σ it allows.
  const sigma = disc >= 0 ? Z95 - Math.sqrt(disc) : Z95;
  return { p50: mean * Math.exp(-(sigma * sigma) / 2), p95: mean * Math.exp(Z95 * sigma - (sigma * sigma) / 2) };
}

/** The p95 of a lognormal with these moments (the moment-matched approximation used for sums of hops). */
export function p95FromMoments(m: Moments): number {
  if (m.mean <= 0) return 0;
  const s2 = Math.log(1 + m.variance / (m.mean * m.mean));
  return m.mean * Math.exp(-s2 / 2 + Z95 * Math.sqrt(s2));
}

export const addMoments = (...parts: Moments[]): Moments => ({
  mean: parts.reduce((s, p) => s + p.mean, 0),
  variance: parts.reduce((s, p) => s + p.variance, 0),
});

/** `A` always, plus `B` with probability `q` (independent): the moments of the mixture. */
export function withProbability(a: Moments, b: Moments, q: number): Moments {
  return {
    mean: a.mean + q * b.mean,
    variance: a.variance + q * b.variance + q * (1 - q) * b.mean * b.mean,
  };
}

/**
 * Erlang C: the probability an arrival waits in an M/M/c queue with offered load `a = λ/μ` (erlangs).
 * Computed through the Erlang B recursion, which is stable for thousands of servers.
 */
export function erlangC(servers: number, offeredLoad: number): number {
  if (offeredLoad <= 0) return 0;
  if (offeredLoad >= servers) return 1;
  const rho = offeredLoad / servers;
  let b = 1;
  for (let k = 1; k <= servers; k++) {
    b = (offeredLoad * b) / (k + offeredLoad * b);
    // Past the offered load B(k) only falls; once negligible, so is C (waiting is then practically impossible).
    if (k > offeredLoad && b < 1e-15) return b / (1 - rho);
  }
  return b / (1 - rho * (1 - b));
}

export interface QueueInput {
  /** Arrivals per second. */
  readonly lambda: number;
  /** Concurrency slots available (ready pods × slots per pod). */
  readonly servers: number;
  /** Service time without queueing. */
  readonly service: Moments;
  /** CPU seconds each request burns, and the CPU cores the ready pods may use in total (their limits). */
  readonly cpuSeconds?: number;
  readonly cpuCores?: number;
}

export interface QueueResult {
  /** Utilisation of the slots and of the CPU (≥ 1: saturated). */
  readonly rhoSlots: number;
  readonly rhoCpu: number;
  /** Probability of waiting for a slot. */
  readonly waitProbability: number;
  /** Response time (wait + service), when stable. */
  readonly response: Moments;
  readonly p95: number;
  /** Requests per second the service can complete at most. */
  readonly capacity: number;
  readonly saturated: boolean;
}

/** Steady-state M/M/c estimate for the current arrivals and ready capacity. */
export function mmc(input: QueueInput): QueueResult {
  const cpuSeconds = input.cpuSeconds ?? 0;
  const cpuCores = input.cpuCores ?? Number.POSITIVE_INFINITY;
  const rhoCpu = cpuSeconds > 0 ? (input.lambda * cpuSeconds) / cpuCores : 0;
  // Processor sharing on the CPU stretches the CPU part of the service time.
  const cpuStretch = rhoCpu < 1 ? cpuSeconds * (rhoCpu / (1 - rhoCpu)) : Number.POSITIVE_INFINITY;
  const service: Moments = { mean: input.service.mean + cpuStretch, variance: input.service.variance };
  // The unloaded service time bounds the slots' throughput; the CPU bounds it separately.
  const slotCapacity = input.service.mean > 0 ? input.servers / input.service.mean : Number.POSITIVE_INFINITY;
  const cpuCapacity = cpuSeconds > 0 ? cpuCores / cpuSeconds : Number.POSITIVE_INFINITY;
  const capacity = Math.min(slotCapacity, cpuCapacity);
  const offered = input.lambda * service.mean;
  const rhoSlots = input.servers > 0 ? offered / input.servers : input.lambda > 0 ? Number.POSITIVE_INFINITY : 0;
  if (input.servers <= 0 || rhoSlots >= 1 || rhoCpu >= 1 || !Number.isFinite(service.mean)) {
    return {
      rhoSlots,
      rhoCpu,
      waitProbability: 1,
      response: { mean: Number.POSITIVE_INFINITY, variance: 0 },
      p95: Number.POSITIVE_INFINITY,
      capacity: input.servers > 0 ? capacity : 0,
      saturated: input.lambda > 0,
    };
  }
  const c = erlangC(input.servers, offered);
  const theta = input.servers / service.mean - input.lambda;
  const waitMean = c / theta;
  const waitSecond = (2 * c) / (theta * theta);
  const response: Moments = {
    mean: waitMean + service.mean,
    variance: waitSecond - waitMean * waitMean + service.variance,
  };
  return { rhoSlots, rhoCpu, waitProbability: c, response, p95: p95FromMoments(response), capacity, saturated: false };
}

/**
 * A fluid backlog for overload: work arriving faster than `capacity` waits; what would wait longer than
 * `maxWaitSeconds` is dropped (the caller's timeout gives up on it).
 */
export class FluidQueue {
  backlog = 0;
  dropped = 0;
  constructor(private readonly maxWaitSeconds: number) {}

  /** Advances by `dt` seconds; returns the extra mean wait (seconds) the backlog adds for new arrivals. */
  advance(lambda: number, capacity: number, dt: number): number {
    const net = (lambda - capacity) * dt;
    this.backlog = Math.max(0, this.backlog + net);
    const limit = capacity * this.maxWaitSeconds;
    if (this.backlog > limit) {
      this.dropped += this.backlog - limit;
      this.backlog = limit;
    }
    return capacity > 0 ? this.backlog / capacity : this.backlog > 0 ? Number.POSITIVE_INFINITY : 0;
  }
}
