export { createApp, type GatewayApp, type GatewayAppDeps, type FacadeMount, type VoiceSettings } from './app.js';
export { loadGatewayConfig, GatewayConfigSchema, type GatewayConfig } from './config.js';
export { createDownstream, closeDownstream, type Downstream, type DownstreamUrls } from './pipeline/downstream.js';
export { CosmosConversationStore, type CosmosStoreOptions } from './store/cosmos-store.js';
export { createSpeechClient, type SpeechClient, type SpeechClientOptions, type SynthesizedAudio } from './speech/speech-client.js';
