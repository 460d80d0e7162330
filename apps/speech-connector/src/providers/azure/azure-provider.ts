import { abortReason } from '@supportmesh/resilience';
import sdk from 'microsoft-cognitiveservices-speech-sdk';
import { downmixToMono } from '../../audio/wav.js';
import { SpeechProviderError } from '../../errors/speech-provider-error.js';
import { SttUnavailableError } from '../../errors/stt-unavailable-error.js';
import { TtsUnavailableError } from '../../errors/tts-unavailable-error.js';
import { OUTPUT_MEDIA_TYPE, type AudioInput, type ProviderCapabilities, type SpeechProvider, type Transcript, type VoiceInfo } from '../provider.js';
import { DEFAULT_AZURE_VOICE, isAzureConfigured, recognitionConfig, synthesisConfig, type AzureSpeechSettings } from './azure-config.js';
import { fromCancellationDetails, mapCancellation, mapSdkError } from './azure-errors.js';

const PUSH_CHUNK_BYTES = 32 * 1024;
const VOICES_TTL_MS = 60 * 60 * 1000;

/**
 * The audio as an SDK push stream: PCM WAV is down-mixed to mono and pushed as raw samples with its rate;
 * Ogg Opus and MP3 are pushed compressed, tagged with their container (the service decodes them).
 */
export function pushStreamFor(audio: AudioInput): sdk.PushAudioInputStream {
  let format: sdk.AudioStreamFormat;
  let payload: Uint8Array;
  if (audio.format === 'wav') {
    const pcm = audio.pcm ?? { offset: 44, length: audio.bytes.length - 44 };
    payload = downmixToMono(audio.bytes.subarray(pcm.offset, pcm.offset + pcm.length), audio.channels);
    format = sdk.AudioStreamFormat.getWaveFormatPCM(audio.sampleRate, 16, 1);
  } else {
    payload = audio.bytes;
    const tag = audio.format === 'mp3' ? sdk.AudioFormatTag.MP3 : sdk.AudioFormatTag.OGG_OPUS;
    format = sdk.AudioStreamFormat.getWaveFormat(audio.sampleRate, 16, audio.channels, tag);
  }
  const stream = sdk.AudioInputStream.createPushStream(format);
  for (let at = 0; at < payload.length; at += PUSH_CHUNK_BYTES) {
    const chunk = payload.subarray(at, Math.min(payload.length, at + PUSH_CHUNK_BYTES));
    stream.write(chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength) as ArrayBuffer);
  }
  stream.close();
  return stream;
}

/** The N-best confidence of a detailed recognition result, if present. */
function confidenceOf(result: sdk.SpeechRecognitionResult): number | undefined {
  try {
    const json = JSON.parse(result.json) as { NBest?: { Confidence?: unknown }[] };
    const c = json.NBest?.[0]?.Confidence;
    return typeof c === 'number' && c >= 0 && c <= 1 ? c : undefined;
  } catch {
    return undefined;
  }
}

/** `fn` at most once; SDK objects throw when closed twice. Errors from closing are ignored. */
function once(fn: () => void): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    try {
      fn();
    } catch {
      // already disposed
    }
  };
}

/** Runs `work` until it settles or `signal` aborts (then `onAbort` releases SDK resources). */
function untilAborted<T>(signal: AbortSignal, onAbort: () => void, work: (resolve: (v: T) => void, reject: (e: unknown) => void) => void): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const settle = (fn: () => void): void => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', aborted);
      fn();
    };
    const aborted = (): void => {
      settle(() => reject(abortReason(signal)));
      onAbort();
    };
    signal.addEventListener('abort', aborted, { once: true });
    try {
      work(
        (v) => settle(() => resolve(v)),
        (e) => settle(() => reject(e)),
      );
    } catch (err) {
      settle(() => reject(err));
    }
  });
}

