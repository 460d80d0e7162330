import type { ScenarioResult } from '../lib/types.js';
import type { World } from '../lib/world.js';
import { consumerKilledMidBatch } from './01-consumer-killed.js';
import { poisonEvents } from './02-poison.js';
import { scaleDown } from './03-scale-down.js';
import { rateLimitAcrossReplicas } from './04-rate-limit.js';
import { llmOutage } from './05-llm-outage.js';
import { throttling } from './06-throttling.js';
import { agentDown } from './07-agent-down.js';
import { cosmosThrottlingAndOutage } from './08-cosmos.js';
import { badInputFuzz } from './09-fuzz.js';
import { authMatrix } from './10-auth-matrix.js';
import { noSecretsInLogs } from './11-log-secrets.js';
import { soak } from './12-soak.js';
import type { RunOptions } from './options.js';

export type Scenario = (w: World, o: RunOptions) => Promise<ScenarioResult>;

/** Scenario number → function, in the numbering. */
export const SCENARIOS: ReadonlyMap<number, { readonly name: string; readonly run: Scenario }> = new Map([
  [1, { name: 'consumer killed mid-batch', run: consumerKilledMidBatch }],
  [2, { name: 'poison event', run: poisonEvents }],
  [3, { name: 'zero dropped requests on scale-down', run: scaleDown }],
  [4, { name: 'rate limit across replicas', run: rateLimitAcrossReplicas }],
  [5, { name: 'LLM outage', run: llmOutage }],
  [6, { name: 'throttling', run: throttling }],
  [7, { name: 'agent down', run: agentDown }],
  [8, { name: 'Cosmos throttling and outage', run: cosmosThrottlingAndOutage }],
  [9, { name: 'bad input fuzz', run: badInputFuzz }],
  [10, { name: 'auth matrix', run: authMatrix }],
  [11, { name: 'no secrets or PII in logs', run: noSecretsInLogs }],
  [12, { name: 'soak', run: soak }],
]);

/**
 * Execution order: scenarios that leave breakers open or replicas stopped run late; 11 (log scan) scans the
 * whole run and always runs last; 12 (soak) runs after the faults so it also shows the stack settles.
 */
export const ORDER: readonly number[] = [1, 2, 10, 9, 4, 8, 6, 3, 5, 7, 12, 11];
