export { createApp, type IntentClassifierAppDeps } from './app.js';
export { createClassifier, DEFAULT_UNSURE_THRESHOLD, type Classifier, type ClassifierDeps, type LlmMode } from './classifier.js';
export { createLlmIntentClassifier, type LlmIntentClassifier } from './llm/llm-intent-classifier.js';
export { IntentModel, type IntentPrediction, type LabelledExample } from './model/intent-model.js';
export { loadIntentClassifierConfig, IntentClassifierConfigSchema, type IntentClassifierConfig } from './config.js';
