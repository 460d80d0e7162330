export { createApp, type AnalyticsAppDeps } from './app.js';
export { loadAnalyticsConfig, AnalyticsConfigSchema, type AnalyticsConfig } from './config.js';
export { AnalyticsStore, type AnalyticsStoreOptions, type AggregateSnapshot, type IntentAggregate } from './aggregates/analytics-store.js';
export { createTurnConsumer, createTurnHandler, type TurnConsumerOptions, type TurnHandlerDeps } from './stream/turn-consumer.js';
export { createAnalyticsMetrics, type AnalyticsMetrics } from './metrics.js';
export { buildSummary } from './summary/summary.js';
export { deriveRecommendations, type RecommendationOptions } from './summary/recommendations.js';
