import type { Task, Tier } from './config.js';

/** What the router needs to know about a deployment. */
export interface Routable {
  readonly name: string;
  readonly tier: Tier;
  readonly weight: number;
  readonly tasks?: readonly Task[] | undefined;
}

export interface RouteRequest {
  readonly task: Task;
  /** Tier for this call (already resolved from the task or the request). */
  readonly tier: Exclude<Tier, 'embedding'>;
  /** Pin one model: only deployments serving it are candidates. */
  readonly model?: string | undefined;
}

/** Weighted random permutation (Efraimidis–Spirakis): higher weight → earlier on average, everyone included. */
export function weightedOrder<T extends { readonly weight: number }>(items: readonly T[], random: () => number = Math.random): T[] {
  return items
    .map((item) => {
      const u = Math.min(Math.max(random(), Number.EPSILON), 1 - Number.EPSILON);
      return { item, key: Math.log(u) / item.weight };
    })
    .sort((a, b) => b.key - a.key)
    .map((x) => x.item);
}

/**
 * The hybrid router: the order in which deployments are tried for one call. First the deployments dedicated to
 * the task or serving its tier (weighted random), then — when `crossTierFailover` — the other chat tier as a last
 * resort. Health (breaker, 429 cool-down, quota) is checked by the caller while walking this list, so an unhealthy
 * deployment is skipped without an upstream call.
 */
export function routeOrder<T extends Routable & { readonly model: string }>(
  deployments: readonly T[],
  req: RouteRequest,
  options: { crossTierFailover: boolean; random?: () => number },
): T[] {
  const chat = deployments.filter((d) => d.tier !== 'embedding' && (req.model === undefined || d.model === req.model));
  const serves = (d: T, tier: Tier): boolean => (d.tasks ? d.tasks.includes(req.task) : d.tier === tier);
  const primary = chat.filter((d) => serves(d, req.tier));
  const order = weightedOrder(primary, options.random);
  if (options.crossTierFailover || primary.length === 0) {
    const otherTier: Tier = req.tier === 'small' ? 'large' : 'small';
    const secondary = chat.filter((d) => !primary.includes(d) && !d.tasks && d.tier === otherTier);
    order.push(...weightedOrder(secondary, options.random));
  }
  return order;
}
