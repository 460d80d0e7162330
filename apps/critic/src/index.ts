export { createApp, type CriticAppDeps } from './app.js';
export { loadCriticConfig, CriticConfigSchema, type CriticConfig } from './config.js';
export { DetokenizeRequest, DetokenizeResponse } from './routes/schemas.js';
export * from './review/index.js';
export * from './vault/index.js';
export * from '@supportmesh/pii';
export * from './injection/index.js';
export * from './grounding/index.js';
