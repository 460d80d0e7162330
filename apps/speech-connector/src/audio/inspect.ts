import { UnsupportedAudioError } from '../errors/unsupported-audio-error.js';
import { looksLikeMp3, parseMp3 } from './mp3.js';
import { isOggOpus, looksLikeOgg, parseOggOpus } from './ogg.js';
import { looksLikeWav, parseWav, type WavRules } from './wav.js';

/** Audio containers the service takes. */
export type AudioContainer = 'wav' | 'ogg-opus' | 'mp3';

/** Media types per container (lower case, without parameters). */
export const AUDIO_MEDIA_TYPES: Readonly<Record<AudioContainer, readonly string[]>> = {
  wav: ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave'],
  'ogg-opus': ['audio/ogg', 'audio/opus'],
  mp3: ['audio/mpeg', 'audio/mp3'],
};

/** The canonical media type of each container (for responses and logs). */
export const CONTAINER_MEDIA_TYPE: Readonly<Record<AudioContainer, string>> = { wav: 'audio/wav', 'ogg-opus': 'audio/ogg', mp3: 'audio/mpeg' };

/** `application/octet-stream` means "sniff it". */
export const OCTET_STREAM = 'application/octet-stream';

/** The container a Content-Type names; `null` for octet-stream (sniff), undefined when it is not audio we take. */
export function containerOfMediaType(contentType: string | undefined): AudioContainer | null | undefined {
  if (!contentType) return undefined;
  const [essence, ...params] = contentType.toLowerCase().split(';').map((s) => s.trim());
  if (essence === OCTET_STREAM) return null;
  for (const [container, types] of Object.entries(AUDIO_MEDIA_TYPES) as [AudioContainer, readonly string[]][]) {
    if (!types.includes(essence ?? '')) continue;
    // `audio/ogg; codecs=vorbis` is Ogg but not Opus
    const codecs = params.find((p) => p.startsWith('codecs='));
    if (container === 'ogg-opus' && codecs && !codecs.includes('opus')) return undefined;
    return container;
  }
  return undefined;
}

/** What the first bytes are (by magic numbers), including common non-audio files for clear errors. */
export type Sniffed = AudioContainer | 'ogg-other' | 'png' | 'jpeg' | 'gif' | 'pdf' | 'zip' | 'flac' | 'webm' | 'mp4' | 'json' | 'unknown';

export function sniff(bytes: Uint8Array): Sniffed {
  const startsWith = (...sig: number[]): boolean => sig.every((b, i) => bytes[i] === b);
  if (looksLikeWav(bytes)) return 'wav';
  if (looksLikeOgg(bytes)) return isOggOpus(bytes) ? 'ogg-opus' : 'ogg-other';
  if (looksLikeMp3(bytes)) return 'mp3';
  if (startsWith(0x89, 0x50, 0x4e, 0x47)) return 'png';
  if (startsWith(0xff, 0xd8, 0xff)) return 'jpeg';
  if (startsWith(0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (startsWith(0x25, 0x50, 0x44, 0x46)) return 'pdf';
  if (startsWith(0x50, 0x4b, 0x03, 0x04)) return 'zip';
  if (startsWith(0x66, 0x4c, 0x61, 0x43)) return 'flac';
  if (startsWith(0x1a, 0x45, 0xdf, 0xa3)) return 'webm';
  if (bytes.length >= 8 && String.fromCharCode(...bytes.subarray(4, 8)) === 'ftyp') return 'mp4';
  if (bytes[0] === 0x7b || bytes[0] === 0x5b) return 'json';
  return 'unknown';
}

/** A validated audio body: container, layout and length, ready for a provider. */
export interface AudioInfo {
  readonly format: AudioContainer;
  readonly sampleRate: number;
  readonly channels: number;
  readonly durationMs: number;
  /** WAV only: where the PCM samples are. */
  readonly pcm?: { readonly offset: number; readonly length: number };
}

const DESCRIBE: Readonly<Record<Sniffed, string>> = {
  wav: 'WAV',
  'ogg-opus': 'Ogg Opus',
  mp3: 'MP3',
  'ogg-other': 'Ogg (not Opus)',
  png: 'a PNG image',
  jpeg: 'a JPEG image',
  gif: 'a GIF image',
  pdf: 'a PDF document',
  zip: 'a ZIP archive',
  flac: 'FLAC',
  webm: 'WebM',
  mp4: 'MP4',
  json: 'JSON text',
  unknown: 'not a recognised audio format',
};

/**
 * Sniffs the bytes, checks them against the declared container (`null` = sniff only) and parses the header:
 * 415 when unsupported or mismatched, 400 when corrupt or empty. Does not check the duration limit.
 */
export function inspectAudio(bytes: Uint8Array, declared: AudioContainer | null, wavRules?: WavRules): AudioInfo {
  const found = sniff(bytes);
  if (found === 'ogg-other' && (declared === 'ogg-opus' || declared === null)) {
    parseOggOpus(bytes); // throws the precise 415 (Vorbis, FLAC…) or 400
  }
  if (found !== 'wav' && found !== 'ogg-opus' && found !== 'mp3') {
    throw new UnsupportedAudioError(
      declared ? `The body is ${DESCRIBE[found]}, not ${DESCRIBE[declared]} as its Content-Type says` : `The body is ${DESCRIBE[found]}; send WAV (PCM), Ogg Opus or MP3`,
      { detected: found, declared: declared ?? OCTET_STREAM },
    );
  }
  if (declared !== null && found !== declared) {
    throw new UnsupportedAudioError(`The body is ${DESCRIBE[found]}, not ${DESCRIBE[declared]} as its Content-Type says`, { detected: found, declared });
  }
  switch (found) {
    case 'wav': {
      const wav = parseWav(bytes, wavRules);
      return { format: 'wav', sampleRate: wav.sampleRate, channels: wav.channels, durationMs: wav.durationMs, pcm: { offset: wav.dataOffset, length: wav.dataLength } };
    }
    case 'ogg-opus': {
      const ogg = parseOggOpus(bytes);
      return { format: 'ogg-opus', sampleRate: 48_000, channels: ogg.channels, durationMs: ogg.durationMs };
    }
    case 'mp3': {
      const mp3 = parseMp3(bytes);
      return { format: 'mp3', sampleRate: mp3.sampleRate, channels: mp3.channels, durationMs: mp3.durationMs };
    }
  }
}
