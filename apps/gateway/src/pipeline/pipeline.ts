import { performance } from 'node:perf_hooks';
import {
  ClassifyResponse,
  EscalateResponse,
  RespondResponse,
  RetrieveResponse,
  ReviewResponse,
  type AdminConfig,
  type ChatTurn,
  type Citation,
  type ClassifyRequest,
  type ConversationTurn,
  type ConversationTurnEvent,
  type EscalateRequest,
  type Finding,
  type MessageResponse,
  type Passage,
  type RespondRequest,
  type RetrieveRequest,
  type ReviewRequest,
} from '@supportmesh/contracts';
import { createTokenAssigner, detectPii, redactSpans, tokenizeSpans, TOKEN_PATTERN } from '@supportmesh/pii';
import { TimeoutError } from '@supportmesh/resilience';
import type { Logger } from '@supportmesh/telemetry';
import { z } from 'zod';
import type { GatewayMetrics } from '../metrics.js';
import type { Conversations, OpenConversation } from '../store/conversations.js';
import type { Downstream } from './downstream.js';
import { fallbackClassify } from './fallback-intent.js';
import { MESSAGES } from './messages.js';
import { describe } from '../log-safe.js';

/** Hop names as they appear in `latencyMs.perHop`, `degraded` and the `hop` metric label. */
export const HOPS = ['review_input', 'classify', 'retrieve', 'escalate', 'respond', 'review_output', 'persist'] as const;
export type Hop = (typeof HOPS)[number];

export interface HopTimeouts {
  readonly classify: number;
  readonly review: number;
  readonly retrieve: number;
  readonly escalate: number;
  readonly respond: number;
  /** The whole turn, all hops included. */
  readonly budget: number;
}

/** Publishes `conversation.turn` events (a StreamProducer). */
export interface TurnEventSink {
  publish(event: ConversationTurnEvent): Promise<string>;
}

export interface PipelineDeps {
  readonly downstream: Downstream;
  readonly timeouts: HopTimeouts;
  readonly conversations: Conversations;
  readonly events: TurnEventSink;
  readonly adminConfig: () => Promise<AdminConfig>;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly clock?: () => Date;
}

export interface TurnInput {
  readonly conversation: OpenConversation;
  /** The customer's raw text (never logged, never sent to an LLM). */
  readonly text: string;
  /** Aborts downstream calls (e.g. the client went away); the turn budget applies anyway. */
  readonly signal?: AbortSignal;
}

export interface TurnResult {
  readonly response: MessageResponse;
  /** LLM tokens the turn used (for the per-user token budget). */
  readonly totalTokens: number;
}

/** `POST /v1/detokenize` (critic, internal). */
const DetokenizeResponse = z.object({ text: z.string(), replaced: z.number().int().nonnegative() });

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Citations as answered, with the passage's link when it has one (an extension the contract's schema tolerates). */
type LinkedCitation = Citation & { url?: string };

/**
 * One customer turn (DESIGN.md "The conversation pipeline"): input review ∥ intent classification, retrieval,
 * escalation decision, drafting, output review, persistence + `conversation.turn` event. Every hop has a
 * deadline (within the turn budget) and a breaker; a failed hop falls back and is listed in `degraded`.
 * Raw text goes only to the critic; every other agent sees tokenised text.
 */
export class Pipeline {
  readonly #d: PipelineDeps;
  readonly #clock: () => Date;

  constructor(deps: PipelineDeps) {
    this.#d = deps;
    this.#clock = deps.clock ?? (() => new Date());
  }

