import { CorruptAudioError } from '../errors/corrupt-audio-error.js';
import { EmptyAudioError } from '../errors/empty-audio-error.js';
import { UnsupportedAudioError } from '../errors/unsupported-audio-error.js';

/** What the MPEG audio frames say. */
export interface Mp3Info {
  readonly sampleRate: number;
  readonly channels: number;
  readonly frames: number;
  readonly durationMs: number;
}

interface FrameHeader {
  readonly length: number;
  readonly sampleRate: number;
  readonly samples: number;
  readonly channels: number;
}

const BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0];
const BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0];
const SAMPLE_RATES: Readonly<Record<number, readonly number[]>> = {
  3: [44_100, 48_000, 32_000], // MPEG-1
  2: [22_050, 24_000, 16_000], // MPEG-2
  0: [11_025, 12_000, 8_000], // MPEG-2.5
};
/** How far past the ID3 tag we look for the first frame (encoders pad). */
const SYNC_SEARCH_BYTES = 64 * 1024;

/** Size of a leading ID3v2 tag (0 when there is none). */
export function id3v2Size(bytes: Uint8Array): number {
  if (bytes.length < 10 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return 0; // "ID3"
  const size = (((bytes[6] as number) & 0x7f) << 21) | (((bytes[7] as number) & 0x7f) << 14) | (((bytes[8] as number) & 0x7f) << 7) | ((bytes[9] as number) & 0x7f);
  const footer = ((bytes[5] as number) & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

/** Decodes an MPEG audio Layer III frame header at `offset`; undefined when it is not one. */
export function frameHeaderAt(bytes: Uint8Array, offset: number): FrameHeader | undefined {
  if (offset + 4 > bytes.length) return undefined;
  const b1 = bytes[offset + 1] as number;
  const b2 = bytes[offset + 2] as number;
  const b3 = bytes[offset + 3] as number;
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const version = (b1 >> 3) & 0x03; // 0: 2.5, 1: reserved, 2: 2, 3: 1
  const layer = (b1 >> 1) & 0x03; // 1: Layer III
  if (version === 1 || layer !== 1) return undefined;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 0x03;
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const bitrate = (version === 3 ? BITRATES_V1_L3 : BITRATES_V2_L3)[bitrateIndex] as number;
  const sampleRate = (SAMPLE_RATES[version] as readonly number[])[rateIndex] as number;
  const padding = (b2 >> 1) & 0x01;
  const samples = version === 3 ? 1152 : 576;
  const length = Math.floor(((samples / 8) * bitrate * 1000) / sampleRate) + padding;
  return { length, sampleRate, samples, channels: b3 >> 6 === 3 ? 1 : 2 };
}

/** True when the bytes start with an ID3v2 tag or an MPEG Layer III frame. */
export function looksLikeMp3(bytes: Uint8Array): boolean {
  return id3v2Size(bytes) > 0 || frameHeaderAt(bytes, 0) !== undefined;
}

/**
 * Walks the MPEG Layer III frames (after an ID3v2 tag) and sums their samples, which works for CBR and VBR.
 * Stops at the first non-frame (an ID3v1/APE tag or trailing bytes). Throws 400 when no frame is found.
 */
export function parseMp3(bytes: Uint8Array): Mp3Info {
  const tag = id3v2Size(bytes);
  if (tag > bytes.length) throw new CorruptAudioError('The ID3 tag is longer than the file');
  let start = -1;
  const searchEnd = Math.min(bytes.length - 4, tag + SYNC_SEARCH_BYTES);
  for (let i = tag; i <= searchEnd; i++) {
    const head = frameHeaderAt(bytes, i);
    // a frame counts when the next one follows it (or the file ends right after it)
    if (head && (i + head.length >= bytes.length || frameHeaderAt(bytes, i + head.length))) {
      start = i;
      break;
    }
  }
  if (start < 0) {
    if (tag > 0 && tag >= bytes.length - 4) throw new EmptyAudioError('The MP3 file has a tag but no audio frames');
    if (bytes[tag] === 0xff && (((bytes[tag + 1] ?? 0) >> 1) & 0x03) !== 1) throw new UnsupportedAudioError('MPEG audio must be Layer III (MP3)');
    throw new CorruptAudioError('No MPEG audio frame found');
  }
  let frames = 0;
  let samples = 0;
  let first: FrameHeader | undefined;
  let offset = start;
  // at most one frame per 24 bytes (the smallest Layer III frame), so the walk is bounded by the body size
  while (offset < bytes.length) {
    const head = frameHeaderAt(bytes, offset);
    if (!head || head.length < 24) break;
    first ??= head;
    frames++;
    samples += head.samples;
    offset += head.length;
  }
  if (!first || frames === 0) throw new CorruptAudioError('No MPEG audio frame found');
  return { sampleRate: first.sampleRate, channels: first.channels, frames, durationMs: (samples / first.sampleRate) * 1000 };
}
