import { CreateConversationResponse, ErrorEnvelope, MessageResponse } from '@supportmesh/contracts';

export interface GatewayClientOptions {
  /** Gateway base URL (already checked to be loopback). */
  readonly endpoint: string;
  readonly apiKey: string;
  /** Header carrying the virtual user's id (the gateway keys its per-user limit on key + this header). */
  readonly userHeader: string;
  readonly timeoutMs: number;
  /** Prefix of every request's correlation id (`<runId>-<n>`). */
  readonly runId: string;
}

/** What one request produced; `status` 0 = no HTTP answer (network error, timeout, abort). */
export interface Reply {
  readonly status: number;
  readonly ok: boolean;
  /** Error code: from the error envelope, or a client-side code (CLIENT_TIMEOUT, ECONNREFUSED, INVALID_RESPONSE …). */
  readonly code?: string;
  readonly conversationId?: string;
  readonly totalMs?: number;
  readonly perHop?: Readonly<Record<string, number>>;
  readonly degraded?: readonly string[];
}

/** Thin client for the gateway's public API on Node's fetch (undici, keep-alive connections). */
export class GatewayClient {
  private seq = 0;

  constructor(private readonly opts: GatewayClientOptions) {}

  /** `POST /v1/conversations` → conversationId. */
  async createConversation(user: string, signal?: AbortSignal): Promise<Reply> {
    return this.post('/v1/conversations', {}, user, signal, (body) => {
      const parsed = CreateConversationResponse.safeParse(body);
      return parsed.success ? { conversationId: parsed.data.conversationId } : undefined;
    });
  }

  /** `POST /v1/conversations/{id}/messages {text}`. */
  async sendMessage(user: string, conversationId: string, text: string, signal?: AbortSignal): Promise<Reply> {
    return this.post(`/v1/conversations/${encodeURIComponent(conversationId)}/messages`, { text }, user, signal, parseMessage);
  }

  /** `POST /v1/chat {message}` (single turn). */
  async chat(user: string, message: string, signal?: AbortSignal): Promise<Reply> {
    return this.post('/v1/chat', { message }, user, signal, parseMessage);
  }

  private async post(
    path: string,
    payload: unknown,
    user: string,
    signal: AbortSignal | undefined,
    parse: (body: unknown) => Partial<Reply> | undefined,
  ): Promise<Reply> {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const res = await fetch(`${this.opts.endpoint}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': this.opts.apiKey,
          [this.opts.userHeader]: user,
          'x-correlation-id': `${this.opts.runId}-${++this.seq}`,
        },
        body: JSON.stringify(payload),
        signal: combined,
      });
      const text = await res.text();
      const body = safeJson(text);
      if (!res.ok) {
        const envelope = ErrorEnvelope.safeParse(body);
        return { status: res.status, ok: false, code: envelope.success ? envelope.data.error.code : `HTTP_${res.status}` };
      }
      const parsed = parse(body);
      if (!parsed) return { status: res.status, ok: false, code: 'INVALID_RESPONSE' };
      return { status: res.status, ok: true, ...parsed };
    } catch (err) {
      return { status: 0, ok: false, code: clientErrorCode(err, timeout, signal) };
    }
  }
}

function parseMessage(body: unknown): Partial<Reply> | undefined {
  const parsed = MessageResponse.safeParse(body);
  if (!parsed.success) return undefined;
  const m = parsed.data;
  return { conversationId: m.conversationId, totalMs: m.latencyMs.total, perHop: m.latencyMs.perHop, degraded: m.degraded };
}

function safeJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** A stable code for a request that got no HTTP answer. */
export function clientErrorCode(err: unknown, timeout: AbortSignal, runSignal?: AbortSignal): string {
  if (runSignal?.aborted) return 'ABORTED';
  if (timeout.aborted) return 'CLIENT_TIMEOUT';
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'NETWORK_ERROR';
}
