import { inferTier, LOCAL_EMBEDDING_MODEL, type LlmClient, type Tier } from '@supportmesh/llm-client';

export interface ModelCatalogue {
  /** `GET /models` body, serialised once. */
  readonly listJson: string;
  /** `GET /models/{id}` body, serialised once, per model id. */
  readonly byId: ReadonlyMap<string, string>;
  /** Tier that serves a requested model: the tier of a configured deployment of that model, else guessed by name. */
  tierOf(model: string): Tier;
}

/** The models the facade serves, from the llm-client's deployments (plus the local embedding when none is configured). */
export function modelCatalogue(llm: LlmClient, createdSec: number): ModelCatalogue {
  const tiers = new Map<string, Tier>();
  for (const d of llm.config.deployments) if (!tiers.has(d.model)) tiers.set(d.model, d.tier);
  if (![...tiers.values()].includes('embedding')) tiers.set(LOCAL_EMBEDDING_MODEL, 'embedding');
  const entries = [...tiers.keys()].map((id) => ({ id, object: 'model', created: createdSec, owned_by: 'supportmesh' }));
  return {
    listJson: JSON.stringify({ object: 'list', data: entries }),
    byId: new Map(entries.map((e) => [e.id, JSON.stringify(e)])),
    tierOf: (model) => tiers.get(model) ?? inferTier(model),
  };
}
