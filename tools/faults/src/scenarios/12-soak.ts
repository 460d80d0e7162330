import { LoadDriver } from '../lib/load.js';
import { fdCounts, rssBytes } from '../lib/procfs.js';
import { risesThroughout, round, sleep, slope, theilSen } from '../lib/stats.js';
import { Checks, type ScenarioResult } from '../lib/types.js';
import { MESSAGES, REPLICAS, type World } from '../lib/world.js';
import type { RunOptions } from './options.js';

/**
 * RSS growth trend allowed per process, after warm-up: a process fails when its RSS rises throughout the window (the
 * median of each quarter above the one before, {@link risesThroughout}) at more than this Theil–Sen slope. A leak
 * (memory kept per unit of work) rises all the time; V8 resizing a heap space is a one-off step of 20–35 MB up or
 * down (seen: -4.2 to +2.9 MB/min least-squares slopes from single steps in one run), which a least-squares slope
 * calls a trend. Both slopes are reported.
 */
const MAX_SLOPE_MB_PER_MIN = 1;
/** What a process may gain over the measured window in any shape (steps included). */
const MAX_PROCESS_GROWTH_MB = 64;
/** File descriptors / sockets a process may gain between the start and the end of the measured window. */
const MAX_FD_GROWTH = 5;

interface Sample {
  readonly t: number;
  readonly rss: number;
  readonly fds: number;
  readonly sockets: number;
}

/**
 * 12. Soak: a steady moderate rate across the stack for `--soak-seconds` (default 600), every service with its image's
 * V8 flags. Per process, after a warm-up of the first 20 %: RSS slope (least squares, MB/min), whether it rises
 * throughout, growth; file-descriptor and socket growth from /proc/<pid>/fd; at the end every replica's in-flight
 * gauge is back to 0.
 */
