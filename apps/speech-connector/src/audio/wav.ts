import { CorruptAudioError } from '../errors/corrupt-audio-error.js';
import { EmptyAudioError } from '../errors/empty-audio-error.js';
import { UnsupportedAudioError } from '../errors/unsupported-audio-error.js';

/** A parsed RIFF/WAVE header: where the PCM samples are and what they are. */
export interface WavInfo {
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  /** Byte offset of the first sample. */
  readonly dataOffset: number;
  /** Bytes of samples (whole frames only). */
  readonly dataLength: number;
  readonly durationMs: number;
}

export interface WavRules {
  /** Sample rates accepted. @default [8000, 16000] */
  readonly sampleRates?: readonly number[];
  /** Most channels accepted. @default 2 */
  readonly maxChannels?: number;
}

const FORMAT_PCM = 1;
const FORMAT_EXTENSIBLE = 0xfffe;
const FORMAT_NAMES: Readonly<Record<number, string>> = { 2: 'MS ADPCM', 3: 'IEEE float', 6: 'A-law', 7: 'µ-law', 17: 'IMA ADPCM', 85: 'MP3' };
/**
 * Data-chunk sizes written by streaming encoders that do not know the length yet (`espeak-ng --stdout`,
 * `sox -t wav -`, live recorders): the samples run to the end of the body.
 */
const isPlaceholderSize = (size: number): boolean => size === 0 || size >= 0x7fff_0000;

function fourCc(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + 4));
}

/** True when the bytes start like a RIFF/WAVE file. */
export function looksLikeWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && fourCc(bytes, 0) === 'RIFF' && fourCc(bytes, 8) === 'WAVE';
}

/**
 * Parses a WAV header and checks it is 16-bit linear PCM at an accepted rate with 1–2 channels.
 * Throws `CorruptAudioError` (400) for a broken structure, `EmptyAudioError` (400) for no samples and
 * `UnsupportedAudioError` (415) for a valid WAV with another encoding. Walks at most 64 chunks.
 */
export function parseWav(bytes: Uint8Array, rules: WavRules = {}): WavInfo {
  if (!looksLikeWav(bytes)) throw new CorruptAudioError('Not a RIFF/WAVE file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let fmt: { format: number; channels: number; sampleRate: number; blockAlign: number; bits: number } | undefined;
  for (let chunk = 0; chunk < 64 && offset + 8 <= bytes.length; chunk++) {
    const id = fourCc(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw new CorruptAudioError('The WAV fmt chunk is truncated');
      let format = view.getUint16(body, true);
      if (format === FORMAT_EXTENSIBLE) {
        // WAVE_FORMAT_EXTENSIBLE: the real format tag is the first two bytes of the sub-format GUID.
        if (size < 40 || body + 26 > bytes.length) throw new CorruptAudioError('The WAV extensible fmt chunk is truncated');
        format = view.getUint16(body + 24, true);
      }
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw new CorruptAudioError('The WAV data chunk comes before the fmt chunk');
      checkFormat(fmt, rules);
      const available = bytes.length - body;
      let length = size;
      if (size > available) {
        if (!isPlaceholderSize(size)) {
          throw new CorruptAudioError('The WAV data chunk is truncated', { declaredBytes: size, availableBytes: available });
        }
        length = available;
      } else if (size === 0) {
        length = available;
      }
      const frame = fmt.channels * 2;
      const whole = length - (length % frame);
      if (whole === 0) throw new EmptyAudioError('The WAV file has no samples');
      return {
        sampleRate: fmt.sampleRate,
        channels: fmt.channels,
        bitsPerSample: fmt.bits,
        dataOffset: body,
        dataLength: whole,
        durationMs: (whole / (fmt.sampleRate * frame)) * 1000,
      };
    }
    if (size > bytes.length) throw new CorruptAudioError(`The WAV ${JSON.stringify(id.replace(/[^\x20-\x7e]/g, '?'))} chunk size is out of range`);
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  throw new CorruptAudioError(fmt ? 'The WAV file has no data chunk' : 'The WAV file has no fmt chunk');
}

function checkFormat(fmt: { format: number; channels: number; sampleRate: number; blockAlign: number; bits: number }, rules: WavRules): void {
  const rates = rules.sampleRates ?? [8000, 16000];
  const maxChannels = rules.maxChannels ?? 2;
  if (fmt.format !== FORMAT_PCM) {
    const name = FORMAT_NAMES[fmt.format] ?? `format tag ${fmt.format}`;
    throw new UnsupportedAudioError(`WAV audio must be 16-bit linear PCM; this file is ${name}`, { formatTag: fmt.format });
  }
  if (fmt.channels < 1 || fmt.blockAlign === 0) throw new CorruptAudioError('The WAV fmt chunk has no channels');
  if (fmt.bits !== 16) throw new UnsupportedAudioError(`WAV audio must be 16-bit PCM; this file is ${fmt.bits}-bit`, { bitsPerSample: fmt.bits });
  if (fmt.blockAlign !== fmt.channels * 2) throw new CorruptAudioError('The WAV block alignment does not match its channels');
  if (fmt.channels > maxChannels) {
    throw new UnsupportedAudioError(`WAV audio must have 1 to ${maxChannels} channels; this file has ${fmt.channels}`, { channels: fmt.channels });
  }
  if (!rates.includes(fmt.sampleRate)) {
    throw new UnsupportedAudioError(`WAV audio must be sampled at ${rates.map((r) => `${r / 1000} kHz`).join(' or ')}; this file is ${fmt.sampleRate} Hz`, {
      sampleRate: fmt.sampleRate,
      accepted: rates,
    });
  }
}

/** A 44-byte canonical header followed by 16-bit little-endian PCM `samples`. */
export function encodeWav(samples: Uint8Array, sampleRate: number, channels: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + samples.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(FORMAT_PCM, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(samples.length, 40);
  return Buffer.concat([header, samples]);
}

/** `seconds` of silence as a 16-bit PCM WAV (test fixtures, probes). */
export function silenceWav(seconds: number, sampleRate = 16000, channels = 1): Buffer {
  return encodeWav(Buffer.alloc(Math.round(seconds * sampleRate) * channels * 2), sampleRate, channels);
}

/** Averages interleaved 16-bit channels into one (what Azure Speech wants for PCM input). */
export function downmixToMono(samples: Uint8Array, channels: number): Buffer {
  if (channels === 1) return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const view = new DataView(samples.buffer, samples.byteOffset, samples.byteLength);
  const frames = Math.floor(samples.byteLength / (2 * channels));
  const out = Buffer.alloc(frames * 2);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += view.getInt16((f * channels + c) * 2, true);
    out.writeInt16LE(Math.round(sum / channels), f * 2);
  }
  return out;
}

/** The PCM samples of a parsed WAV. */
export function wavSamples(bytes: Uint8Array, info: WavInfo): Uint8Array {
  return bytes.subarray(info.dataOffset, info.dataOffset + info.dataLength);
}
