/** Request-weighted quantiles over many time steps, each step's latency a lognormal fitted to its two moments. */

/** Complementary error function (W. J. Cody-style rational approximation via erfc = 1 - erf; |error| < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export interface LatencySeries {
  /** Requests in the step (weight). */
  readonly weight: ArrayLike<number>;
  readonly mean: ArrayLike<number>;
  readonly variance: ArrayLike<number>;
}

/**
 * The q-quantile of the mixture over steps (`P(T > x) = Σ wᵢ Sᵢ(x) / Σ wᵢ`), by bisection. Steps with no weight or
 * no finite mean are skipped. Returns `NaN` when there is no weight at all.
 */
export function mixtureQuantile(series: LatencySeries, q: number): number {
  const n = series.weight.length;
  // Steps with the same distribution (to 1 part in 10⁹) are merged: most steps of a quiet service are identical.
  const merged = new Map<string, { mu: number; sigma: number; w: number }>();
  let total = 0;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const wi = series.weight[i];
    const m = series.mean[i];
    if (wi === undefined || m === undefined || !(wi > 0) || !(m > 0) || !Number.isFinite(m)) continue;
    const v = Math.max(0, series.variance[i] ?? 0);
    const s2 = Math.log(1 + v / (m * m));
    const s = Math.sqrt(s2);
    const mui = Math.log(m) - s2 / 2;
    const key = `${mui.toPrecision(10)}|${s.toPrecision(10)}`;
    const entry = merged.get(key);
    if (entry) entry.w += wi;
    else merged.set(key, { mu: mui, sigma: s, w: wi });
    total += wi;
    hi = Math.max(hi, Math.exp(mui + 6 * s));
  }
  const mu: number[] = [];
  const sigma: number[] = [];
  const w: number[] = [];
  for (const e of merged.values()) {
    mu.push(e.mu);
    sigma.push(e.sigma);
    w.push(e.w);
  }
  if (total === 0) return Number.NaN;
  const target = 1 - q;
  const survival = (x: number): number => {
    const lx = Math.log(x);
    let s = 0;
    for (let i = 0; i < w.length; i++) {
      const si = sigma[i];
      s += w[i] * (si === 0 ? (lx < mu[i] ? 1 : 0) : 0.5 * erfc((lx - mu[i]) / (si * Math.SQRT2)));
    }
    return s / total;
  };
  let lo = 0;
  let up = hi * 1.01 + 1e-9;
  for (let iter = 0; iter < 60; iter++) {
    const mid = (lo + up) / 2;
    if (survival(mid) > target) lo = mid;
    else up = mid;
  }
  return (lo + up) / 2;
}
