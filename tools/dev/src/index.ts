export * from './cosmos.js';
export * from './services.js';
export * from './stack.js';
