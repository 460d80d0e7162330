import { ErrorEnvelope } from '@supportmesh/contracts';
import { getFresh } from '../lib/analytics.js';
import { send, type LoadSample } from '../lib/load.js';
import type { PinnedConnection, RawResponse } from '../lib/pinned.js';
import { Checks, type ScenarioResult } from '../lib/types.js';
import type { World } from '../lib/world.js';
import type { RunOptions } from './options.js';

const LIMIT = 10;

function parse(res: RawResponse): unknown {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * 4. Rate limit across replicas: 300 requests for one user spread evenly over the 3 gateway replicas (connections
 * pinned to each process) → at most 10 accepted per 60 s window, the rest 429 + Retry-After; other users are
 * unaffected; the per-user token budget refuses with 429 once spent. Redis down (one extra gateway process pointed at
 * a dead Redis port, the shared Redis untouched): the fail mode (fail-open, per-process limits) happens, is logged
 * once, shows in /ready and /metrics, and nothing answers 500.
 */
export async function rateLimitAcrossReplicas(w: World, o: RunOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const checks = new Checks();
  const details: Record<string, unknown> = {};
  const admin = (await send(w.agent, w.gatewayUrl, { method: 'GET', path: '/v1/admin/config', headers: { 'x-api-key': w.creds.adminKey } })).json as { rateLimitPerMinute?: number };
  checks.add('the per-user limit in force is 10/min', admin.rateLimitPerMinute === LIMIT, admin);

  // ---- A: one user, 300 requests over all replicas ----
  const pids = w.pids('gateway');
  const conns: PinnedConnection[] = [];
  for (const pid of pids) for (let k = 0; k < 3; k++) conns.push(await w.pin('gateway', pid));
  const user = `rl-${w.runId}`;
  const total = o.quick ? 300 : 300;
  const results: { pid: number; status: number; retryAfter?: string; code?: string; limit?: string }[] = [];
  const started = Date.now();
  const others = (async () => {
    const out: LoadSample[] = [];
    for (let k = 0; k < 3; k++) for (let u = 0; u < 5; u++) out.push(await w.chat(`rl-other-${w.runId}-${u}`, 'How do I return an item?'));
    return out;
  })();
  await Promise.all(
    conns.map(async (c, k) => {
      // Connection k sends requests k, k + 9, k + 18, …: an equal share per replica.
      for (let i = k; i < total; i += conns.length) {
        const res = await c.request({
          method: 'POST',
          path: '/v1/chat',
          headers: { ...w.userHeaders(user) },
          body: JSON.stringify({ message: `Where is my order number ${i}?` }),
        });
        const env = ErrorEnvelope.safeParse(parse(res));
        results.push({
          pid: c.pid,
          status: res.status,
          ...(res.headers['retry-after'] ? { retryAfter: res.headers['retry-after'] } : {}),
          ...(env.success ? { code: env.data.error.code, limit: String((env.data.error.details as { limit?: unknown } | undefined)?.limit ?? '') } : {}),
        });
      }
    }),
  );
  const elapsedMs = Date.now() - started;
  for (const c of conns) c.close();
  const accepted = results.filter((r) => r.status === 200).length;
  const limited = results.filter((r) => r.status === 429);
  const windows = Math.ceil(elapsedMs / 60_000);
  const perReplica = Object.fromEntries(pids.map((pid) => [pid, { sent: results.filter((r) => r.pid === pid).length, accepted: results.filter((r) => r.pid === pid && r.status === 200).length }]));
  const otherResults = await others;
  details['oneUser'] = { total, accepted, limited: limited.length, other: results.filter((r) => r.status !== 200 && r.status !== 429).map((r) => r.status), elapsedMs, windows, perReplica };
  checks.add('accepted ≤ limit per window (fixed 60 s window from the first request)', accepted <= LIMIT * windows && accepted > 0, { accepted, windows });
  checks.add('requests spread over every replica', Object.values(perReplica).every((r) => r.sent >= total / pids.length - 5), perReplica);
  checks.add('every other answer 429 RATE_LIMITED with Retry-After', limited.length === total - accepted && limited.every((r) => r.code === 'RATE_LIMITED' && Number(r.retryAfter) > 0), {
    statuses: [...new Set(results.map((r) => r.status))],
    sample: limited.slice(0, 2),
  });
  checks.add('other users unaffected', otherResults.every((s) => s.status === 200), otherResults.map((s) => s.status ?? s.error));

  // ---- B: token budget per user per minute ----
  const tokenUser = `tk-${w.runId}`;
  const tokenRuns: { status: number | string; remaining?: string; limit?: string; retryAfter?: string }[] = [];
  for (let k = 0; k < LIMIT; k++) {
    const s = await w.chat(tokenUser, `Token budget probe ${k}: how do refunds to a credit card work and how long do they take?`);
    const env = ErrorEnvelope.safeParse(s.json);
    const h = (name: string) => {
      const v = s.headers?.[name];
      return Array.isArray(v) ? v[0] : v;
    };
    tokenRuns.push({
      status: s.status ?? s.error ?? '?',
      ...(h('x-ratelimit-tokens-remaining') !== undefined ? { remaining: h('x-ratelimit-tokens-remaining') } : {}),
      ...(env.success ? { limit: String((env.data.error.details as { limit?: unknown } | undefined)?.limit ?? '') } : {}),
      ...(h('retry-after') !== undefined ? { retryAfter: h('retry-after') } : {}),
    });
    if (s.status === 429) break;
  }
  details['tokenBudget'] = tokenRuns;
  const refused = tokenRuns.find((r) => r.status === 429);
  checks.add('token budget spent → 429 (limit tokens) with Retry-After', refused?.limit === 'tokens' && Number(refused.retryAfter) > 0, tokenRuns);

  // ---- C: Redis down for one gateway process ----
  const since = Date.now();
  const g = await w.spawnGateway('gateway-redis-down', { REDIS_URL: 'redis://127.0.0.1:1' });
  try {
    // 25 requests for one user at once: the per-process limit lets at most 10 through.
    const down = await Promise.all(
      Array.from({ length: 25 }, async (_, k) => {
        const s = await send(w.agent, g.url, { method: 'POST', path: '/v1/chat', headers: w.userHeaders(`rd-${w.runId}`), body: JSON.stringify({ message: 'Where is my order?' }) }, k, 60_000);
        const env = ErrorEnvelope.safeParse(s.json);
        return { status: s.status ?? s.error ?? '?', ...(env.success ? { code: env.data.error.code } : {}), ms: Math.round(s.ms) };
      }),
    );
    const ready = await getFresh(`${g.url}/ready`, {}, 15_000);
    const metrics = await getFresh(`${g.url}/metrics`, {}, 15_000);
    const gauge = /^gateway_rate_limit_degraded(?:\{[^}]*\})?\s+(\S+)/m.exec(metrics.body)?.[1];
    const logged = w.logs.find({ label: 'gateway-redis-down', text: 'rate limits degraded', since });
    const statuses: Record<string, number> = {};
    for (const d of down) statuses[String(d.status)] = (statuses[String(d.status)] ?? 0) + 1;
    const through = down.filter((d) => d.status !== 429).length;
    details['redisDown'] = { statuses, codes: [...new Set(down.map((d) => d.code))], maxMs: Math.max(...down.map((d) => d.ms)), throughMs: down.filter((d) => d.status !== 429).map((d) => d.ms), ready: { status: ready.status, body: safeJson(ready.body) }, gauge, degradedLogLines: logged.length };
    checks.add('Redis down: no 500s', down.every((d) => d.status !== 500 && typeof d.status === 'number'), statuses);
    checks.add('Redis down: fail-open with a per-process limit (≤ 10 through, rest 429)', through <= LIMIT && down.some((d) => d.status === 429), statuses);
    checks.add('Redis down: logged once', logged.length === 1, logged.length);
    checks.add('Redis down: visible in /ready (rateLimit degraded)', ready.status === 200 && /"state":"degraded"/.test(ready.body), ready.body.slice(0, 300));
    checks.add('Redis down: visible in metrics (gateway_rate_limit_degraded 1)', gauge === '1', gauge);
  } finally {
    await g.stop();
  }

  const rd = details['redisDown'] as { statuses?: Record<string, number> } | undefined;
  return {
    scenario: '4 rate limit across replicas',
    figure: `${accepted}/${total} accepted across ${pids.length} replicas (limit ${LIMIT}/60 s), ${limited.length} × 429; token budget 429 after ${tokenRuns.length - 1} turns; Redis down → ${JSON.stringify(rd?.statuses ?? {})}`,
    pass: checks.pass,
    details: { ...details, failed: checks.failed },
    durationMs: Date.now() - t0,
  };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s.slice(0, 200);
  }
}
