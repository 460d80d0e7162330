import { isFailed, type BenchResults, type LoadResultJson } from './results.js';
import { CONTAINER_COMMAND, INFRA_LABELS } from './suites/footprint.js';

const n = (v: number | undefined | null, d = 1) => (v === undefined || v === null || !Number.isFinite(v) ? '–' : v.toFixed(d));
const signed = (v: number | undefined, d = 2) => (v === undefined ? '–' : `${v >= 0 ? '+' : ''}${v.toFixed(d)}`);
const errs = (r: LoadResultJson) =>
  r.errorCount === 0
    ? '0'
    : `${r.errorCount} (${Object.entries(r.errors)
        .sort(([, a], [, b]) => b - a)
        .slice(0, 2)
        .map(([k, v]) => `${k}×${v}`)
        .join(', ')})`;

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map((h) => (/^(service|load|target|rate|path|case|goal|measured|met|step)/.test(h) ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function failedLine(v: unknown): string[] {
  return isFailed(v) ? [`_Did not run: ${v.error}_`, ''] : [];
}

/** The run as Markdown: machine, one table per suite, the goals, the notes (pasted into the README). */
export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`## Benchmarks — \`npm run bench\`${r.mode === 'quick' ? ' (quick run: short durations, figures are indicative)' : ''}`, '');
  out.push(
    `Run ${r.startedAt.replace(/\.\d+Z$/, 'Z')} on ${m.cpuModel}, ${m.cores} cores, ${(m.memoryMiB / 1024).toFixed(1)} GiB, Node ${m.nodeVersion}, ${m.platform}, ` +
      `commit \`${m.gitCommit.slice(0, 12)}\`${m.gitDirty ? ' (uncommitted changes)' : ''}, load average ${m.loadAverageAtStart[0] ?? '?'} at the start${m.loadAverageAtEnd ? ` and ${m.loadAverageAtEnd[0]} at the end` : ''}. Load generator, proxies, upstreams, Redis and every service share these ${m.cores} cores (nothing pinned).`,
    '',
  );

  const hop = r.suites.hop;
  out.push('### Gateway hop: OpenAI chat completion in front of a zero-latency upstream', '');
  out.push(...failedLine(hop));
  if (hop && !isFailed(hop)) {
    const rows = hop.runs.map((x) =>
      x.result
        ? [
            x.load,
            x.target,
            n(x.result.throughputRps, 0),
            n(x.result.latency.p50Ms, 2),
            n(x.result.latency.p99Ms, 2),
            x.target === 'direct' ? '–' : signed(x.addedP50Ms),
            x.target === 'direct' ? '–' : signed(x.addedP99Ms),
            errs(x.result),
            n(x.proxyCpuMsPerRequest, 3),
          ]
        : [x.load, x.target, '–', '–', '–', '–', '–', x.error ?? 'no result', '–'],
    );
    out.push(...table(['load', 'target', 'throughput rps', 'p50 ms', 'p99 ms', 'added p50 ms', 'added p99 ms', 'errors', 'CPU ms/req (proxy)'], rows), '');
    out.push(`Targets: ${Object.entries(hop.targets).map(([k, v]) => `**${k}** ${v}`).join('; ')}. CPU ms/req: the proxy process (for direct, the upstream itself).`, '');
    const direct = Math.max(0, ...hop.runs.filter((x) => x.target === 'direct' && x.load.startsWith('closed-')).map((x) => x.result?.throughputRps ?? 0));
    const proxies = Math.max(0, ...hop.runs.filter((x) => x.target !== 'direct' && x.load.startsWith('closed-')).map((x) => x.result?.throughputRps ?? 0));
    if (direct > 0 && proxies > 0) {
      out.push(`Load generator headroom: it drove the bare upstream at ${n(direct, 0)} rps, ${n(direct / proxies, 1)}× the fastest proxy, so it was not the bottleneck of the proxy rows.`, '');
    }
    out.push(`Published anchors (not measured here): ${hop.anchors.map((a) => `${a.name} ${a.metric} ${a.valueMs} ms`).join('; ')}.`, '');
  }

  const pipe = r.suites.pipeline;
  out.push('### Full pipeline overhead (LLM emulator at 0 ms)', '');
  out.push(...failedLine(pipe));
  if (pipe && !isFailed(pipe)) {
    out.push(`Max rate with p99 < ${pipe.slo.p99Ms} ms and no errors: **${pipe.maxRatePassing === null ? 'none of the steps' : `${pipe.maxRatePassing} turns/s`}**.`, '');
    out.push(
      ...table(
        ['rate', 'served rps', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'pass'],
        pipe.steps.map((s) => [String(s.rate), n(s.result.throughputRps, 0), n(s.result.latency.p50Ms), n(s.result.latency.p95Ms), n(s.result.latency.p99Ms), errs(s.result), s.pass ? 'yes' : 'no']),
      ),
      '',
    );
  }

  const cap = r.suites.capacity;
  out.push('### Capacity (LLM emulator lognormal p50 450 ms, p95 1.8 s)', '');
  out.push(...failedLine(cap));
  if (cap && !isFailed(cap)) {
    const cc = cap.concurrentConversations;
    out.push(
      `Max sustained rate with p95 < ${cap.slo.p95Ms / 1000} s and 0 errors: **${cap.maxRatePassing === null ? 'none of the steps' : `${cap.maxRatePassing} turns/s`}**` +
        (cc ? `; conversations held at once: **${cc.max}** max, ${n(cc.mean, 0)} mean.` : '.'),
      '',
    );
    out.push(
      ...table(
        ['rate', 'served rps', 'p50 ms', 'p95 ms', 'p99 ms', 'in flight max', 'errors', 'pass'],
        cap.steps.map((s) => [String(s.rate), n(s.result.throughputRps, 0), n(s.result.latency.p50Ms, 0), n(s.result.latency.p95Ms, 0), n(s.result.latency.p99Ms, 0), String(s.result.maxInFlight), errs(s.result), s.pass ? 'yes' : 'no']),
      ),
      '',
    );
  }

  const cache = r.suites.cache;
  out.push('### Cache', '');
  out.push(...failedLine(cache));
  if (cache && !isFailed(cache)) {
    const rows: string[][] = [];
    if (cache.facade) {
      const f = cache.facade;
      rows.push(['facade', 'first ask (miss → upstream)', String(f.miss.count), '–', n(f.miss.p50Ms, 2), n(f.miss.p99Ms, 2)]);
      rows.push(['facade', 'exact repeat', String(f.exact.requests), String(f.exact.hits), n(f.exact.hitLatency.p50Ms, 2), n(f.exact.hitLatency.p99Ms, 2)]);
      rows.push(['facade', 'paraphrase', String(f.paraphrase.requests), String(f.paraphrase.hits), n(f.paraphrase.hitLatency.p50Ms, 2), n(f.paraphrase.hitLatency.p99Ms, 2)]);
    }
    if (cache.pipeline) {
      const p = cache.pipeline;
      const hits = p.responseGeneratorCacheHits === null ? '?' : String(p.responseGeneratorCacheHits);
      rows.push(['pipeline', 'first ask', String(p.first.count), '–', n(p.first.p50Ms, 1), n(p.first.p99Ms, 1)]);
      rows.push(['pipeline', 'repeated', String(p.repeated.count), `${hits} (both cases)`, n(p.repeated.p50Ms, 1), n(p.repeated.p99Ms, 1)]);
      rows.push(['pipeline', 'paraphrased', String(p.paraphrased.count), '↑', n(p.paraphrased.p50Ms, 1), n(p.paraphrased.p99Ms, 1)]);
    }
    out.push(...table(['path', 'case', 'requests', 'hits', 'p50 ms', 'p99 ms'], rows), '');
    out.push('Facade: latency of the answers that were hits (`x-supportmesh-cache`). Pipeline: latency of every answer in the case; hits counted by the response-generator.', '');
    for (const e of cache.errors) out.push(`- ${e}`);
    if (cache.errors.length > 0) out.push('');
  }

  const fp = r.suites.footprint;
  out.push('### Footprint', '');
  out.push(...failedLine(fp));
  if (fp && !isFailed(fp)) {
    const soak = fp.soak && !isFailed(fp.soak) ? fp.soak : undefined;
    const labels = [...new Set([...Object.keys(fp.services), ...Object.keys(soak?.services ?? {})])].sort((a, b) => Number(INFRA_LABELS.has(a)) - Number(INFRA_LABELS.has(b)) || a.localeCompare(b));
    const med = (v: number | null | undefined) => n(v, 0);
    const runs = (xs: readonly number[] | undefined) => (xs && xs.length > 0 ? xs.map((v) => v.toFixed(0)).join(', ') : '–');
    out.push(
      ...table(
        ['service', 'cold start ms: bundle (runs)', 'cold start ms: dev/tsx (runs)', 'idle RSS MiB: bundle', 'idle RSS MiB: bundle with source maps', 'idle RSS MiB: dev stack', 'soak RSS MiB start → end', 'soak slope MiB/min', 'growth trend'],
        labels.map((l) => {
          const s = fp.services[l];
          const g = soak?.services[l];
          return [
            INFRA_LABELS.has(l) ? `${l} (stand-in)` : l,
            s?.bundle ? (s.bundle.error && s.bundle.coldStartMs.length === 0 ? 'failed¹' : `${med(s.bundle.coldStartMedianMs)} (${runs(s.bundle.coldStartMs)})`) : '–',
            s && s.dev.coldStartMs.length > 0 ? `${med(s.dev.coldStartMedianMs)} (${runs(s.dev.coldStartMs)})` : '–',
            n(s?.bundle?.idleRssMiB, 1),
            n(s?.bundleWithSourceMaps?.idleRssMiB, 1),
            n(s?.dev.idleRssMiB, 1),
            g ? `${g.startMiB.toFixed(1)} → ${g.endMiB.toFixed(1)}` : '–',
            g ? signed(g.slopeMiBPerMin, 2) : '–',
            g ? (g.growthTrend ? 'yes' : 'no') : '–',
          ];
        }),
      ),
      '',
    );
    out.push(
      `bundle = the container command (\`${CONTAINER_COMMAND}\`, esbuild bundle, NODE_ENV=production, no source maps); with source maps = the same bundle ` +
        'started once with `--enable-source-maps` in NODE_OPTIONS (what turning them on for debugging costs); dev = TypeScript through tsx as `npm start` runs it.',
      '',
    );
    const failures = labels.flatMap((l) => {
      const s = fp.services[l];
      return [s?.bundle?.error ? `${l} (bundle): ${s.bundle.error}` : '', s?.dev.error ? `${l} (dev): ${s.dev.error}` : ''].filter(Boolean);
    });
    if (failures.length > 0) out.push(`¹ Start failures: ${failures.map((f) => f.replace(/\|/g, '\\|')).join('; ')}`, '');
    if (soak) out.push(`Soak: ${soak.seconds} s at ${soak.rateRps} turns/s (emulator ${soak.emulatorLatency})${soak.load ? `, p95 ${n(soak.load.latency.p95Ms, 0)} ms, ${soak.load.errorCount} errors` : ''}.`, '');
    else if (fp.soak && isFailed(fp.soak)) out.push(`Soak did not run: ${fp.soak.error}`, '');
  }

  if (r.costModel && Object.keys(r.costModel.services).length > 0) {
    const cm = r.costModel;
    out.push(`### Cost model (per service; measured over ${cm.turns} turns at ${cm.rateRps} turns/s; read by \`npm run simulate -- --cost-model bench/results/latest.json\`)`, '');
    out.push(
      ...table(
        ['service', 'CPU ms/request', 'requests/turn', 'CPU ms/turn', 'p50 ms', 'p95 ms', 'idle RSS MiB', 'start s'],
        Object.entries(cm.services)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, s]) => [name, n(s.cpuMsPerRequest, 3), n(s.requestsPerTurn, 2), n(s.cpuMsPerTurn, 3), n(s.p50Ms, 1), n(s.p95Ms, 1), n(s.rssMiB, 1), n(s.podStartupSeconds, 2)]),
      ),
      '',
    );
  }

  out.push('### Goals (from issue 5)', '');
  out.push(...table(['goal', 'measured', 'met'], r.goals.map((g) => [g.goal, g.measured, g.met === null ? 'not measured' : g.met ? 'yes' : '**no**'])), '');
  if (r.notes.length > 0) {
    out.push('Notes:', '');
    for (const note of r.notes) out.push(`- ${note}`);
    out.push('');
  }
  return out.join('\n');
}