  async run(input: TurnInput): Promise<TurnResult> {
    const { downstream, timeouts, logger, metrics } = this.#d;
    const conv = input.conversation;
    const started = performance.now();
    const deadline = started + timeouts.budget;
    const budgetSignal = AbortSignal.timeout(timeouts.budget);
    const signal = input.signal ? AbortSignal.any([budgetSignal, input.signal]) : budgetSignal;
    const perHop: Record<string, number> = {};
    const degraded: string[] = [];
    const admin = await this.#d.adminConfig();

    /** Runs one downstream call within its deadline and the turn budget; records its latency. */
    const hop = async <T>(name: Hop, timeoutMs: number, fn: (callTimeoutMs: number) => Promise<T>): Promise<Outcome<T>> => {
      const t0 = performance.now();
      const remaining = Math.floor(deadline - t0);
      let outcome: Outcome<T>;
      try {
        // Persistence is local state: it runs even when the budget is spent (it has its own deadlines).
        if (name !== 'persist' && (remaining <= 0 || signal.aborted)) throw new TimeoutError(timeouts.budget);
        outcome = { ok: true, value: await fn(Math.max(1, Math.min(timeoutMs, remaining))) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      const ms = performance.now() - t0;
      perHop[name] = round((perHop[name] ?? 0) + ms);
      metrics.hopDuration.observe({ hop: name }, ms / 1000);
      return outcome;
    };
    const fellBack = (name: Hop, error: unknown): void => {
      if (!degraded.includes(name)) degraded.push(name);
      metrics.degraded.inc({ hop: name });
      logger.warn({ hop: name, conversationId: conv.id, err: describe(error) }, 'pipeline hop failed; using its fallback');
    };

    const turn = await this.#d.conversations.nextTurn(conv.id, conv.history);
    const historyTexts = conv.history.filter((t) => t.role === 'user').map((t) => t.text);

    // Local tokenisation first, so the classifier can start at once without seeing raw PII.
    const localSpans = detectPii(input.text);
    const local = createTokenAssigner();
    const localText = tokenizeSpans(input.text, localSpans, local.assign);

    // (1) input review ∥ classification
    const reviewReq: ReviewRequest = { text: input.text, direction: 'input', conversationId: conv.id };
    const classifyReq: ClassifyRequest = { text: localText, ...(historyTexts.length > 0 ? { history: historyTexts.slice(-5) } : {}) };
    const [review, classified] = await Promise.all([
      hop('review_input', timeouts.review, (t) =>
        downstream.critic.post('/v1/review', reviewReq, { schema: ReviewResponse, signal, timeoutMs: t }),
      ),
      hop('classify', timeouts.classify, (t) =>
        downstream.classifier.post('/v1/classify', classifyReq, { schema: ClassifyResponse, signal, timeoutMs: t }),
      ),
    ]);

    let safeText: string;
    let findings: Finding[];
    const criticHasTokens = review.ok;
    if (review.ok) {
      safeText = review.value.text;
      findings = review.value.findings;
    } else {
      fellBack('review_input', review.error);
      safeText = localText;
      findings = localSpans.map((s) => ({ type: s.type, start: s.start, end: s.end }));
    }
    let classification: ClassifyResponse;
    if (classified.ok) {
      classification = classified.value;
    } else {
      fellBack('classify', classified.error);
      classification = fallbackClassify(localText);
    }
    const { intent, confidence, sentiment } = classification;

    let reply: string;
    let escalated = false;
    let ticketId: string | undefined;
    let citations: LinkedCitation[] = [];
    let respond: RespondResponse | undefined;
    let failed = confidence < admin.escalationConfidenceThreshold;
    let unanswered = false;
    let outcome: 'answered' | 'escalated' | 'blocked' = 'answered';

    if (review.ok && review.value.verdict === 'block') {
      // A refused message (prompt injection, abuse): the critic's polite reply, no LLM call.
      reply = review.value.reply ?? MESSAGES.blocked;
      outcome = 'blocked';
    } else {
      // (2) retrieval on the redacted text
      const retrieveReq: RetrieveRequest = { query: safeText.slice(0, 8000) || ' ', intent, topK: 4 };
      const retrieved = await hop('retrieve', timeouts.retrieve, (t) =>
        downstream.retrieval.post('/v1/retrieve', retrieveReq, { schema: RetrieveResponse, signal, timeoutMs: t }),
      );
      let passages: Passage[] = [];
      if (retrieved.ok) passages = retrieved.value.passages;
      else fellBack('retrieve', retrieved.error);

      // (3) escalation decision
      const escalateReq: EscalateRequest = {
        conversationId: conv.id,
        text: safeText,
        intent,
        sentiment,
        confidence,
        findings,
        failedTurns: Math.min(1000, conv.session.failedTurns),
      };
      // One ticket per turn: a retried call for this turn answers the same ticket; another turn, even with the
      // same text, gets its own (the escalation service keys tickets on this header).
      const escalateHeaders = { 'Idempotency-Key': `${conv.id}:${turn}` };
      const decision = await hop('escalate', timeouts.escalate, (t) =>
        downstream.escalation.post('/v1/escalate', escalateReq, { schema: EscalateResponse, signal, timeoutMs: t, headers: escalateHeaders }),
      );
      if (!decision.ok) fellBack('escalate', decision.error);

      if (decision.ok && decision.value.escalate) {
        escalated = true;
        ticketId = decision.value.ticketId;
        reply = MESSAGES.handoff(ticketId);
        outcome = 'escalated';
      } else {
        // (4) the drafted answer
        const history: ChatTurn[] = conv.history.slice(-20).map((t) => ({ role: t.role, content: t.text }));
        const respondReq: RespondRequest = { message: safeText || ' ', intent, passages, history, conversationId: conv.id };
        const drafted = await hop('respond', timeouts.respond, (t) =>
          downstream.responder.post('/v1/respond', respondReq, { schema: RespondResponse, signal, timeoutMs: t }),
        );
        if (drafted.ok) {
          respond = drafted.value;
          const byId = new Map(passages.map((p) => [p.id, p]));
          citations = drafted.value.citations.map((c) => {
            const url = byId.get(c.passageId)?.url;
            return url ? { ...c, url } : c;
          });
          // (5) output review
          const reviewed = await this.#reviewOutput(drafted.value.reply, passages, conv.id, admin, hop, fellBack, signal);
          reply = reviewed.text;
          if (reviewed.replaced) failed = true;
          if (criticHasTokens) {
            reply = await this.#personalise(reply, [safeText, ...historyTexts], conv.id, hop, signal);
          }
        } else {
          fellBack('respond', drafted.error);
          failed = true;
          unanswered = true;
          // Canned reply + escalation: the pipeline cannot answer (confidence 0, one more failed turn).
          const handoff = decision.ok
            ? await hop('escalate', timeouts.escalate, (t) =>
                downstream.escalation.post(
                  '/v1/escalate',
                  { ...escalateReq, confidence: 0, failedTurns: Math.min(1000, conv.session.failedTurns + 1) },
                  { schema: EscalateResponse, signal, timeoutMs: t, headers: escalateHeaders },
                ),
              )
            : undefined;
          if (handoff?.ok && handoff.value.escalate) {
            escalated = true;
            ticketId = handoff.value.ticketId;
            reply = MESSAGES.responderDownEscalated;
            outcome = 'escalated';
          } else {
            if (handoff && !handoff.ok) fellBack('escalate', handoff.error);
            reply = MESSAGES.responderDownAlone;
          }
        }
      }
    }

    // (6) persistence (Redis session + Cosmos or its queue) and the analytics event
    const at = this.#clock().toISOString();
    const userTurn: ConversationTurn = { turn, role: 'user', text: safeText, at, intent };
    const assistantTurn: ConversationTurn = {
      turn,
      role: 'assistant',
      text: reply,
      at,
      intent,
      ...(citations.length > 0 ? { citations: citations.map(({ passageId, title }) => ({ passageId, title })) } : {}),
    };
    const persisted = await hop('persist', Number.POSITIVE_INFINITY, () =>
      this.#d.conversations.recordTurn(conv, userTurn, assistantTurn, failed),
    );
    if (!persisted.ok) fellBack('persist', persisted.error);

    const total = round(performance.now() - started);
    const response: MessageResponse = {
      conversationId: conv.id,
      reply,
      intent,
      confidence,
      escalated,
      ...(ticketId ? { ticketId } : {}),
      citations,
      latencyMs: { total, perHop },
      degraded,
    };
    const event: ConversationTurnEvent = {
      eventId: `${conv.id}:${turn}`,
      conversationId: conv.id,
      turn,
      at,
      intent,
      confidence,
      escalated,
      ...(ticketId ? { ticketId } : {}),
      latencyMs: { total, perHop },
      usage: { promptTokens: respond?.usage.promptTokens ?? 0, completionTokens: respond?.usage.completionTokens ?? 0 },
      costUsd: respond?.costUsd ?? 0,
      ...(respond ? { model: respond.model } : {}),
      cached: respond?.cached ?? false,
      // Answered without a human: neither handed off nor left with the "try again" fallback.
      containment: !escalated && !unanswered,
    };
    try {
      await this.#d.events.publish(event);
    } catch (err) {
      logger.warn({ err: describe(err), conversationId: conv.id }, 'conversation.turn event not published');
    }
    metrics.turns.inc({ outcome: outcome === 'answered' && degraded.length > 0 ? 'degraded' : outcome });
    logger.info(
      { conversationId: conv.id, turn, intent, confidence, escalated, degraded, totalMs: total, source: classification.source },
      'turn answered',
    );
    return { response, totalTokens: respond?.usage.totalTokens ?? 0 };
  }

  /** Critic output review; when it is down (or switched off) the reply's PII is redacted locally — fail closed. */
  async #reviewOutput(
    draft: string,
    passages: Passage[],
    conversationId: string,
    admin: AdminConfig,
    hop: <T>(name: Hop, timeoutMs: number, fn: (t: number) => Promise<T>) => Promise<Outcome<T>>,
    fellBack: (name: Hop, error: unknown) => void,
    signal: AbortSignal,
  ): Promise<{ text: string; replaced: boolean }> {
    const localRedaction = () => redactSpans(draft, detectPii(draft));
    if (!admin.flags.outputReview) return { text: localRedaction(), replaced: false };
    const req: ReviewRequest = { text: draft, direction: 'output', passages, conversationId };
    const reviewed = await hop('review_output', this.#d.timeouts.review, (t) =>
      this.#d.downstream.critic.post('/v1/review', req, { schema: ReviewResponse, signal, timeoutMs: t }),
    );
    if (!reviewed.ok) {
      fellBack('review_output', reviewed.error);
      return { text: localRedaction(), replaced: false };
    }
    const r = reviewed.value;
    if (r.verdict === 'block') return { text: r.reply ?? r.text, replaced: true };
    if (r.reply !== undefined) return { text: r.reply, replaced: true };
    return { text: r.text, replaced: false };
  }

  /**
   * Puts the customer's own PII back into the reply (critic vault) — only tokens the customer provided in this
   * conversation; any other token is redacted. If the critic cannot, the tokens stay.
   */
  async #personalise(
    reply: string,
    customerTexts: readonly string[],
    conversationId: string,
    hop: <T>(name: Hop, timeoutMs: number, fn: (t: number) => Promise<T>) => Promise<Outcome<T>>,
    signal: AbortSignal,
  ): Promise<string> {
    const tokens = reply.match(TOKEN_PATTERN);
    if (!tokens) return reply;
    const provided = new Set(customerTexts.flatMap((t) => t.match(TOKEN_PATTERN) ?? []));
    const allowed = reply.replace(TOKEN_PATTERN, (t) => (provided.has(t) ? t : '[redacted]'));
    if (![...tokens].some((t) => provided.has(t))) return allowed;
    const filled = await hop('review_output', this.#d.timeouts.review, (t) =>
      this.#d.downstream.critic.post('/v1/detokenize', { conversationId, text: allowed }, { schema: DetokenizeResponse, signal, timeoutMs: t }),
    );
    if (!filled.ok) {
      this.#d.logger.warn({ err: describe(filled.error), conversationId }, 'detokenize failed; reply keeps its tokens');
      return allowed;
    }
    return filled.value.text;
  }
}
