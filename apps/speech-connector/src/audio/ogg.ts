import { CorruptAudioError } from '../errors/corrupt-audio-error.js';
import { EmptyAudioError } from '../errors/empty-audio-error.js';
import { UnsupportedAudioError } from '../errors/unsupported-audio-error.js';

/** What the Ogg Opus headers say (RFC 7845). */
export interface OggOpusInfo {
  readonly channels: number;
  /** The encoder's input rate (informational; Opus always decodes at 48 kHz). */
  readonly inputSampleRate: number;
  readonly preSkip: number;
  readonly durationMs: number;
}

const OPUS_RATE = 48_000;
const PAGE_HEADER = 27;

/** True when the bytes start with an Ogg page. */
export function looksLikeOgg(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x4f && bytes[1] === 0x67 && bytes[2] === 0x67 && bytes[3] === 0x53; // OggS
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

/** The first packet's offset on the first page, or undefined when the page header is cut short. */
function firstPacketOffset(bytes: Uint8Array): number | undefined {
  if (bytes.length < PAGE_HEADER) return undefined;
  const segments = bytes[26] as number;
  const offset = PAGE_HEADER + segments;
  return offset <= bytes.length ? offset : undefined;
}

/** True for an Ogg stream whose first packet is an `OpusHead`. */
export function isOggOpus(bytes: Uint8Array): boolean {
  const offset = firstPacketOffset(bytes);
  return looksLikeOgg(bytes) && offset !== undefined && ascii(bytes, offset, 8) === 'OpusHead';
}

/**
 * Reads the `OpusHead` and the granule position of the last page: duration = (granule − pre-skip) / 48 kHz.
 * Throws 415 for Ogg with another codec (Vorbis, FLAC…), 400 for a broken stream or no audio.
 */
export function parseOggOpus(bytes: Uint8Array): OggOpusInfo {
  if (!looksLikeOgg(bytes)) throw new CorruptAudioError('Not an Ogg stream');
  if (bytes[4] !== 0) throw new CorruptAudioError('Unknown Ogg page version');
  const packet = firstPacketOffset(bytes);
  if (packet === undefined) throw new CorruptAudioError('The first Ogg page is truncated');
  const magic = ascii(bytes, packet, 8);
  if (magic !== 'OpusHead') {
    const codec = ascii(bytes, packet + 1, 6) === 'vorbis' ? 'Vorbis' : magic.startsWith('\x7fFLAC') ? 'FLAC' : 'an unknown codec';
    throw new UnsupportedAudioError(`Ogg audio must be Opus; this stream is ${codec}`, { codec });
  }
  if (packet + 19 > bytes.length) throw new CorruptAudioError('The OpusHead packet is truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[packet + 8] as number;
  if (version >> 4 !== 0) throw new UnsupportedAudioError(`Unsupported Ogg Opus version ${version}`);
  const channels = bytes[packet + 9] as number;
  if (channels < 1) throw new CorruptAudioError('The OpusHead has no channels');
  const preSkip = view.getUint16(packet + 10, true);
  const inputSampleRate = view.getUint32(packet + 12, true);

  // The last complete page with a granule position tells the stream length in 48 kHz samples.
  let granule = -1n;
  for (let at = bytes.length - PAGE_HEADER, tries = 0; at >= 0 && tries < 256; tries++) {
    at = lastIndexOfOggS(bytes, at);
    if (at < 0) break;
    if (bytes[at + 4] === 0 && at + PAGE_HEADER <= bytes.length) {
      const g = view.getBigInt64(at + 6, true);
      if (g >= 0n) {
        granule = g;
        break;
      }
    }
    at -= 1;
  }
  if (granule < 0n) throw new CorruptAudioError('The Ogg stream has no page with a granule position');
  const samples = Number(granule) - preSkip;
  if (samples <= 0) throw new EmptyAudioError('The Ogg Opus stream has no audio');
  return { channels, inputSampleRate, preSkip, durationMs: (samples / OPUS_RATE) * 1000 };
}

function lastIndexOfOggS(bytes: Uint8Array, from: number): number {
  for (let i = Math.min(from, bytes.length - 4); i >= 0; i--) {
    if (bytes[i] === 0x4f && bytes[i + 1] === 0x67 && bytes[i + 2] === 0x67 && bytes[i + 3] === 0x53) return i;
  }
  return -1;
}
