import { describe, expect, it } from 'vitest';
import { evaluateGoals } from './goals.js';
import { renderMarkdown } from './markdown.js';
import { CONTAINER_COMMAND } from './suites/footprint.js';
import { sampleResults, withGatewayFootprint } from './testing/fixtures.js';

const byId = (goals: ReturnType<typeof evaluateGoals>) => Object.fromEntries(goals.map((g) => [g.id, g]));

describe('goals and the Markdown report', () => {
  it('judges the hop goals against Portkey in the same run', () => {
    const g = byId(evaluateGoals(sampleResults()));
    expect(g['hop-throughput']).toMatchObject({ met: true, measured: '2500 vs 1000 rps (2.50×)' });
    expect(g['hop-p99-vs-portkey']).toMatchObject({ met: true, measured: 'p99 20.00 vs 45.00 ms (0.44×)' });
    expect(g['hop-p99-1000rps']?.met).toBe(false); // 6 ms > 5 ms
  });

  it('judges capacity, cache, cold start, RSS and soak, ignoring stand-ins', () => {
    const g = byId(evaluateGoals(sampleResults()));
    expect(g['pipeline-350rps']?.met).toBe(true);
    expect(g['cache-hit-p99']?.met).toBe(true);
    expect(g['cache-pipeline-seed-claim']?.met).toBeNull();
    // gateway is judged on its bundle (700 ms, not the 1700 ms dev start); critic has no bundle figure, so dev counts.
    expect(g['cold-start']).toMatchObject({ met: false, measured: 'slowest critic 1200 ms (dev); 1/2 over' });
    // cosmos (a stand-in) is 140 MiB and grows, but only services are judged.
    expect(g['idle-rss']).toMatchObject({ met: true, measured: 'largest gateway 70.0 MiB (bundle); 0/2 over' });
    expect(g['soak-rss']?.met).toBe(true);
  });

  it('fails the Portkey comparison when the gateway has more than half of Portkey\'s p99', () => {
    const r = sampleResults();
    const hop = r.suites.hop as Extract<NonNullable<typeof r.suites.hop>, { runs: unknown }>;
    const sm = hop.runs.find((x) => x.load === 'closed-32' && x.target === 'supportmesh');
    if (sm?.result) sm.result = { ...sm.result, latency: { ...sm.result.latency, p99Ms: 30 } };
    expect(byId(evaluateGoals(r))['hop-p99-vs-portkey']?.met).toBe(false);
  });

  it('fails the cold-start goal when a service\'s container bundle cannot start', () => {
    const r = withGatewayFootprint((gateway) => ({ ...gateway, bundle: { coldStartMs: [], coldStartMedianMs: null, idleRssMiB: null, error: 'exited before it was ready: ENOENT' } }));
    const g = byId(evaluateGoals(r))['cold-start'];
    expect(g?.met).toBe(false);
    expect(g?.measured).toContain('did not start: gateway (bundle)');
  });

  it('judges RSS on the container command and reports the source-map start beside it, never judging it', () => {
    // With --enable-source-maps the bundle is over the limit; the image does not run it that way, so the goal holds.
    const r = withGatewayFootprint((gateway) => ({ ...gateway, bundleWithSourceMaps: { coldStartMs: [900], coldStartMedianMs: 900, idleRssMiB: 140 } }));
    const g = byId(evaluateGoals(r));
    expect(g['idle-rss']).toMatchObject({ met: true, measured: 'largest gateway 70.0 MiB (bundle); 0/2 over; with --enable-source-maps the largest is 140.0 MiB' });
    expect(g['cold-start']?.measured).toBe('slowest critic 1200 ms (dev); 1/2 over');
    const md = renderMarkdown({ ...r, goals: evaluateGoals(r) });
    expect(md).toContain('| idle RSS MiB: bundle | idle RSS MiB: bundle with source maps | idle RSS MiB: dev stack |');
    expect(md).toMatch(/\| gateway \| 700 \(700, 650, 800\) \| 1700 \(1700, 1650, 1800\) \| 70\.0 \| 140\.0 \| 170\.0 \|/);
    expect(md).toContain(`bundle = the container command (\`${CONTAINER_COMMAND}\``);
    expect(md).not.toMatch(/w\/o source maps|node --enable-source-maps main\.mjs/);
  });

  it('does not judge RSS growth over a soak shorter than five minutes', () => {
    const r = sampleResults();
    const fp = r.suites.footprint as Extract<NonNullable<typeof r.suites.footprint>, { services: unknown }>;
    const soak = fp.soak as Extract<NonNullable<typeof fp.soak>, { seconds: number }>;
    fp.soak = { ...soak, seconds: 20, services: { ...soak.services, gateway: { startMiB: 70, endMiB: 90, maxMiB: 90, slopeMiBPerMin: 60, growthTrend: true } } };
    const g = byId(evaluateGoals(r))['soak-rss'];
    expect(g?.met).toBeNull();
    expect(g?.measured).toContain('growing: gateway (too short to judge');
  });

  it('marks goals of suites that did not run as not measured', () => {
    const g = byId(evaluateGoals({ mode: 'quick', suites: { hop: { error: 'no gateway' } } }));
    expect(g['hop-throughput']?.met).toBeNull();
    expect(g['soak-rss']?.met).toBeNull();
  });

  it('prints the side-by-side hop table with added latency, the machine and the goals', () => {
    const r = sampleResults();
    const md = renderMarkdown({ ...r, goals: evaluateGoals(r) });
    expect(md).toContain('Test CPU, 2 cores');
    expect(md).toContain('| closed-32 | supportmesh | 2500 | 10.00 | 20.00 | +9.00 | +17.00 | 0 | 0.400 |');
    expect(md).toContain('| open-1000 | portkey | – | – | – | – | – | Portkey did not start | – |');
    expect(md).toContain('Portkey (published) added p99 at concurrency 1 2.8 ms');
    expect(md).toContain('**350 turns/s**');
    expect(md).toContain('| gateway hop p99 ≤ 5 ms at 1,000 rps | p99 6.00 ms, 0 errors, 1000 rps served | **no** |');
  });
});
