export { CORRELATION_HEADER, getCorrelationId, runWithCorrelationId, isValidCorrelationId } from './context.js';
export { correlationMiddleware } from './correlation.js';
export { createLogger, REDACT_PATHS, type Logger, type LoggerOptions } from './logger.js';
export { createMetrics, HTTP_DURATION_BUCKETS, type Metrics, type MetricsOptions, type LlmMetrics, type HttpLabels } from './metrics.js';
export { httpMetricsMiddleware, UNMATCHED_ROUTE, CLIENT_CLOSED_STATUS } from './http-metrics.js';
export { initTracing, injectTraceContext, extractTraceContext, tracingMiddleware, type Tracing, type TracingOptions } from './tracing.js';
export { bindBreakerMetrics, BREAKER_STATE_VALUE, type BreakerEvents } from './breaker.js';
export { bindLlmMetrics, llmBreakerName, type BindLlmMetricsOptions } from './llm-metrics.js';
