import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AudioContainer } from '../../audio/inspect.js';
import { encodeWav, parseWav, wavSamples } from '../../audio/wav.js';
import { CorruptAudioError } from '../../errors/corrupt-audio-error.js';
import { isSpeechProviderError } from '../../errors/speech-provider-error.js';
import { SttUnavailableError } from '../../errors/stt-unavailable-error.js';
import { TtsUnavailableError } from '../../errors/tts-unavailable-error.js';
import { UnknownVoiceError } from '../../errors/unknown-voice-error.js';
import { OUTPUT_MEDIA_TYPE, type OutputFormat, type ProviderCapabilities, type SpeechProvider, type VoiceInfo } from '../provider.js';
import { binaryEspeak, loadWasmEspeak, type EspeakEngine } from './espeak.js';
import { recognizeRaw, type SphinxModel } from './pocketsphinx.js';
import { findExecutable, runProcess } from './process.js';
import { probeSox, type Sox } from './sox.js';

export interface LocalProviderOptions {
  /** `auto`: the WASM package when installed, else the binary. @default 'auto' */
  readonly ttsEngine?: 'auto' | 'wasm' | 'binary';
  /** eSpeak NG binary (name on PATH or path). @default 'espeak-ng' */
  readonly espeakBin?: string;
  /** @default 'pocketsphinx_batch' */
  readonly sphinxBin?: string;
  /** @default 'sox' */
  readonly soxBin?: string;
  /** Ogg Opus decoder from opus-tools, used when SoX has no Opus support. @default 'opusdec' */
  readonly opusdecBin?: string;
  readonly sphinxModel: SphinxModel;
  /** Default eSpeak NG voice. @default 'en-us+f2' */
  readonly voice?: string;
  /** Speaking rate in words per minute. @default 160 */
  readonly wordsPerMinute?: number;
  /** Where per-request temporary directories go. @default os.tmpdir() */
  readonly tmpDir?: string;
  /** PATH used to look up binaries. @default process.env.PATH */
  readonly pathEnv?: string;
}

/** What was found on this machine; fixed at start (restart the pod after installing engines). */
export interface LocalEngines {
  readonly espeak?: EspeakEngine;
  readonly sphinx?: string;
  readonly sox?: Sox;
  readonly opusdec?: string;
  readonly modelFiles: boolean;
  readonly missing: { readonly stt: readonly string[]; readonly tts: readonly string[] };
}

export const DEFAULT_LOCAL_VOICE = 'en-us+f2';
/** eSpeak NG voice variants accepted after `+` (`en-us+f2`). */
const VARIANT = /^(m[1-8]|f[1-5]|croak|whisper|whisperf)$/;
const OUTPUT_RATE = 16_000;

