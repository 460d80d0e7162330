export { createCircuitBreaker, CircuitBreaker, type BreakerOptions, type BreakerState, type BreakerEvents, type BreakerEventMap, type BreakerEventName, type BreakerListener } from './circuit-breaker.js';
export { retry, retryAttempts, type RetryOptions, type RetryInfo } from './retry.js';
export { parseRetryAfter, type HeaderSource } from './retry-after.js';
export { withTimeout } from './timeout.js';
export { Bulkhead, type BulkheadOptions } from './bulkhead.js';
export { isAbortError, abortReason, sleep } from './abort.js';
export { BreakerOpenError, isBreakerOpenError } from './errors/breaker-open-error.js';
export { TimeoutError, isTimeoutError } from './errors/timeout-error.js';
export { BulkheadRejectedError, isBulkheadRejectedError, type BulkheadRejectReason } from './errors/bulkhead-rejected-error.js';
