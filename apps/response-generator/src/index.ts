export { createApp, type ResponseGeneratorAppDeps } from './app.js';
export { loadResponseGeneratorConfig, ResponseGeneratorEnvSchema, type ResponseGeneratorConfig, type ResponseGeneratorEnv } from './config.js';
export { buildMessages, formatPassages, neutralizeMarkers, SYSTEM_PROMPT, DEFAULT_HISTORY_TURNS, type PromptInput } from './prompt.js';
export { parseCitations, EMPTY_REPLY_FALLBACK, type ParsedReply } from './citations.js';
export { createResponseLlmClient, type ResponseLlmClientOptions } from './llm.js';
export { bindLlmMetrics, llmBreakerName, type BindLlmMetricsOptions } from '@supportmesh/telemetry';
