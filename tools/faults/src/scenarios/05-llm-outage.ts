import { clearFaults, replicaPoolStats, respondBody, setFaults } from '../lib/llm.js';
import type { LlmCall } from '../lib/llm-recorder.js';
import { LoadDriver, send, summarize, type LoadSample } from '../lib/load.js';
import type { PinnedConnection } from '../lib/pinned.js';
import { percentile, round, sleep, until } from '../lib/stats.js';
import { Checks, type ScenarioResult } from '../lib/types.js';
import { MESSAGES, type World } from '../lib/world.js';
import type { RunOptions } from './options.js';

const THRESHOLD = 5; // POOL_CIRCUIT_BREAKER_THRESHOLD default
const RESET_MS = 5_000; // POOL_CIRCUIT_BREAKER_TIMEOUT=5 in the suite's stack
const FALLBACKS = ["I'm having trouble answering right now — I've passed your question to a colleague.", "I'm having trouble answering right now. Please try again in a few minutes."];

/**
 * 5. LLM outage: the emulator fails every call (500) for 20 s under load (through the gateway, plus direct calls to
 * each response-generator replica). Each (replica, deployment) breaker opens after 5 failures; while open, calls fail
 * fast; one half-open probe per breaker per reset period; after the outage one probe closes it; `/api/v1/pool/stats`
 * shows OPEN then CLOSED; turns degrade to the fallback message + escalation and never 5xx. Before that, an outage of
 * the large deployment alone must fail over to the small one.
 */
