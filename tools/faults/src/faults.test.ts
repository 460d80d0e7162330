import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioResult } from './lib/types.js';
import { World } from './lib/world.js';
import { table } from './run.js';
import { ORDER, SCENARIOS } from './scenarios/index.js';
import type { RunOptions } from './scenarios/options.js';

/**
 * The fast fault scenarios (all but the 10-minute soak, with reduced counts where the issue allows) against one
 * local multi-replica stack: real processes, real Redis (this run's own key prefixes), the Cosmos-compatible server
 * behind a fault proxy, the LLM emulator behind a call recorder. `npm run test:faults` runs all twelve.
 */
const OPTS: RunOptions = { quick: true, soakSeconds: 0, outageSeconds: 20 };
const FAST = ORDER.filter((n) => n !== 12);

let world: World;
const results: ScenarioResult[] = [];

beforeAll(async () => {
  world = await World.start();
}, 300_000);

afterAll(async () => {
  if (results.length > 0) console.log(table(results));
  await world?.close();
}, 120_000);

describe('fault suite (fast scenarios)', () => {
  for (const n of FAST) {
    const s = SCENARIOS.get(n);
    if (!s) continue;
    it(`${n}. ${s.name}`, async () => {
      const r = await s.run(world, OPTS);
      results.push(r);
      expect(r.pass, `${r.figure}\n${JSON.stringify((r.details as { failed?: unknown }).failed ?? r.details, null, 2)}`).toBe(true);
    }, 300_000);
  }
});
