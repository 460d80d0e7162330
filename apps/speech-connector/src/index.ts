export { createApp, DEFAULT_LIMITS, limitsFromConfig, guardFromConfig, type SpeechAppDeps, type SpeechLimits, type SpeechServiceApp } from './app.js';
export { loadSpeechConfig, providerKind, SpeechConfigSchema, type SpeechConfig } from './config.js';
export { createProvider, type SelectedProvider } from './providers/select.js';
export type { SpeechProvider, AudioInput, Transcript, SynthesizedAudio, VoiceInfo, ProviderCapabilities, OutputFormat } from './providers/provider.js';
export { SpeechProviderError, isSpeechProviderError } from './errors/speech-provider-error.js';
