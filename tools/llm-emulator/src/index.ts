export { startEmulator, type Emulator, type EmulatorOptions } from './server.js';
export { formatPassages, parsePassages, citationMarker, type PassageInput, type ParsedPassage } from './passages.js';
export { FaultsSchema, type Faults } from './faults.js';
export { QuotasSchema, type Quota, type Quotas } from './quotas.js';
export { parseLatency, type LatencyConfig } from './latency.js';
export { loadEmulatorConfig, DEFAULT_PORT } from './config.js';
export { ConfigError, isConfigError } from './config-error.js';
export { embed, cosine } from './embeddings.js';
export { estimateTokens } from './tokens.js';
