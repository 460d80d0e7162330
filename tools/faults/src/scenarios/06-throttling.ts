import { ErrorEnvelope } from '@supportmesh/contracts';
import { clearFaults, replicaPoolStats, respondBody, setFaults } from '../lib/llm.js';
import type { LlmCall } from '../lib/llm-recorder.js';
import { send } from '../lib/load.js';
import { sleep } from '../lib/stats.js';
import { Checks, type ScenarioResult } from '../lib/types.js';
import type { World } from '../lib/world.js';
import type { RunOptions } from './options.js';

const RETRY_AFTER_MS = 400;
/** POOL_MAX_RETRIES (3) rounds after the first, over 2 deployments (large, then small as cross-tier failover). */
const MAX_ATTEMPTS = (1 + 3) * 2;
/** Timer granularity tolerance when comparing waits with retry-after-ms. */
const SLACK_MS = 15;

/** Per (process, deployment): the gaps between consecutive upstream attempts. */
function gaps(calls: readonly LlmCall[]): { key: string; gaps: number[] }[] {
  const by = new Map<string, LlmCall[]>();
  for (const c of calls) {
    const key = `${c.pid ?? '?'}/${c.model ?? '?'}`;
    by.set(key, [...(by.get(key) ?? []), c]);
  }
  return [...by.entries()].map(([key, cs]) => ({ key, gaps: cs.slice(1).map((c, i) => c.at - (cs[i] as LlmCall).endAt) }));
}

/**
 * 6. Throttling: the emulator answers 429 with `retry-after-ms`. The response-generator's LLM client retries no
 * sooner than that, a bounded number of times, and 429s never open a breaker; a short burst ends in an answer, and
 * only a throttle outlasting the retry budget ends in 503 + Retry-After.
 */
export async function throttling(w: World, _o: RunOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const checks = new Checks();
  const rg = w.url('response-generator');
  const call = (nonce: string) =>
    send(w.agent, rg, { method: 'POST', path: '/v1/respond', headers: { 'content-type': 'application/json' }, body: respondBody(`${w.runId}-${nonce}`) }, 0, 60_000);

  // A: a burst shorter than the retry budget → answered after waiting.
  await setFaults(w, { failAll: true, status: 429, retryAfterMs: RETRY_AFTER_MS, durationMs: 900 });
  const tA = Date.now();
  const a = await call('burst');
  const callsA = w.llm.since(tA).filter((c) => c.at <= tA + a.ms + 50);
  await clearFaults(w);
  const gapsA = gaps(callsA);
  const minGapA = Math.min(...gapsA.flatMap((g) => g.gaps.filter((_, i) => callsA.filter((c) => `${c.pid ?? '?'}/${c.model ?? '?'}` === g.key)[i]?.status === 429)), Infinity);
  checks.add('short burst: answered 200 after retrying', a.status === 200, { status: a.status, ms: Math.round(a.ms) });
  checks.add('short burst: retries waited ≥ retry-after-ms', callsA.filter((c) => c.status === 429).length > 0 && (minGapA === Infinity || minGapA >= RETRY_AFTER_MS - SLACK_MS), { minGapMs: minGapA, calls: callsA.map((c) => `${c.model}:${c.status}@${c.at - tA}`) });

  // B: a throttle that outlasts the budget → 503 + Retry-After, attempts bounded, waits honoured.
  await setFaults(w, { failAll: true, status: 429, retryAfterMs: RETRY_AFTER_MS, durationMs: 30_000 });
  const tB = Date.now();
  const b = await call('storm');
  const callsB = w.llm.since(tB).filter((c) => c.at <= tB + b.ms + 50);
  const gapsB = gaps(callsB);
  const minGapB = Math.min(...gapsB.flatMap((g) => g.gaps), Infinity);
  const env = ErrorEnvelope.safeParse(b.json);
  const retryAfter = b.headers?.['retry-after'];
  checks.add('storm: 503 LLM_UNAVAILABLE + Retry-After once the budget is spent', b.status === 503 && env.success && env.data.error.code === 'LLM_UNAVAILABLE' && Number(retryAfter) > 0, {
    status: b.status,
    code: env.success ? env.data.error.code : undefined,
    retryAfter,
  });
  checks.add('storm: total attempts bounded', callsB.length > 1 && callsB.length <= MAX_ATTEMPTS, { attempts: callsB.length, max: MAX_ATTEMPTS });
  checks.add('storm: every retry waited ≥ retry-after-ms', minGapB >= RETRY_AFTER_MS - SLACK_MS, { minGapMs: minGapB, gaps: gapsB });

  // A few more calls while throttled: still no breaker opens.
  for (let i = 0; i < 3; i++) await call(`storm-${i}`);
  const breakers: Record<string, string> = {};
  for (const pid of w.pids('response-generator')) {
    const conn = await w.pin('response-generator', pid);
    const stats = await replicaPoolStats(conn);
    conn.close();
    for (const [name, s] of Object.entries(stats?.deployments ?? {})) breakers[`${pid}/${name}`] = s.circuit_breaker_state;
  }
  const gw = await send(w.agent, w.gatewayUrl, { method: 'GET', path: '/api/v1/pool/stats', headers: { 'x-api-key': w.creds.adminKey } });
  const gwState = (gw.json as { circuit_breaker_state?: string } | undefined)?.circuit_breaker_state;
  checks.add('429s never open a breaker (every replica, every deployment CLOSED)', Object.keys(breakers).length > 0 && Object.values(breakers).every((s) => s === 'CLOSED') && gwState === 'CLOSED', { breakers, gateway: gwState });
  await clearFaults(w);
  await sleep(200);

  return {
    scenario: '6 throttling',
    figure: `burst → 200 in ${Math.round(a.ms)} ms (min wait ${minGapA === Infinity ? '—' : minGapA} ms ≥ ${RETRY_AFTER_MS}); storm → ${b.status} + Retry-After ${retryAfter ?? '—'} after ${callsB.length} attempts in ${Math.round(b.ms)} ms (min wait ${minGapB === Infinity ? '—' : minGapB} ms); breakers CLOSED`,
    pass: checks.pass,
    details: { burst: { status: a.status, ms: Math.round(a.ms), calls: callsA.length }, storm: { status: b.status, ms: Math.round(b.ms), attempts: callsB.length, gaps: gapsB }, breakers, gateway: gwState, failed: checks.failed },
    durationMs: Date.now() - t0,
  };
}