/** Azure Speech through `microsoft-cognitiveservices-speech-sdk`: continuous recognition and neural TTS. */
export function createAzureProvider(settings: AzureSpeechSettings): SpeechProvider {
  const configured = isAzureConfigured(settings);
  const defaultVoice = settings.voice ?? DEFAULT_AZURE_VOICE;
  let voiceCache: { at: number; voices: VoiceInfo[] } | undefined;

  const capabilities: ProviderCapabilities = {
    stt: configured,
    tts: configured,
    inputFormats: ['wav', 'ogg-opus', 'mp3'],
    outputFormats: ['wav', 'mp3'],
    notes: configured ? {} : { azure: 'set AZURE_SPEECH_KEY and AZURE_SPEECH_REGION' },
    sttMissing: configured ? [] : ['AZURE_SPEECH_KEY/AZURE_SPEECH_REGION'],
  };

  return {
    name: 'azure',
    capabilities: () => capabilities,
    supportsLanguage: (language) => /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/i.test(language),
    ready: () => Promise.resolve(configured),

    async transcribe(audio, opts): Promise<Transcript> {
      if (!configured) throw new SttUnavailableError(['AZURE_SPEECH_KEY/AZURE_SPEECH_REGION']);
      const recognizer = new sdk.SpeechRecognizer(recognitionConfig(settings, opts.language), sdk.AudioConfig.fromStreamInput(pushStreamFor(audio)));
      const texts: string[] = [];
      const confidences: number[] = [];
      const close = once(() => recognizer.close());
      const release = once(() =>
        recognizer.stopContinuousRecognitionAsync(
          () => close(),
          () => close(),
        ),
      );
      try {
        await untilAborted<void>(opts.signal, release, (resolve, reject) => {
          recognizer.recognized = (_s, e) => {
            if (e.result.reason !== sdk.ResultReason.RecognizedSpeech || e.result.text.trim() === '') return;
            texts.push(e.result.text.trim());
            const c = confidenceOf(e.result);
            if (c !== undefined) confidences.push(c);
          };
          recognizer.canceled = (_s, e) => {
            if (e.reason === sdk.CancellationReason.EndOfStream) resolve();
            else reject(mapCancellation(e, 'transcription'));
          };
          recognizer.sessionStopped = () => resolve();
          recognizer.startContinuousRecognitionAsync(
            () => undefined,
            (err) => reject(mapSdkError(err, 'transcription')),
          );
        });
      } finally {
        release();
      }
      const confidence = confidences.length > 0 ? confidences.reduce((a, b) => a + b, 0) / confidences.length : undefined;
      return { text: texts.join(' '), language: opts.language, ...(confidence === undefined ? {} : { confidence }) };
    },

    async synthesize(text, opts) {
      if (!configured) throw new TtsUnavailableError();
      const voice = opts.voice ?? defaultVoice;
      const synthesizer = new sdk.SpeechSynthesizer(synthesisConfig(settings, voice, opts.format), null);
      const close = once(() => synthesizer.close());
      const audio = await untilAborted<Buffer>(
        opts.signal,
        close,
        (resolve, reject) => {
          synthesizer.speakTextAsync(
            text,
            (result) => {
              close();
              if (result.reason === sdk.ResultReason.SynthesizingAudioCompleted && result.audioData.byteLength > 0) {
                resolve(Buffer.from(result.audioData));
              } else if (result.reason === sdk.ResultReason.Canceled) {
                reject(mapCancellation(fromCancellationDetails(sdk.CancellationDetails.fromResult(result)), 'synthesis'));
              } else {
                reject(new SpeechProviderError('Azure Speech returned no audio', { provider: 'azure', reason: sdk.ResultReason[result.reason] ?? 'Unknown', retryable: false }));
              }
            },
            (err) => {
              close();
              reject(mapSdkError(err, 'synthesis'));
            },
          );
        },
      );
      return { audio, format: opts.format, contentType: OUTPUT_MEDIA_TYPE[opts.format], voice };
    },

    async voices(opts) {
      if (!configured) return [];
      if (voiceCache && Date.now() - voiceCache.at < VOICES_TTL_MS) return voiceCache.voices;
      const synthesizer = new sdk.SpeechSynthesizer(synthesisConfig(settings, defaultVoice, 'wav'), null);
      const close = once(() => synthesizer.close());
      try {
        const result = await untilAborted<sdk.SynthesisVoicesResult>(opts?.signal ?? new AbortController().signal, close, (resolve, reject) => {
          synthesizer.getVoicesAsync('').then(resolve, (err: unknown) => reject(mapSdkError(err, 'synthesis')));
        });
        if (result.reason !== sdk.ResultReason.VoicesListRetrieved) {
          throw new SpeechProviderError('Azure Speech did not list its voices', { provider: 'azure', reason: sdk.ResultReason[result.reason] ?? 'Unknown', retryable: true });
        }
        const voices = result.voices.map(
          (v): VoiceInfo => ({
            name: v.shortName,
            locale: v.locale,
            gender: v.gender === sdk.SynthesisVoiceGender.Female ? 'female' : v.gender === sdk.SynthesisVoiceGender.Male ? 'male' : 'neutral',
            displayName: v.localName,
          }),
        );
        voiceCache = { at: Date.now(), voices };
        return voices;
      } finally {
        close();
      }
    },
  };
}