export async function llmOutage(w: World, o: RunOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const checks = new Checks();
  const details: Record<string, unknown> = {};
  const outageMs = o.outageSeconds * 1000;
  let seq = 0;
  const load = () =>
    new LoadDriver({
      baseUrl: w.gatewayUrl,
      rps: 4,
      connections: 8,
      timeoutMs: 20_000,
      make: (i) => ({ method: 'POST', path: '/v1/chat', headers: w.userHeaders(`lo-${w.runId}-${(seq + i) % 300}`), body: JSON.stringify({ message: `${MESSAGES[i % 3] as string} (outage #${seq + i})` }) }),
    }).start();

  // ---- failover: only the large deployment fails ----
  const tf = Date.now();
  await setFaults(w, { failAll: true, status: 500, deployments: ['gpt-4o'], durationMs: 8_000 });
  const f = load();
  await sleep(8_000);
  const fr = await f.stop();
  seq += 100;
  await clearFaults(w);
  const failoverCalls = w.llm.since(tf);
  const smallOk = failoverCalls.filter((c) => c.model === 'gpt-4o-mini' && c.status === 200).length;
  const answered = fr.samples.filter((s) => s.status === 200 && !isFallback(s)).length;
  details['failover'] = { turns: fr.samples.length, answered, statuses: fr.byStatus, smallOk, largeFailed: failoverCalls.filter((c) => c.model === 'gpt-4o' && c.status === 500).length };
  checks.add('large deployment down → traffic fails over to the small one (turns answered)', smallOk > 0 && answered >= fr.samples.length * 0.9 && fr.non2xx === 0, details['failover']);
  details['failoverRecoveryMs'] = await w.waitHealthy(45_000);

  // ---- total outage ----
  const rgConns: PinnedConnection[] = [];
  for (const pid of w.pids('response-generator')) rgConns.push(await w.pin('response-generator', pid));
  // Start from CLOSED everywhere: a breaker still open from the failover phase closes only after a probe, and a
  // fallback-only deployment gets no traffic, so the calls go to each replica directly until every one is CLOSED.
  let k = 0;
  const allClosedBefore = await until(async () => {
    const states: string[] = [];
    for (const conn of rgConns) {
      await conn.request({ method: 'POST', path: '/v1/respond', headers: { 'content-type': 'application/json' }, body: respondBody(`${w.runId}-pre-${k++}`) }, 20_000).catch(() => undefined);
      for (const d of Object.values((await replicaPoolStats(conn))?.deployments ?? {})) states.push(d.circuit_breaker_state);
    }
    return states.length > 0 && states.every((x) => x === 'CLOSED') ? true : undefined;
  }, 2 * RESET_MS + 5_000, 500);
  details['allClosedBeforeOutage'] = allClosedBefore === true;
  const poolTimeline: { t: number; state: string }[] = [];
  const replicaTimeline: { t: number; pid: number; name: string; state: string }[] = [];
  const direct: { t: number; at: number; pid: number; status: number; ms: number }[] = [];
  /** Control: the same call answered from the response cache, interleaved, under the same load at the same time. */
  const control: number[] = [];
  const cachedBody = respondBody(`${w.runId}-control`);
  for (const conn of rgConns) await conn.request({ method: 'POST', path: '/v1/respond', headers: { 'content-type': 'application/json' }, body: cachedBody }, 20_000);
  let polling = true;
  const start = Date.now();
  const outageEnd = Date.now() + outageMs;
  await setFaults(w, { failAll: true, status: 500, durationMs: outageMs });
    const gl = load();
  const pollers = [
    (async () => {
      while (polling) {
        const s = await send(w.agent, w.gatewayUrl, { method: 'GET', path: '/api/v1/pool/stats', headers: { 'x-api-key': w.creds.adminKey } }, 0, 5000);
        const state = (s.json as { circuit_breaker_state?: string } | undefined)?.circuit_breaker_state;
        if (state) poolTimeline.push({ t: Date.now() - start, state });
        await sleep(250);
      }
    })(),
    ...rgConns.map(async (conn) => {
      for (let i = 0; polling; i++) {
        const stats = await replicaPoolStats(conn);
        for (const [name, s] of Object.entries(stats?.deployments ?? {})) replicaTimeline.push({ t: Date.now() - start, pid: conn.pid, name, state: s.circuit_breaker_state });
        // Direct calls keep every replica's breakers exercised (the gateway's own breaker may stop calling).
        const t = Date.now();
        const t1 = performance.now();
        const r = await conn.request({ method: 'POST', path: '/v1/respond', headers: { 'content-type': 'application/json' }, body: respondBody(`${w.runId}-d${conn.pid}-${i}`) }, 20_000).catch(() => undefined);
        if (r) direct.push({ t: t - start, at: t, pid: conn.pid, status: r.status, ms: performance.now() - t1 });
        const tc = performance.now();
        const cr = await conn.request({ method: 'POST', path: '/v1/respond', headers: { 'content-type': 'application/json' }, body: cachedBody }, 20_000).catch(() => undefined);
        if (cr?.status === 200 && Date.now() - start > 2_000 && Date.now() < outageEnd - 500) control.push(performance.now() - tc);
        await sleep(300);
      }
    }),
  ];
  await sleep(outageMs);
  // After the outage: wait until every replica's breakers are CLOSED again (one probe each), bounded.
  const closedAt = await until(
    () => {
      const last = new Map<string, string>();
      for (const e of replicaTimeline) last.set(`${e.pid}/${e.name}`, e.state);
      return last.size > 0 && [...last.values()].every((s) => s === 'CLOSED') && replicaTimeline.some((e) => e.t > outageMs) ? Date.now() - outageEnd : undefined;
    },
    RESET_MS * 3 + 5_000,
    200,
  );
  const gatewayRecoveryMs = await w.waitHealthy(60_000, 4).then((ms) => (ms === undefined ? undefined : Date.now() - outageEnd));
  await sleep(1_000);
  polling = false;
  const lr = await gl.stop();
  await Promise.all(pollers);
  for (const c of rgConns) c.close();
  await clearFaults(w);

  // Upstream calls per (replica, deployment) from the recorder.
  const calls = w.llm.since(start).filter((c) => c.path.includes('chat/completions'));
  const perBreaker = new Map<string, LlmCall[]>();
  for (const c of calls) {
    const key = `${c.pid ?? '?'}/${c.model ?? '?'}`;
    perBreaker.set(key, [...(perBreaker.get(key) ?? []), c]);
  }
  const breakers: Record<string, unknown> = {};
  let openedAfterFive = true;
  let singleProbes = true;
  for (const [key, cs] of perBreaker) {
    const during = cs.filter((c) => c.at < outageEnd);
    // The opening burst: calls before the first pause of at least (almost) the reset time.
    let burst = 0;
    for (let i = 0; i < during.length; i++) {
      burst++;
      const next = during[i + 1];
      if (!next || next.at - (during[i] as LlmCall).endAt > RESET_MS - 500) break;
    }
    const burstCalls = during.slice(0, burst);
    // Calls already in flight when the 5th failure came back are fine; none may start after it.
    const fifth = [...burstCalls].sort((x, y) => x.endAt - y.endAt)[THRESHOLD - 1];
    // (50 ms: the recorder sees the answer a moment before the client does.)
    const startedAfterOpen = fifth ? burstCalls.filter((c) => c.at > fifth.endAt + 50).length : 0;
    const afterBurst = during.slice(burst);
    // Half-open probes while down: calls after the burst, each alone in its reset period.
    const probeGaps = afterBurst.slice(1).map((c, i) => c.at - (afterBurst[i] as LlmCall).endAt);
    const firstAfter = cs.find((c) => c.at >= outageEnd);
    breakers[key] = { openingFailures: burst, inFlightAtOpen: fifth ? burstCalls.filter((c) => c.at <= fifth.endAt).length - THRESHOLD : 0, startedAfterOpen, probesWhileDown: afterBurst.length, minProbeGapMs: probeGaps.length ? Math.min(...probeGaps) : null, firstCallAfterOutage: firstAfter ? { status: firstAfter.status, atMs: firstAfter.at - outageEnd } : null };
    if (during.length >= THRESHOLD && (burst < THRESHOLD || startedAfterOpen > 0)) openedAfterFive = false;
    if (probeGaps.some((g) => g < RESET_MS - 500)) singleProbes = false;
  }
  // Fail-fast calls: answered 503 while open without any upstream call from that replica during them (a call that
  // carried a half-open probe did I/O and is not one).
  const openDirect = direct.filter(
    (d) => d.t > 2_000 && d.t < outageMs - 500 && d.status === 503 && !calls.some((c) => (c.pid === d.pid || c.pid === undefined) && c.at >= d.at && c.at <= d.at + d.ms),
  );
  const probeCarrying = direct.filter((d) => d.t > 2_000 && d.t < outageMs - 500 && d.status === 503).length - openDirect.length;
  const healthBaseline = round(percentile(control, 99), 1);
  const slowest = [...openDirect]
    .sort((x, y) => y.ms - x.ms)
    .slice(0, 5)
    .map((d) => ({ t: d.t, pid: d.pid, ms: d.ms, upstreamNear: calls.filter((c) => Math.abs(c.at - d.at) < 500).map((c) => `${c.pid}/${c.model}:${c.status}@${c.at - d.at}`) }));
  const failFastP99 = round(percentile(openDirect.map((d) => d.ms), 99), 1);
  const failFastP50 = round(percentile(openDirect.map((d) => d.ms), 50), 1);
  const statesSeen = poolTimeline.map((p) => p.state);
  const openIdx = statesSeen.indexOf('OPEN');
  const closedAfterOpen = openIdx >= 0 && statesSeen.slice(openIdx).includes('CLOSED') && statesSeen[statesSeen.length - 1] === 'CLOSED';
  const outageTurns = lr.samples.filter((s) => s.startedAt >= start + 1_000 && s.startedAt < outageEnd);
  const fallbackTurns = outageTurns.filter(isFallback).length;
  const escalated = outageTurns.filter((s) => (s.json as { escalated?: boolean } | undefined)?.escalated === true).length;

  details['outage'] = {
    outageMs,
    breakers,
    poolStatsStates: compress(poolTimeline),
    replicaBreakerClosedMsAfterOutage: closedAt,
    gatewayRecoveryMs,
    failFast: { calls: openDirect.length, probeCarrying, controlCalls: control.length, controlP50Ms: round(percentile(control, 50), 1), controlP99Ms: healthBaseline, p50Ms: failFastP50, p99Ms: failFastP99, maxMs: Math.max(0, ...openDirect.map((d) => d.ms)), slowest },
    turns: { total: lr.samples.length, duringOutage: outageTurns.length, fallback: fallbackTurns, escalated, statuses: lr.byStatus, errors: lr.errors },
  };
  checks.add('every breaker CLOSED before the outage', details['allClosedBeforeOutage'] === true);
  checks.add('each (replica, deployment) breaker opened at the 5th failure (no call started after it)', perBreaker.size > 0 && openedAfterFive, breakers);
  checks.add('while open: one half-open probe per breaker per reset period', singleProbes, breakers);
  checks.add('while open: calls fail fast (p99 < 5 ms added over the cached-answer control)', openDirect.length >= 5 && control.length >= 5 && failFastP99 - healthBaseline < 5, (details['outage'] as { failFast: unknown }).failFast);
  checks.add('after the outage: every breaker CLOSED again', closedAt !== undefined, { closedAt, lastStates: lastStates(replicaTimeline) });
  checks.add('/api/v1/pool/stats showed OPEN then CLOSED', closedAfterOpen, compress(poolTimeline));
  checks.add('turns during the outage: fallback message (+ escalation), no 5xx', lr.non2xx === 0 && outageTurns.length > 0 && fallbackTurns >= outageTurns.length * 0.9, (details['outage'] as { turns: unknown }).turns);
  checks.add('the gateway answers normally again after the outage', gatewayRecoveryMs !== undefined, { gatewayRecoveryMs });

  const summary = summarize(lr.samples);
  return {
    scenario: '5 LLM outage',
    figure: `${perBreaker.size} breakers opened after ${[...new Set(Object.values(breakers).map((b) => (b as { openingFailures: number }).openingFailures))].join('/')} failures; fail-fast p50/p99 ${failFastP50}/${failFastP99} ms (cached control p99 ${healthBaseline} ms); pool stats ${compress(poolTimeline).join('→')}; ${fallbackTurns}/${outageTurns.length} fallback turns, ${summary.non2xx} non-2xx; closed ${closedAt ?? '∞'} ms after; failover ok ${smallOk > 0}`,
    pass: checks.pass,
    details: { ...details, failed: checks.failed },
    durationMs: Date.now() - t0,
  };
}

function lastStates(timeline: readonly { pid: number; name: string; state: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of timeline) out[`${e.pid}/${e.name}`] = e.state;
  return out;
}

function isFallback(s: LoadSample): boolean {
  const reply = (s.json as { reply?: string } | undefined)?.reply ?? '';
  return FALLBACKS.includes(reply);
}

function compress(timeline: readonly { state: string }[]): string[] {
  const out: string[] = [];
  for (const { state } of timeline) if (out[out.length - 1] !== state) out.push(state);
  return out;
}
