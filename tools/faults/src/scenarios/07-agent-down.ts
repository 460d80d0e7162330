import { send, type LoadSample } from '../lib/load.js';
import { piiIn } from '../lib/pii.js';
import { Checks, type ScenarioResult } from '../lib/types.js';
import { PII, type World } from '../lib/world.js';
import type { RunOptions } from './options.js';

const BUDGET_MS = 12_000; // GATEWAY_TURN_BUDGET_MS default
const FALLBACKS = ["I'm having trouble answering right now — I've passed your question to a colleague.", "I'm having trouble answering right now. Please try again in a few minutes."];

interface Case {
  readonly agent: string;
  /** Hops the gateway must report as degraded. */
  readonly hops: readonly string[];
  readonly messages: readonly string[];
}

/**
 * Order matters: a stopped agent's breaker in the gateways stays open ~30 s after it is back. The critic case needs
 * retrieval and drafting, the response-generator case needs classification and retrieval (else the turn is handed off
 * before drafting) and escalation; so: critic, response-generator, intent, knowledge, escalation.
 */
const CASES: readonly Case[] = [
  {
    agent: 'critic',
    hops: ['review_input'],
    messages: ['How can I place an order by phone? What number do I call?', `My card is ${PII.card} and my email is ${PII.email}. What is the customer service phone number?`],
  },
  { agent: 'response-generator', hops: ['respond'], messages: ['How do I return a pair of shoes?', 'Where is my order?'] },
  { agent: 'intent-classifier', hops: ['classify'], messages: ['Where is my order?', 'How do I return a pair of shoes?'] },
  { agent: 'knowledge-retrieval', hops: ['retrieve'], messages: ['How long does shipping to Canada take?', 'Can I change the delivery address?'] },
  { agent: 'escalation', hops: ['escalate'], messages: ['Where is my order?', 'How do I reset my password?'] },
];

/**
 * 7. Agent down: every replica of one agent at a time is stopped. Every turn is answered 200 within the turn budget
 * with the documented degraded behaviour (the hop listed in `degraded`; response-generator down → the fallback message
 * + escalation); no hang, no 5xx; with the critic down, LLM output carrying PII is never returned unreviewed (the
 * recorder proves the draft had PII) and no raw customer PII reaches the LLM.
 */
export async function agentDown(w: World, o: RunOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const checks = new Checks();
  const perAgent: Record<string, unknown> = {};
  const turns = o.quick ? 6 : 12;
  perAgent['healthyBeforeMs'] = await w.waitHealthy(60_000, 4);

  for (const c of CASES) {
    const since = Date.now();
    await w.stack.kill(c.agent, { signal: 'SIGTERM' });
    const samples: LoadSample[] = [];
    for (let i = 0; i < turns; i += 3) {
      samples.push(
        ...(await Promise.all(
          [0, 1, 2].map((k) => send(w.agent, w.gatewayUrl, { method: 'POST', path: '/v1/chat', headers: w.userHeaders(`ad-${w.runId}-${c.agent}-${i + k}`), body: JSON.stringify({ message: c.messages[(i + k) % c.messages.length] }) }, i + k, BUDGET_MS + 10_000)),
        )),
      );
    }
    const until = Date.now();
    await w.restore(c.agent);
    const bodies = samples.map((s) => s.json as { reply?: string; degraded?: string[]; escalated?: boolean; ticketId?: string } | undefined);
    const statuses: Record<string, number> = {};
    for (const s of samples) statuses[String(s.status ?? s.error)] = (statuses[String(s.status ?? s.error)] ?? 0) + 1;
    const maxMs = Math.round(Math.max(...samples.map((s) => s.ms)));
    // A turn the escalation rules hand off before drafting never reaches the responder (nor the output review).
    const handedOffEarly = (b: (typeof bodies)[number]) => b?.escalated === true && !FALLBACKS.includes(b.reply ?? '') && !(b.degraded ?? []).includes('respond');
    const reached = (b: (typeof bodies)[number], hop: string) => !(hop === 'respond' && handedOffEarly(b));
    const withHops = bodies.filter((b) => c.hops.every((h) => !reached(b, h) || b?.degraded?.includes(h))).length;
    const info: Record<string, unknown> = { statuses, maxMs, withDegradedHops: withHops, degraded: [...new Set(bodies.flatMap((b) => b?.degraded ?? []))] };
    checks.add(`${c.agent} down: every turn 200 within the ${BUDGET_MS} ms budget`, samples.every((s) => s.status === 200) && maxMs <= BUDGET_MS + 1_000, info);
    checks.add(`${c.agent} down: degraded lists ${c.hops.join('+')}`, withHops === samples.length, info);
    if (c.agent === 'response-generator') {
      const drafted = bodies.filter((b) => !handedOffEarly(b));
      const fallback = drafted.filter((b) => FALLBACKS.includes(b?.reply ?? '')).length;
      const escalated = bodies.filter((b) => b?.escalated === true).length;
      info['fallbackReplies'] = fallback;
      info['handedOffBeforeDrafting'] = bodies.length - drafted.length;
      info['escalated'] = escalated;
      checks.add('response-generator down: fallback message + escalation (turns that needed a draft)', drafted.length > 0 && fallback === drafted.length && escalated === samples.length, info);
    }
    if (c.agent === 'critic') {
      const drafts = w.llm.since(since).filter((x) => x.at <= until && x.content !== undefined);
      const piiDrafts = drafts.filter((x) => piiIn(x.content ?? '').length > 0);
      // (The hand-off message names the ticket id: not PII.)
      const leaked = bodies.flatMap((b) => piiIn((b?.reply ?? '').replace(b?.ticketId ?? '\u0000', '')));
      const rawToLlm = w.llm.since(since).filter((x) => x.at <= until && Object.values(PII).some((v) => x.request.includes(v) || x.request.includes(v.replace(/\D/g, '')) && v.replace(/\D/g, '').length > 8));
      info['draftsWithPii'] = piiDrafts.length;
      info['piiInReplies'] = leaked;
      info['rawPiiRequestsToLlm'] = rawToLlm.length;
      checks.add('critic down: the LLM drafted PII (test is conclusive)', piiDrafts.length > 0, info);
      checks.add('critic down: no PII in any reply (fail closed)', leaked.length === 0, leaked.slice(0, 5));
      checks.add('critic down: no raw customer PII sent to the LLM', rawToLlm.length === 0, rawToLlm.length);
    }
    perAgent[c.agent] = info;
  }
  perAgent['healthyAfterMs'] = await w.waitHealthy(60_000, 4);
  checks.add('stack healthy again after the agents are back', perAgent['healthyAfterMs'] !== undefined);

  return {
    scenario: '7 agent down',
    figure: CASES.map((c) => {
      const i = perAgent[c.agent] as { statuses: Record<string, number>; maxMs: number };
      return `${c.agent.split('-')[0]}: ${JSON.stringify(i.statuses)} max ${i.maxMs} ms`;
    }).join('; '),
    pass: checks.pass,
    details: { perAgent, failed: checks.failed },
    durationMs: Date.now() - t0,
  };
}