export async function soak(w: World, o: RunOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const checks = new Checks();
  await w.restoreAll();
  await w.waitHealthy(60_000, 4);
  const durationMs = o.soakSeconds * 1000;
  const warmupMs = durationMs * 0.2;
  const everyMs = durationMs >= 300_000 ? 5_000 : 2_000;
  const rps = 5;
  const procs = Object.keys(REPLICAS).flatMap((name) => w.procs(name).map((p) => ({ name, label: p.label, pid: p.child.pid as number })));
  const series = new Map<number, Sample[]>();
  const driver = new LoadDriver({
    baseUrl: w.gatewayUrl,
    rps,
    connections: 16,
    timeoutMs: 20_000,
    make: (i) =>
      i % 10 === 9
        ? { method: 'GET', path: '/api/v1/pool/stats', headers: { 'x-api-key': w.creds.adminKey } }
        : { method: 'POST', path: '/v1/chat', headers: w.userHeaders(`soak-${w.runId}-${i % 900}`), body: JSON.stringify({ message: `${MESSAGES[i % MESSAGES.length] as string} (soak ${i})` }) },
  }).start();
  const start = Date.now();
  while (Date.now() - start < durationMs) {
    const t = Date.now() - start;
    for (const p of procs) {
      const [rss, fd] = await Promise.all([rssBytes(p.pid), fdCounts(p.pid)]);
      if (rss !== undefined && fd) series.set(p.pid, [...(series.get(p.pid) ?? []), { t, rss, fds: fd.fds, sockets: fd.sockets }]);
    }
    await sleep(Math.max(0, everyMs - (Date.now() - start - t)));
  }
  const load = await driver.stop();
  await sleep(2_000);

  const perProcess: Record<string, Record<string, unknown>> = {};
  const bad: string[] = [];
  const slopesOf = new Map<string, number[]>();
  for (const p of procs) {
    const all = series.get(p.pid) ?? [];
    const s = all.filter((x) => x.t >= warmupMs);
    if (s.length < 3) {
      bad.push(`${p.label}: too few samples`);
      continue;
    }
    const mbPerMin = round(slope(s.map((x) => ({ x: x.t / 60_000, y: x.rss / 2 ** 20 }))), 2);
    const head = s.slice(0, 3);
    const tail = s.slice(-3);
    const med = (xs: Sample[], k: 'fds' | 'sockets') => [...xs.map((x) => x[k])].sort((a, b) => a - b)[1] ?? 0;
    const fdGrowth = med(tail, 'fds') - med(head, 'fds');
    const sockGrowth = med(tail, 'sockets') - med(head, 'sockets');
    const medRss = (xs: Sample[]) => [...xs.map((x) => x.rss)].sort((a, b) => a - b)[1] ?? 0;
    const growthMB = round((medRss(tail) - medRss(head)) / 2 ** 20, 1);
    const rising = risesThroughout(s.map((x) => x.rss));
    const robustMbPerMin = round(theilSen(s.map((x) => ({ x: x.t / 60_000, y: x.rss / 2 ** 20 }))), 2);
    slopesOf.set(p.name, [...(slopesOf.get(p.name) ?? []), mbPerMin]);
    perProcess[`${p.label}:${p.pid}`] = {
      rssStartMB: round((head[0]?.rss ?? 0) / 2 ** 20, 1),
      rssEndMB: round((tail[tail.length - 1]?.rss ?? 0) / 2 ** 20, 1),
      slopeMBPerMin: mbPerMin,
      theilSenMBPerMin: robustMbPerMin,
      risesThroughout: rising,
      growthMB,
      // RSS every ~30 s over the whole run (warm-up included), for a look at the shape.
      rssMB: all.filter((_, i) => i % Math.max(1, Math.round(30_000 / everyMs)) === 0).map((x) => round(x.rss / 2 ** 20, 0)),
      fds: `${med(head, 'fds')}→${med(tail, 'fds')}`,
      sockets: `${med(head, 'sockets')}→${med(tail, 'sockets')}`,
    };
    if (rising && robustMbPerMin > MAX_SLOPE_MB_PER_MIN) bad.push(`${p.label} RSS rises throughout at +${robustMbPerMin} MB/min`);
    if (growthMB > MAX_PROCESS_GROWTH_MB) bad.push(`${p.label} RSS +${growthMB} MB over the window`);
    if (fdGrowth > MAX_FD_GROWTH) bad.push(`${p.label} fds +${fdGrowth}`);
    if (sockGrowth > MAX_FD_GROWTH) bad.push(`${p.label} sockets +${sockGrowth}`);
  }

  // Per service: its replicas' largest slope (the kernel spreads connections, not requests, so one replica may do most of the work).
  const perService: Record<string, number> = {};
  for (const [name, slopes] of slopesOf) perService[name] = Math.max(...slopes);

  // In-flight gauges back to 0 on every replica (the scrape's own request excluded).
  const inFlight: Record<string, number | string> = {};
  for (const p of procs) {
    try {
      const conn = await w.pin(p.name, p.pid);
      const body = (await conn.get('/metrics')).body.toString('utf8');
      conn.close();
      let sum = 0;
      for (const m of body.matchAll(/^http_server_requests_in_flight(\{[^}]*\})?\s+(\S+)/gm)) if (!(m[1] ?? '').includes('/metrics')) sum += Number(m[2]);
      inFlight[p.label] = sum;
      // Where the memory is at the end: V8's young generation (capped by SERVICE_NODE_FLAGS) and the live old space.
      const space = (metric: string, name: string) => {
        const m = new RegExp(`^${metric}\\{space="${name}"[^}]*\\}\\s+(\\S+)`, 'm').exec(body);
        return m ? round(Number(m[1]) / 2 ** 20, 1) : undefined;
      };
      const entry = perProcess[`${p.label}:${p.pid}`];
      if (entry) Object.assign(entry, { v8NewSpaceMB: space('nodejs_heap_space_size_total_bytes', 'new'), v8OldUsedMB: space('nodejs_heap_space_size_used_bytes', 'old') });
    } catch (err) {
      inFlight[p.label] = String((err as Error).message);
    }
  }
  // The scrape itself may be counted when its route label is not known yet: allow it.
  const stuck = Object.entries(inFlight).filter(([, v]) => typeof v !== 'number' || v > 1);
  checks.add(
    `per process: no RSS rise throughout the window above ${MAX_SLOPE_MB_PER_MIN} MB/min, ≤ ${MAX_PROCESS_GROWTH_MB} MB growth, fd/socket growth ≤ ${MAX_FD_GROWTH}`,
    bad.length === 0,
    bad,
  );
  checks.add('in-flight gauges back to 0', stuck.length === 0, inFlight);
  checks.add('load answered (no 5xx, no resets)', load.resets === 0 && !Object.keys(load.byStatus).some((s) => s.startsWith('5')), { byStatus: load.byStatus, errors: load.errors });

  const slopes = Object.values(perService);
  const growths = Object.values(perProcess).map((x) => (x as { growthMB: number }).growthMB);
  const rises = Object.values(perProcess).filter((x) => x['risesThroughout'] === true).length;
  return {
    scenario: '12 soak',
    figure: `${o.soakSeconds} s at ${rps} rps (${load.sent} requests, p99 ${load.p99Ms} ms): RSS slopes ${Math.min(...slopes)}…${Math.max(...slopes)} MB/min (largest per service; ${procs.length} processes, ${rises} rising throughout, largest growth ${Math.max(...growths)} MB); ${bad.length} over limit; in-flight ${stuck.length ? 'NOT 0' : '0'}`,
    pass: checks.pass,
    details: { durationMs, warmupMs, everyMs, perService, perProcess, inFlight, load: { sent: load.sent, byStatus: load.byStatus, errors: load.errors, p50Ms: load.p50Ms, p99Ms: load.p99Ms }, failed: checks.failed },
    durationMs: Date.now() - t0,
  };
}
