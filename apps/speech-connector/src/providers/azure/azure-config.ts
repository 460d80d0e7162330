import type { TokenCredential } from '@azure/identity';
import sdk from 'microsoft-cognitiveservices-speech-sdk';
import type { OutputFormat } from '../provider.js';

/**
 * How to reach an Azure Speech resource:
 * - `key` + `region` → `SpeechConfig.fromSubscription`
 * - `endpoint` + `key` → `SpeechConfig.fromEndpoint(url, key)` (custom domain, sovereign clouds, containers)
 * - `endpoint` + `credential` (Microsoft Entra ID, e.g. `DefaultAzureCredential`) → `SpeechConfig.fromEndpoint(url, credential)`;
 *   the resource needs a custom domain and the identity the "Cognitive Services Speech User" role.
 */
export interface AzureSpeechSettings {
  readonly key?: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly credential?: TokenCredential;
  /** Default synthesis voice. @default 'en-US-JennyNeural' */
  readonly voice?: string;
}

export const DEFAULT_AZURE_VOICE = 'en-US-JennyNeural';

export const AZURE_OUTPUT_FORMATS: Readonly<Record<OutputFormat, sdk.SpeechSynthesisOutputFormat>> = {
  wav: sdk.SpeechSynthesisOutputFormat.Riff16Khz16BitMonoPcm,
  mp3: sdk.SpeechSynthesisOutputFormat.Audio16Khz32KBitRateMonoMp3,
};

/** True when the settings are enough to call the service (no network check). */
export function isAzureConfigured(s: AzureSpeechSettings): boolean {
  return Boolean((s.key && s.region) || (s.endpoint && (s.key || s.credential)));
}

/** A fresh `SpeechConfig` with the resource's credentials (one per request: the SDK object is mutable). */
export function baseSpeechConfig(s: AzureSpeechSettings): sdk.SpeechConfig {
  if (s.endpoint) {
    const url = new URL(s.endpoint);
    if (s.key) return sdk.SpeechConfig.fromEndpoint(url, s.key);
    if (s.credential) return sdk.SpeechConfig.fromEndpoint(url, s.credential);
  }
  if (s.key && s.region) return sdk.SpeechConfig.fromSubscription(s.key, s.region);
  throw new Error('Azure Speech is not configured: set AZURE_SPEECH_KEY and AZURE_SPEECH_REGION, or AZURE_SPEECH_ENDPOINT with a key or Entra ID');
}

/** Recognition: the language, detailed output (so results carry an N-best confidence). */
export function recognitionConfig(s: AzureSpeechSettings, language: string): sdk.SpeechConfig {
  const config = baseSpeechConfig(s);
  config.speechRecognitionLanguage = language;
  config.outputFormat = sdk.OutputFormat.Detailed;
  return config;
}

/** Synthesis: the voice and the output format (16 kHz mono 16-bit RIFF PCM, or 16 kHz 32 kbit/s mono MP3). */
export function synthesisConfig(s: AzureSpeechSettings, voice: string, format: OutputFormat): sdk.SpeechConfig {
  const config = baseSpeechConfig(s);
  config.speechSynthesisVoiceName = voice;
  config.speechSynthesisOutputFormat = AZURE_OUTPUT_FORMATS[format];
  return config;
}
