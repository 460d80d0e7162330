export { createFacadeRouter, type FacadeDeps } from './router.js';
export { openAiErrorHandler, sendOpenAiError, toOpenAiError } from './errors.js';
export { OpenAiError, isOpenAiError, type OpenAiErrorType } from './openai-error.js';
export { bindLlmMetrics } from '@supportmesh/telemetry';
export { COST_HEADER, CACHE_HEADER } from './chat.js';