async function readable(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds the local engines: eSpeak NG (WASM or binary), PocketSphinx, SoX (+ its formats), opusdec, the model files. */
export async function detectLocalEngines(opts: LocalProviderOptions): Promise<LocalEngines> {
  const pathEnv = opts.pathEnv ?? process.env['PATH'];
  const mode = opts.ttsEngine ?? 'auto';
  let espeak: EspeakEngine | undefined;
  if (mode !== 'binary') espeak = await loadWasmEspeak();
  if (!espeak && mode !== 'wasm') {
    const bin = await findExecutable(opts.espeakBin ?? 'espeak-ng', pathEnv);
    if (bin) espeak = binaryEspeak(bin);
  }
  const [sphinx, soxBin, opusdec] = await Promise.all([
    findExecutable(opts.sphinxBin ?? 'pocketsphinx_batch', pathEnv),
    findExecutable(opts.soxBin ?? 'sox', pathEnv),
    findExecutable(opts.opusdecBin ?? 'opusdec', pathEnv),
  ]);
  const sox = soxBin ? await probeSox(soxBin).catch(() => undefined) : undefined;
  const { hmm, lm, dict } = opts.sphinxModel;
  const [hmmOk, lmOk, dictOk] = await Promise.all([readable(join(hmm, 'mdef')), readable(lm), readable(dict)]);
  const stt: string[] = [];
  if (!sphinx) stt.push(opts.sphinxBin ?? 'pocketsphinx_batch');
  if (!sox) stt.push(opts.soxBin ?? 'sox');
  if (!hmmOk) stt.push(`acoustic model ${hmm}`);
  if (!lmOk) stt.push(`language model ${lm}`);
  if (!dictOk) stt.push(`dictionary ${dict}`);
  return {
    ...(espeak ? { espeak } : {}),
    ...(sphinx ? { sphinx } : {}),
    ...(sox ? { sox } : {}),
    ...(opusdec ? { opusdec } : {}),
    modelFiles: hmmOk && lmOk && dictOk,
    missing: { stt, tts: espeak ? [] : ['espeak-ng'] },
  };
}

/** Input containers we can decode to PCM with what is installed, and why the others are missing. */
function localCapabilities(e: LocalEngines): ProviderCapabilities {
  const stt = e.missing.stt.length === 0;
  const tts = e.espeak !== undefined;
  const notes: Record<string, string> = {};
  const inputFormats: AudioContainer[] = [];
  const outputFormats: OutputFormat[] = [];
  const soxMp3 = e.sox?.formats.has('mp3') ?? false;
  if (stt) {
    inputFormats.push('wav');
    if (soxMp3) inputFormats.push('mp3');
    else notes['mp3'] = 'the local engine decodes MP3 only with SoX MP3 support: apt-get install libsox-fmt-mp3';
    if (e.sox?.formats.has('opus') || e.opusdec) inputFormats.push('ogg-opus');
    else notes['ogg-opus'] = 'the local engine decodes Ogg Opus only with opus-tools: apt-get install opus-tools';
  }
  if (tts) {
    outputFormats.push('wav');
    if (soxMp3) outputFormats.push('mp3');
    else notes['mp3-output'] = 'the local engine encodes MP3 only with SoX MP3 support: apt-get install libsox-fmt-mp3';
  }
  return { stt, tts, inputFormats, outputFormats, notes, sttMissing: e.missing.stt };
}

/** A private temporary directory for one request, always removed afterwards. */
async function withTempDir<T>(base: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(base, `speech-${randomUUID().slice(0, 8)}-`));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Offline engines: eSpeak NG for text-to-speech (16 kHz mono WAV after SoX resampling) and PocketSphinx with
 * the bundled Northwind domain language model for speech-to-text (input converted to 16 kHz mono with SoX).
 */
export function createLocalProvider(engines: LocalEngines, opts: LocalProviderOptions): SpeechProvider {
  const capabilities = localCapabilities(engines);
  const defaultVoice = opts.voice ?? DEFAULT_LOCAL_VOICE;
  const wpm = opts.wordsPerMinute ?? 160;
  const tmpBase = opts.tmpDir ?? tmpdir();
  const model = opts.sphinxModel;
  let voiceList: Promise<VoiceInfo[]> | undefined;
  const voices = (): Promise<VoiceInfo[]> => {
    if (!engines.espeak) return Promise.resolve([]);
    voiceList ??= engines.espeak.voices().catch((err: unknown) => {
      voiceList = undefined;
      throw err;
    });
    return voiceList;
  };

  const checkVoice = async (voice: string): Promise<void> => {
    const [base, variant, ...rest] = voice.toLowerCase().split('+');
    if (rest.length > 0 || (variant !== undefined && !VARIANT.test(variant))) throw new UnknownVoiceError(voice);
    const known = await voices();
    if (!known.some((v) => v.name.toLowerCase() === base)) throw new UnknownVoiceError(voice);
  };

  /** Decodes the input to 16 kHz mono 16-bit raw PCM at `<dir>/audio.raw`. */
  const toRaw = async (audio: Parameters<SpeechProvider['transcribe']>[0], dir: string, signal: AbortSignal): Promise<void> => {
    const sox = engines.sox as Sox;
    const ext = audio.format === 'ogg-opus' ? 'ogg' : audio.format;
    let input = join(dir, `input.${ext}`);
    let inputType: string = audio.format === 'ogg-opus' ? 'opus' : audio.format;
    await writeFile(input, audio.bytes);
    if (audio.format === 'ogg-opus' && !sox.formats.has('opus')) {
      const decoded = join(dir, 'decoded.wav');
      const r = await runProcess(engines.opusdec as string, ['--quiet', '--force-wav', input, decoded], { signal });
      if (r.code !== 0) throw new CorruptAudioError('The Ogg Opus audio could not be decoded');
      input = decoded;
      inputType = 'wav';
    }
    try {
      await sox.convert(input, join(dir, 'audio.raw'), { rate: OUTPUT_RATE, channels: 1, type: 'raw', inputType, signal });
    } catch (err) {
      // SoX rejects audio it cannot decode: the header looked right, the payload is not
      if (isSpeechProviderError(err)) throw new CorruptAudioError('The audio could not be decoded', undefined, { cause: err });
      throw err;
    }
  };

  return {
    name: 'local',
    capabilities: () => capabilities,
    supportsLanguage: (language) => /^en(-[a-z]{2})?$/i.test(language),
    ready: () => Promise.resolve(capabilities.stt && capabilities.tts),

    async transcribe(audio, o) {
      if (!capabilities.stt) throw new SttUnavailableError(engines.missing.stt);
      return withTempDir(tmpBase, async (dir) => {
        await toRaw(audio, dir, o.signal);
        const result = await recognizeRaw(engines.sphinx as string, model, dir, o.signal);
        return { ...result, language: 'en-US' };
      });
    },

    async synthesize(text, o) {
      const espeak = engines.espeak;
      if (!espeak) throw new TtsUnavailableError();
      const voice = o.voice ?? defaultVoice;
      await checkVoice(voice);
      const wav = await espeak.synthesize(text, { voice, wordsPerMinute: wpm, signal: o.signal });
      const info = parseWav(wav, { sampleRates: [8000, 11025, 16000, 22050, 24000, 44100, 48000], maxChannels: 2 });
      const sox = engines.sox;
      if (!sox || (o.format === 'wav' && info.sampleRate === OUTPUT_RATE)) {
        // no SoX: eSpeak NG's own rate (22.05 kHz), with a clean header (the binary streams a placeholder length)
        return { audio: encodeWav(wavSamples(wav, info), info.sampleRate, info.channels), format: 'wav', contentType: OUTPUT_MEDIA_TYPE.wav, voice };
      }
      return withTempDir(tmpBase, async (dir) => {
        const input = join(dir, 'tts.wav');
        const output = join(dir, `out.${o.format}`);
        await writeFile(input, encodeWav(wavSamples(wav, info), info.sampleRate, info.channels));
        await sox.convert(input, output, { rate: OUTPUT_RATE, channels: 1, type: o.format, signal: o.signal });
        return { audio: await readFile(output), format: o.format, contentType: OUTPUT_MEDIA_TYPE[o.format], voice };
      });
    },

    voices: () => voices(),
  };
}
