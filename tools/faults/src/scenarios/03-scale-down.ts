import { LoadDriver, isReset, summarize, type LoadSample } from '../lib/load.js';
import { PinnedClosedError } from '../lib/pinned.js';
import { isListening } from '../lib/procfs.js';
import { sleep } from '../lib/stats.js';
import { Checks, type ScenarioResult } from '../lib/types.js';
import { AGENTS, MESSAGES, type World } from '../lib/world.js';
import type { RunOptions } from './options.js';

interface Victim {
  readonly name: string;
  readonly pid: number;
  readonly exitMs: number;
  readonly exitCode: number | null;
  readonly deadlineMs: number;
  /** ms after SIGTERM: first 503 on the replica's own /ready; its listener gone. */
  readonly first503Ms: number | undefined;
  readonly listenerClosedMs: number | undefined;
  readonly readyBeforeClose: boolean;
  readonly load: { sent: number; non2xx: number; resets: number; degraded: number; statuses: Record<string, number>; errors: Record<string, number> };
}

/** SHUTDOWN_TIMEOUT_MS defaults (gateway 15 s, agents 10 s) + the forced-exit margin of service-kit (5 s). */
const SHUTDOWN_TIMEOUT: Readonly<Record<string, number>> = { gateway: 15_000 };

/**
 * 3. Zero dropped requests on scale-down: constant load over keep-alive connections against 3 gateway replicas and 2
 * replicas of each agent; one replica of each is SIGTERMed in turn. For each victim: the load sees no non-2xx and
 * no socket reset (nor a degraded hop — a dropped agent call shows up as one), the process exits within its drain
 * deadline, and its own /ready (polled on a connection pinned to it) answers 503 before its listening socket closes.
 */
export async function scaleDown(w: World, o: RunOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const checks = new Checks();
  const victims: Victim[] = [];
  const rps = o.quick ? 12 : 15;
  const driver = new LoadDriver({
    baseUrl: w.gatewayUrl,
    rps,
    connections: 24,
    timeoutMs: 20_000,
    make: (i) => ({
      method: 'POST',
      path: '/v1/chat',
      headers: w.userHeaders(`sd-${w.runId}-${i % 400}`),
      body: JSON.stringify({ message: `${MESSAGES[i % MESSAGES.length] as string} (#${i})` }),
    }),
  }).start();
  await sleep(3_000);
  const baseline = summarize(driver.samples);

  for (const name of ['gateway', ...AGENTS]) {
    const procs = w.procs(name);
    const victim = procs[procs.length - 1];
    if (!victim || procs.length < 2) throw new Error(`scenario 3 needs ≥ 2 replicas of ${name}`);
    const pid = victim.child.pid as number;
    const port = w.port(name);
    const conn = await w.pin(name, pid);
    const from = driver.samples.length;
    let first503: number | undefined;
    let listenerClosed: number | undefined;
    let polling = true;
    const sig = Date.now();
    const readyPoll = (async () => {
      while (polling && first503 === undefined) {
        try {
          const r = await conn.get('/ready', {}, 2000);
          if (r.status === 503) first503 = Date.now() - sig;
        } catch (err) {
          if (err instanceof PinnedClosedError) return;
        }
        await sleep(10);
      }
    })();
    const listenPoll = (async () => {
      while (polling && listenerClosed === undefined) {
        if (!(await isListening(pid, port))) listenerClosed = Date.now() - sig;
        else await sleep(5);
      }
    })();
    const [killed] = await w.stack.kill(name, { signal: 'SIGTERM', replica: victim.replica, timeoutMs: 60_000 });
    const exitMs = Date.now() - sig;
    const exit = await killed?.exited;
    polling = false;
    await Promise.all([readyPoll, listenPoll]);
    conn.close();
    await sleep(2_000);
    const window = driver.samples.slice(from);
    const rep = summarize(window);
    victims.push({
      name,
      pid,
      exitMs,
      exitCode: exit?.code ?? null,
      deadlineMs: w.drainDelayMs + (SHUTDOWN_TIMEOUT[name] ?? 10_000),
      first503Ms: first503,
      listenerClosedMs: listenerClosed,
      readyBeforeClose: first503 !== undefined && listenerClosed !== undefined && first503 < listenerClosed,
      load: { sent: window.length, non2xx: rep.non2xx, resets: rep.resets, degraded: countDegraded(window), statuses: rep.byStatus, errors: rep.errors },
    });
  }
  const all = await driver.stop();
  // Back to full strength for the scenarios after this one.
  const restoreStart = Date.now();
  await w.restoreAll();
  const restoreMs = Date.now() - restoreStart;
  const resets = all.samples.filter((s) => isReset(s.error)).length;
  for (const v of victims) {
    checks.add(`${v.name}: exited 0 within its drain deadline`, v.exitCode === 0 && v.exitMs <= v.deadlineMs, { exitMs: v.exitMs, deadlineMs: v.deadlineMs, code: v.exitCode });
    checks.add(`${v.name}: readiness 503 before the listener closed`, v.readyBeforeClose, { first503Ms: v.first503Ms, listenerClosedMs: v.listenerClosedMs });
    checks.add(`${v.name}: no non-2xx, no reset, no dropped hop during its scale-down`, v.load.non2xx === 0 && v.load.resets === 0 && v.load.degraded === 0, v.load);
  }
  checks.add('whole run: 0 non-2xx, 0 socket resets', all.non2xx === 0 && resets === 0, { byStatus: all.byStatus, errors: all.errors });

  return {
    scenario: '3 zero dropped requests on scale-down',
    figure: `${all.sent} requests at ${rps} rps, ${all.non2xx} non-2xx, ${resets} resets, ${countDegraded(all.samples)} degraded; ${victims.filter((v) => v.readyBeforeClose).length}/${victims.length} ready-503 before close; max exit ${Math.max(...victims.map((v) => v.exitMs))} ms`,
    pass: checks.pass,
    details: { rps, restoreMs, baseline: { p50Ms: baseline.p50Ms, p99Ms: baseline.p99Ms }, victims, total: { sent: all.sent, byStatus: all.byStatus, errors: all.errors, p50Ms: all.p50Ms, p99Ms: all.p99Ms }, failed: checks.failed },
    durationMs: Date.now() - t0,
  };
}

function countDegraded(samples: readonly LoadSample[]): number {
  return samples.filter((s) => ((s.json as { degraded?: string[] } | undefined)?.degraded?.length ?? 0) > 0).length;
}
