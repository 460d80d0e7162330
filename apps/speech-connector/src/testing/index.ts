import type { AudioContainer } from '../audio/inspect.js';
import { encodeWav, silenceWav } from '../audio/wav.js';
import type { OutputFormat, ProviderCapabilities, SpeechProvider, SynthesizedAudio, Transcript, VoiceInfo } from '../providers/provider.js';

export { silenceWav, encodeWav };

/** A 440 Hz tone (16-bit PCM WAV), for fixtures that must not be silent. */
export function toneWav(seconds: number, sampleRate = 16_000, channels = 1): Buffer {
  const frames = Math.round(seconds * sampleRate);
  const pcm = Buffer.alloc(frames * channels * 2);
  for (let f = 0; f < frames; f++) {
    const v = Math.round(8000 * Math.sin((2 * Math.PI * 440 * f) / sampleRate));
    for (let c = 0; c < channels; c++) pcm.writeInt16LE(v, (f * channels + c) * 2);
  }
  return encodeWav(pcm, sampleRate, channels);
}

/** One Ogg page (CRC left 0: our parser, like most sniffers, does not check it). */
function oggPage(headerType: number, granule: bigint, sequence: number, packet: Buffer): Buffer {
  const segments: number[] = [];
  let left = packet.length;
  while (left >= 255) {
    segments.push(255);
    left -= 255;
  }
  segments.push(left);
  const header = Buffer.alloc(27 + segments.length);
  header.write('OggS', 0, 'ascii');
  header[4] = 0;
  header[5] = headerType;
  header.writeBigInt64LE(granule, 6);
  header.writeUInt32LE(0x5eed, 14);
  header.writeUInt32LE(sequence, 18);
  header[26] = segments.length;
  segments.forEach((s, i) => (header[27 + i] = s));
  return Buffer.concat([header, packet]);
}

/**
 * A structurally valid Ogg Opus stream of `seconds` (OpusHead, OpusTags, one audio page whose granule
 * position sets the length). The audio packet is not real Opus: for header validation tests only.
 */
export function oggOpusFixture(seconds: number, opts: { channels?: number; preSkip?: number } = {}): Buffer {
  const preSkip = opts.preSkip ?? 312;
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'ascii');
  head[8] = 1;
  head[9] = opts.channels ?? 1;
  head.writeUInt16LE(preSkip, 10);
  head.writeUInt32LE(16_000, 12);
  const tags = Buffer.concat([Buffer.from('OpusTags', 'ascii'), Buffer.from([4, 0, 0, 0]), Buffer.from('test'), Buffer.alloc(4)]);
  const granule = BigInt(Math.round(seconds * 48_000) + preSkip);
  return Buffer.concat([oggPage(2, 0n, 0, head), oggPage(0, 0n, 1, tags), oggPage(4, granule, 2, Buffer.alloc(60, 0xf8))]);
}

/** An Ogg Vorbis identification page (to test "Ogg, but not Opus"). */
export function oggVorbisFixture(): Buffer {
  const id = Buffer.alloc(30);
  id[0] = 1;
  id.write('vorbis', 1, 'ascii');
  return oggPage(2, 0n, 0, id);
}

/**
 * `seconds` of MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, mono) with zeroed payloads, optionally after an
 * ID3v2 tag. Structurally valid for frame walking; not decodable audio.
 */
export function mp3Fixture(seconds: number, opts: { id3?: boolean } = {}): Buffer {
  const frames = Math.ceil((seconds * 44_100) / 1152);
  const out: Buffer[] = [];
  if (opts.id3) {
    const tag = Buffer.alloc(10 + 20);
    tag.write('ID3', 0, 'ascii');
    tag[3] = 4;
    tag[9] = 20; // syncsafe size 20
    out.push(tag);
  }
  for (let i = 0; i < frames; i++) {
    const padding = i % 3 === 0 ? 0 : 1; // 417 or 418 bytes, as a CBR encoder alternates
    const frame = Buffer.alloc(417 + padding);
    frame[0] = 0xff;
    frame[1] = 0xfb; // MPEG-1, Layer III, no CRC
    frame[2] = 0x90 | (padding << 1); // 128 kbit/s, 44.1 kHz
    frame[3] = 0xc4; // mono
    out.push(frame);
  }
  return Buffer.concat(out);
}

/** A PNG signature and IHDR start: "not audio" bytes for 415 tests. */
export const PNG_BYTES = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);

export interface StandInOptions {
  readonly name?: string;
  readonly transcribe?: SpeechProvider['transcribe'];
  readonly synthesize?: SpeechProvider['synthesize'];
  readonly voices?: readonly VoiceInfo[];
  readonly capabilities?: Partial<ProviderCapabilities>;
}

/**
 * A provider stand-in for HTTP/route tests: answers a fixed transcript and a short WAV unless given other
 * behaviour (a slow or failing engine). It is not an engine; tests using it say so in their names.
 */
export function createStandInProvider(opts: StandInOptions = {}): SpeechProvider {
  const caps: ProviderCapabilities = {
    stt: true,
    tts: true,
    inputFormats: ['wav', 'ogg-opus', 'mp3'] as AudioContainer[],
    outputFormats: ['wav'] as OutputFormat[],
    notes: {},
    ...opts.capabilities,
  };
  return {
    name: opts.name ?? 'stand-in',
    capabilities: () => caps,
    supportsLanguage: (language) => /^en(-[A-Za-z]{2})?$/.test(language),
    ready: () => Promise.resolve(caps.stt && caps.tts),
    transcribe:
      opts.transcribe ??
      ((_audio, o): Promise<Transcript> => Promise.resolve({ text: 'i want to reset my password', language: o.language, confidence: 0.9 })),
    synthesize:
      opts.synthesize ??
      ((_text, o): Promise<SynthesizedAudio> => Promise.resolve({ audio: silenceWav(0.2), format: o.format, contentType: 'audio/wav', voice: o.voice ?? 'stand-in' })),
    voices: () => Promise.resolve([...(opts.voices ?? [{ name: 'stand-in', locale: 'en-US', gender: 'neutral' as const }])]),
  };
}
