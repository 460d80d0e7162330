import type { SpeechConfig } from '../config.js';
import { providerKind } from '../config.js';
import type { AzureSpeechSettings } from './azure/azure-config.js';
import { createAzureProvider } from './azure/azure-provider.js';
import { createLocalProvider, detectLocalEngines, type LocalEngines, type LocalProviderOptions } from './local/local-provider.js';
import type { SpeechProvider } from './provider.js';

/** Local provider options from the configuration. */
export function localOptions(c: SpeechConfig): LocalProviderOptions {
  return {
    ttsEngine: c.SPEECH_LOCAL_TTS,
    espeakBin: c.SPEECH_ESPEAK_BIN,
    sphinxBin: c.SPEECH_SPHINX_BIN,
    soxBin: c.SPEECH_SOX_BIN,
    opusdecBin: c.SPEECH_OPUSDEC_BIN,
    sphinxModel: { hmm: c.SPEECH_SPHINX_HMM, lm: c.SPEECH_SPHINX_LM, dict: c.SPEECH_SPHINX_DICT },
    voice: c.SPEECH_LOCAL_VOICE,
    wordsPerMinute: c.SPEECH_LOCAL_WPM,
  };
}

/** Azure settings from the configuration; Entra ID uses `DefaultAzureCredential` (loaded only then). */
export async function azureSettings(c: SpeechConfig): Promise<AzureSpeechSettings> {
  const base = {
    ...(c.AZURE_SPEECH_REGION ? { region: c.AZURE_SPEECH_REGION } : {}),
    ...(c.AZURE_SPEECH_ENDPOINT ? { endpoint: c.AZURE_SPEECH_ENDPOINT } : {}),
    voice: c.AZURE_SPEECH_VOICE,
  };
  if (c.AZURE_SPEECH_AUTH === 'entra') {
    const { DefaultAzureCredential } = await import('@azure/identity');
    return { ...base, credential: new DefaultAzureCredential() };
  }
  return { ...base, ...(c.AZURE_SPEECH_KEY ? { key: c.AZURE_SPEECH_KEY } : {}) };
}

export interface SelectedProvider {
  readonly provider: SpeechProvider;
  /** What the local detection found (undefined for Azure). */
  readonly engines?: LocalEngines;
}

/** The provider the configuration selects, with its engines detected (local) or settings read (Azure). */
export async function createProvider(c: SpeechConfig): Promise<SelectedProvider> {
  if (providerKind(c) === 'azure') return { provider: createAzureProvider(await azureSettings(c)) };
  const opts = localOptions(c);
  const engines = await detectLocalEngines(opts);
  return { provider: createLocalProvider(engines, opts), engines };
}
