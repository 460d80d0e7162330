export { runSuite, table, writeReport, type SuiteReport } from './run.js';
export { ORDER, SCENARIOS, type Scenario } from './scenarios/index.js';
export { DEFAULT_OPTIONS, type RunOptions } from './scenarios/options.js';
export { World, type WorldOptions } from './lib/world.js';
export type { ScenarioResult } from './lib/types.js';
