import type { PoolStats, RespondRequest } from '@supportmesh/contracts';
import type { PinnedConnection } from './pinned.js';
import type { World } from './world.js';

/** Faults of the LLM emulator (`POST /admin/faults`). */
export interface EmulatorFaults {
  readonly failAll?: boolean;
  readonly errorRate?: number;
  readonly status?: 429 | 500 | 503;
  readonly retryAfterMs?: number;
  readonly hang?: boolean;
  readonly deployments?: string[];
  readonly durationMs?: number;
}

export async function setFaults(w: World, faults: EmulatorFaults): Promise<void> {
  const res = await fetch(`${w.url('llm-emulator')}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  if (!res.ok) throw new Error(`emulator refused faults: ${res.status} ${await res.text()}`);
}

export async function clearFaults(w: World): Promise<void> {
  await fetch(`${w.url('llm-emulator')}/admin/faults`, { method: 'DELETE' });
}

const PASSAGE = {
  id: 'art-39#p1',
  title: 'Tracking your order',
  text: 'To track an order, sign in and go to Account › Orders, or use the Track your order page with your order number and email address.',
  score: 3.2,
};

/** A `POST /v1/respond` body that no cache can answer (the nonce is in the question). */
export function respondBody(nonce: string): string {
  const req: RespondRequest = { message: `How do I track my order? (ref ${nonce})`, intent: 'track_order', passages: [PASSAGE], history: [] };
  return JSON.stringify(req);
}

/** One replica's LLM pool statistics (`GET /v1/pool/stats` of the response-generator). */
export async function replicaPoolStats(conn: PinnedConnection): Promise<{ aggregate: PoolStats; deployments: Record<string, PoolStats> } | undefined> {
  try {
    const res = await conn.get('/v1/pool/stats', {}, 3000);
    return res.status === 200 ? (JSON.parse(res.body.toString('utf8')) as { aggregate: PoolStats; deployments: Record<string, PoolStats> }) : undefined;
  } catch {
    return undefined;
  }
}

/** Deployment name in the llm-client's OpenAI-compatible form → the model the emulator sees. */
export const MODEL_OF: Readonly<Record<string, string>> = { large: 'gpt-4o', small: 'gpt-4o-mini' };
