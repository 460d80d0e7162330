import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import sdk from 'microsoft-cognitiveservices-speech-sdk';
import { describe, expect, it } from 'vitest';
import { inspectAudio } from '../../audio/inspect.js';
import { loadSpeechConfig } from '../../config.js';
import { isSpeechProviderError, type SpeechProviderError } from '../../errors/speech-provider-error.js';
import { oggOpusFixture, silenceWav, toneWav } from '../../testing/index.js';
import { azureSettings } from '../select.js';
import { baseSpeechConfig, isAzureConfigured, recognitionConfig, synthesisConfig } from './azure-config.js';
import { fromCancellationDetails, mapCancellation } from './azure-errors.js';
import { createAzureProvider, pushStreamFor } from './azure-provider.js';

/** A loopback port with nothing listening (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Azure Speech configuration (SDK objects, no network)', () => {
  it('builds a SpeechConfig from AZURE_SPEECH_KEY and AZURE_SPEECH_REGION with the language and output formats', async () => {
    const settings = await azureSettings(loadSpeechConfig({ AZURE_SPEECH_KEY: 'test-key', AZURE_SPEECH_REGION: 'westeurope', AZURE_SPEECH_VOICE: 'en-GB-SoniaNeural' }));
    expect(isAzureConfigured(settings)).toBe(true);
    const rec = recognitionConfig(settings, 'en-GB');
    expect(rec.region).toBe('westeurope');
    expect(rec.subscriptionKey).toBe('test-key');
    expect(rec.speechRecognitionLanguage).toBe('en-GB');
    expect(rec.outputFormat).toBe(sdk.OutputFormat.Detailed);

    const wav = synthesisConfig(settings, settings.voice ?? '', 'wav');
    expect(wav.speechSynthesisVoiceName).toBe('en-GB-SoniaNeural');
    expect(wav.speechSynthesisOutputFormat).toBe(sdk.SpeechSynthesisOutputFormat.Riff16Khz16BitMonoPcm);
    expect(synthesisConfig(settings, 'en-US-JennyNeural', 'mp3').speechSynthesisOutputFormat).toBe(sdk.SpeechSynthesisOutputFormat.Audio16Khz32KBitRateMonoMp3);
  });

  it('uses the endpoint with a key, or with an Entra ID credential when AZURE_SPEECH_AUTH=entra', async () => {
    const endpoint = 'https://northwind-speech.cognitiveservices.azure.com/';
    const withKey = baseSpeechConfig(await azureSettings(loadSpeechConfig({ AZURE_SPEECH_ENDPOINT: endpoint, AZURE_SPEECH_KEY: 'k' })));
    expect(withKey.subscriptionKey).toBe('k');
    expect(withKey.getProperty(sdk.PropertyId[sdk.PropertyId.SpeechServiceConnection_Endpoint])).toBe(endpoint);

    const entraSettings = await azureSettings(loadSpeechConfig({ AZURE_SPEECH_ENDPOINT: endpoint, AZURE_SPEECH_AUTH: 'entra' }));
    expect(entraSettings.key).toBeUndefined();
    expect(entraSettings.credential).toBeDefined();
    expect(baseSpeechConfig(entraSettings).tokenCredential).toBe(entraSettings.credential);
  });

  it('is not ready and refuses work without credentials', async () => {
    const provider = createAzureProvider({});
    expect(await provider.ready()).toBe(false);
    await expect(provider.synthesize('hi', { signal: new AbortController().signal, format: 'wav' })).rejects.toMatchObject({ status: 503, code: 'TTS_UNAVAILABLE' });
  });

  it('pushes stereo PCM as mono samples at its own rate', async () => {
    const stereo = toneWav(0.5, 8000, 2);
    const stream = pushStreamFor({ bytes: stereo, ...inspectAudio(stereo, 'wav') });
    const format = await (stream as unknown as { format: Promise<{ channels: number; samplesPerSec: number; formatTag: number }> }).format;
    expect(format).toMatchObject({ channels: 1, samplesPerSec: 8000, formatTag: 1 });
  });
});

describe('Azure Speech cancellations mapped to errors (SDK objects)', () => {
  const synthesisCancelled = (code: string): sdk.SpeechSynthesisResult => {
    const props = new sdk.PropertyCollection();
    props.setProperty('CancellationErrorCode', code);
    return new sdk.SpeechSynthesisResult('id', sdk.ResultReason.Canceled, undefined, `service said ${code}`, props);
  };

  it.each([
    ['ConnectionFailure', true],
    ['ServiceTimeout', true],
    ['TooManyRequests', true],
    ['ServiceError', true],
    ['AuthenticationFailure', false],
    ['Forbidden', false],
    ['BadRequestParameters', false],
  ])('a synthesis cancelled with %s is retryable: %s', (code, retryable) => {
    const err = mapCancellation(fromCancellationDetails(sdk.CancellationDetails.fromResult(synthesisCancelled(code))), 'synthesis');
    expect(err).toMatchObject({ code: 'SPEECH_PROVIDER_ERROR', provider: 'azure', reason: code, retryable, clientFault: code === 'BadRequestParameters' });
    expect(err.message).not.toContain('service said'); // details go to `cause` (logs), not to clients
  });

  it('maps recognition canceled-event args the same way', () => {
    const args = new sdk.SpeechRecognitionCanceledEventArgs(sdk.CancellationReason.Error, 'quota', sdk.CancellationErrorCode.TooManyRequests);
    expect(mapCancellation(args, 'transcription')).toMatchObject({ reason: 'TooManyRequests', retryable: true });
    const auth = new sdk.SpeechRecognitionCanceledEventArgs(sdk.CancellationReason.Error, '401', sdk.CancellationErrorCode.AuthenticationFailure);
    expect(mapCancellation(auth, 'transcription')).toMatchObject({ reason: 'AuthenticationFailure', retryable: false });
  });
});

describe('Azure provider through the real SDK against a closed loopback port (the cloud is not reached)', () => {
  it('turns a failed connection during transcription into a retryable ConnectionFailure', async () => {
    const port = await closedPort();
    const provider = createAzureProvider({ endpoint: `ws://127.0.0.1:${port}/speech/recognition/conversation/cognitiveservices/v1`, key: 'k' });
    const wav = silenceWav(0.5);
    const err = (await provider.transcribe({ bytes: wav, ...inspectAudio(wav, 'wav') }, { signal: new AbortController().signal, language: 'en-US' }).catch((e: unknown) => e)) as SpeechProviderError;
    expect(isSpeechProviderError(err)).toBe(true);
    expect(err).toMatchObject({ provider: 'azure', reason: 'ConnectionFailure', retryable: true });
  });

  it('streams Ogg Opus compressed through the SDK (and maps the failed connection the same way)', async () => {
    const port = await closedPort();
    const provider = createAzureProvider({ endpoint: `ws://127.0.0.1:${port}/speech/recognition/conversation/cognitiveservices/v1`, key: 'k' });
    const ogg = oggOpusFixture(1);
    const err = await provider.transcribe({ bytes: ogg, ...inspectAudio(ogg, 'ogg-opus') }, { signal: new AbortController().signal, language: 'en-US' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'ConnectionFailure', retryable: true });
  });

  it('turns a failed connection during synthesis into a retryable ConnectionFailure', async () => {
    const port = await closedPort();
    const provider = createAzureProvider({ endpoint: `ws://127.0.0.1:${port}/cognitiveservices/websocket/v1`, key: 'k' });
    const err = await provider.synthesize('I want to reset my password', { signal: new AbortController().signal, format: 'wav' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SPEECH_PROVIDER_ERROR', reason: 'ConnectionFailure', retryable: true });
  });
});
