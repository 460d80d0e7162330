import type { AudioContainer } from '../audio/inspect.js';

/** Output formats of `POST /v1/speech/synthesize`. */
export type OutputFormat = 'wav' | 'mp3';

export const OUTPUT_MEDIA_TYPE: Readonly<Record<OutputFormat, string>> = { wav: 'audio/wav', mp3: 'audio/mpeg' };

/** Validated audio handed to a provider. */
export interface AudioInput {
  readonly bytes: Buffer;
  readonly format: AudioContainer;
  readonly sampleRate: number;
  readonly channels: number;
  readonly durationMs: number;
  /** WAV only: where the 16-bit PCM samples are in `bytes`. */
  readonly pcm?: { readonly offset: number; readonly length: number };
}

export interface TranscribeOptions {
  readonly signal: AbortSignal;
  /** BCP-47 tag, e.g. `en-US`. */
  readonly language: string;
}

export interface Transcript {
  readonly text: string;
  readonly language: string;
  /** 0..1 when the engine reports one. */
  readonly confidence?: number;
}

export interface SynthesizeOptions {
  readonly signal: AbortSignal;
  readonly voice?: string;
  readonly format: OutputFormat;
}

export interface SynthesizedAudio {
  readonly audio: Buffer;
  readonly format: OutputFormat;
  readonly contentType: string;
  readonly voice: string;
}

export interface VoiceInfo {
  /** What to send as `voice`. */
  readonly name: string;
  /** BCP-47 locale or eSpeak language tag. */
  readonly locale: string;
  readonly gender?: 'female' | 'male' | 'neutral';
  readonly displayName?: string;
}

/** What a provider can do right now (depends on installed engines / configuration). */
export interface ProviderCapabilities {
  readonly stt: boolean;
  readonly tts: boolean;
  /** Input containers the speech-to-text side decodes. */
  readonly inputFormats: readonly AudioContainer[];
  readonly outputFormats: readonly OutputFormat[];
  /** Why an input or output format is missing, e.g. `mp3: install libsox-fmt-mp3`. */
  readonly notes: Readonly<Record<string, string>>;
  /** What speech-to-text lacks when `stt` is false (binaries, model files, credentials). */
  readonly sttMissing?: readonly string[];
}

/**
 * A speech engine behind one interface: Azure Speech (cloud) or the local offline engines
 * (eSpeak NG + PocketSphinx). Implementations honour `signal` (abort = stop work and release resources)
 * and throw `SpeechProviderError` for engine failures (`retryable` for transient ones),
 * `SttUnavailableError` / `TtsUnavailableError` when the engine is not installed or configured.
 */
export interface SpeechProvider {
  readonly name: string;
  transcribe(audio: AudioInput, opts: TranscribeOptions): Promise<Transcript>;
  synthesize(text: string, opts: SynthesizeOptions): Promise<SynthesizedAudio>;
  voices(opts?: { readonly signal?: AbortSignal }): Promise<readonly VoiceInfo[]>;
  /** True when the provider is configured and its engines are present (no network call). */
  ready(): Promise<boolean>;
  capabilities(): ProviderCapabilities;
  /** Whether `language` (BCP-47) can be transcribed. */
  supportsLanguage(language: string): boolean;
  close?(): Promise<void>;
}
