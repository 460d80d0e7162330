import { ConversationTurnEvent } from '@supportmesh/contracts';
import { entries, lag, pending, publish, summary, totals, turnEvents } from '../lib/analytics.js';
import { round, sleep, until } from '../lib/stats.js';
import { Checks, type ScenarioResult } from '../lib/types.js';
import type { World } from '../lib/world.js';
import type { RunOptions } from './options.js';

const GROUP = 'analytics';

/**
 * 1. Consumer killed mid-batch: 1,000 `conversation.turn` events; one of two analytics replicas is frozen
 * (SIGSTOP) at a moment it holds delivered-but-unacknowledged entries and then SIGKILLed. The other replica
 * must XAUTOCLAIM them after `ANALYTICS_MIN_IDLE_MS`; every event is counted exactly once.
 */
export async function consumerKilledMidBatch(w: World, _o: RunOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const checks = new Checks();
  const stream = w.names.analyticsStream;
  const deadLetter = `${stream}:dead-letter`;
  const n = 1000;
  const tag = `f1-${w.runId}`;
  const events = turnEvents(tag, n);
  for (const e of events) ConversationTurnEvent.parse(e);
  const expectedCost = events.reduce((s, e) => s + Math.round(e.costUsd * 1e9), 0) / 1e9;

  const procs = w.procs('analytics');
  if (procs.length < 2) throw new Error(`scenario 1 needs 2 analytics replicas, found ${procs.length}`);
  const victim = procs[0] as (typeof procs)[number];
  const victimPid = victim.child.pid as number;
  const victimConsumer = w.consumerName(victimPid);
  const before = await summary(w.url('analytics'));
  const dlBefore = (await entries(w.redis, deadLetter)).length;

  // Publish in bursts while trying to freeze the victim with entries in hand.
  let stranded = 0;
  let killedAt: number | undefined;
  let turnsAtKill = 0;
  let attempts = 0;
  let publishing = true;
  const freezer = (async () => {
    for (; killedAt === undefined && attempts < 3000; attempts++) {
      await sleep(2);
      process.kill(victimPid, 'SIGSTOP');
      const p = await pending(w.redis, stream, GROUP).catch(() => undefined);
      const mine = p?.byConsumer.get(victimConsumer) ?? 0;
      // Prefer a moment deep inside a batch; late in the run take any unacknowledged entry.
      if (mine >= (publishing ? 10 : 1)) {
        stranded = mine;
        turnsAtKill = (await totals(w.redis, w.names.analyticsPrefix)).turns - before.volume.turns;
        killedAt = Date.now();
        await w.stack.kill('analytics', { signal: 'SIGKILL', replica: victim.replica });
        return;
      }
      process.kill(victimPid, 'SIGCONT');
    }
  })();
  for (let i = 0; i < n; i += 100) {
    await publish(w.redis, stream, events.slice(i, i + 100));
    await sleep(killedAt === undefined ? 40 : 5);
  }
  publishing = false;
  await freezer;
  if (killedAt === undefined && !victim.hasExited) process.kill(victimPid, 'SIGCONT');
  checks.add('victim killed while holding unacknowledged entries', killedAt !== undefined && stranded > 0, { stranded, attempts });

  // The survivor claims the victim's entries after min-idle; wait for everything to settle.
  const settled = await until(
    async () => {
      const p = await pending(w.redis, stream, GROUP);
      const s = await summary(w.url('analytics'));
      return p.total === 0 && s.volume.turns - before.volume.turns >= n ? { p, s } : undefined;
    },
    30_000,
    200,
  );
  const after = await summary(w.url('analytics'));
  const p = await pending(w.redis, stream, GROUP);
  const l = await lag(w.redis, stream, GROUP);
  const dl = (await entries(w.redis, deadLetter)).length - dlBefore;
  const counted = after.volume.turns - before.volume.turns;
  const conversations = after.volume.conversations - before.volume.conversations;
  const cost = round(after.totalCostUsd - before.totalCostUsd, 9);
  const recoveredMs = settled && killedAt ? Date.now() - killedAt : undefined;

  checks.add('every event counted exactly once', counted === n, { counted });
  checks.add('distinct conversations exact', conversations === n / 5, { conversations });
  checks.add('cost total exact', Math.abs(cost - expectedCost) < 1e-6, { cost, expectedCost });
  checks.add('pending list drained to 0', p.total === 0, { pending: p.total });
  checks.add('no lag', l === undefined || l === 0, { lag: l });
  checks.add('nothing dead-lettered', dl === 0, { deadLettered: dl });

  return {
    scenario: '1 consumer killed mid-batch',
    figure: `${counted}/${n} counted once, ${stranded} stranded entries reclaimed, pending ${p.total}, recovered in ${recoveredMs ?? '∞'} ms`,
    pass: checks.pass,
    details: { n, counted, stranded, turnsAtKill, conversations, cost, expectedCost, pending: p.total, lag: l, deadLettered: dl, recoveredMs, failed: checks.failed },
    durationMs: Date.now() - t0,
  };
}
