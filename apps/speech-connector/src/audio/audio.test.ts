import { describe, expect, it } from 'vitest';
import { isCorruptAudioError } from '../errors/corrupt-audio-error.js';
import { isEmptyAudioError } from '../errors/empty-audio-error.js';
import { isUnsupportedAudioError } from '../errors/unsupported-audio-error.js';
import { mp3Fixture, oggOpusFixture, oggVorbisFixture, PNG_BYTES, silenceWav, toneWav } from '../testing/index.js';
import { containerOfMediaType, inspectAudio, sniff } from './inspect.js';
import { parseMp3 } from './mp3.js';
import { parseOggOpus } from './ogg.js';
import { downmixToMono, encodeWav, parseWav } from './wav.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

/** A WAV header with a custom fmt chunk. */
function wavWith(fmt: { format?: number; channels?: number; rate?: number; bits?: number }, dataBytes = 3200): Buffer {
  const wav = encodeWav(Buffer.alloc(dataBytes), fmt.rate ?? 16_000, fmt.channels ?? 1);
  wav.writeUInt16LE(fmt.format ?? 1, 20);
  wav.writeUInt16LE(fmt.bits ?? 16, 34);
  return wav;
}

describe('WAV header parsing', () => {
  it('reads rate, channels and duration of 16-bit PCM at 8 and 16 kHz, mono and stereo', () => {
    expect(parseWav(silenceWav(2, 16_000, 1))).toMatchObject({ sampleRate: 16_000, channels: 1, durationMs: 2000, dataOffset: 44 });
    expect(parseWav(silenceWav(1.5, 8000, 2))).toMatchObject({ sampleRate: 8000, channels: 2, durationMs: 1500 });
  });

  it('skips chunks before the data (LIST) and reads to the end when the length is a streaming placeholder', () => {
    const pcm = Buffer.alloc(16_000 * 2);
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([5, 0, 0, 0]), Buffer.from('INFOx'), Buffer.alloc(1)]); // odd size + pad byte
    const base = encodeWav(pcm, 16_000, 1);
    const withList = Buffer.concat([base.subarray(0, 36), list, base.subarray(36)]);
    expect(parseWav(withList).durationMs).toBe(1000);
    const streamed = Buffer.from(base);
    streamed.writeUInt32LE(0x7ffff000, 40); // what `espeak-ng --stdout` writes
    expect(parseWav(streamed).durationMs).toBe(1000);
  });

  it('rejects a truncated data chunk as corrupt (400)', () => {
    const wav = silenceWav(1).subarray(0, 1000);
    const err = thrown(() => parseWav(wav));
    expect(isCorruptAudioError(err)).toBe(true);
    expect(err).toMatchObject({ status: 400, code: 'CORRUPT_AUDIO' });
  });

  it('rejects a header without samples as empty (400)', () => {
    expect(isEmptyAudioError(thrown(() => parseWav(encodeWav(Buffer.alloc(0), 16_000, 1))))).toBe(true);
  });

  it('rejects WAV files without fmt or data chunks as corrupt', () => {
    expect(isCorruptAudioError(thrown(() => parseWav(silenceWav(1).subarray(0, 36))))).toBe(true);
    const noFmt = Buffer.concat([Buffer.from('RIFF'), Buffer.from([100, 0, 0, 0]), Buffer.from('WAVEdata'), Buffer.from([4, 0, 0, 0]), Buffer.alloc(4)]);
    expect(thrown(() => parseWav(noFmt))).toMatchObject({ code: 'CORRUPT_AUDIO', message: expect.stringContaining('before the fmt') });
  });

  it.each([
    ['IEEE float', { format: 3, bits: 32 }],
    ['8-bit', { bits: 8 }],
    ['44.1 kHz', { rate: 44_100 }],
    ['6 channels', { channels: 6 }],
  ])('answers 415 for valid WAV that is not 8/16 kHz 16-bit mono/stereo PCM (%s)', (_name, fmt) => {
    const err = thrown(() => parseWav(wavWith(fmt)));
    expect(isUnsupportedAudioError(err)).toBe(true);
    expect(err).toMatchObject({ status: 415 });
  });

  it('averages stereo samples into mono', () => {
    const stereo = Buffer.alloc(8);
    stereo.writeInt16LE(1000, 0);
    stereo.writeInt16LE(3000, 2);
    stereo.writeInt16LE(-200, 4);
    stereo.writeInt16LE(-400, 6);
    const mono = downmixToMono(stereo, 2);
    expect([mono.readInt16LE(0), mono.readInt16LE(2)]).toEqual([2000, -300]);
  });
});

describe('Ogg Opus and MP3 headers', () => {
  it('takes the Ogg Opus duration from the last granule position minus the pre-skip', () => {
    expect(parseOggOpus(oggOpusFixture(12.5, { channels: 2 }))).toMatchObject({ channels: 2, durationMs: 12_500 });
  });

  it('answers 415 for Ogg Vorbis and 400 for an Ogg Opus stream without audio', () => {
    expect(thrown(() => parseOggOpus(oggVorbisFixture()))).toMatchObject({ status: 415, message: expect.stringContaining('Vorbis') });
    expect(isEmptyAudioError(thrown(() => parseOggOpus(oggOpusFixture(0))))).toBe(true);
  });

  it('sums MPEG Layer III frames into a duration, after an ID3 tag', () => {
    const info = parseMp3(mp3Fixture(10, { id3: true }));
    expect(info.sampleRate).toBe(44_100);
    expect(info.channels).toBe(1);
    expect(info.durationMs).toBeGreaterThanOrEqual(10_000);
    expect(info.durationMs).toBeLessThan(10_030);
  });

  it('answers 400 for an ID3 tag followed by garbage', () => {
    const bytes = Buffer.concat([mp3Fixture(0, { id3: true }), Buffer.from('not audio at all, just text')]);
    expect(isCorruptAudioError(thrown(() => parseMp3(bytes)))).toBe(true);
  });
});

describe('sniffing and Content-Type checks', () => {
  it('recognises containers by their bytes, not their names', () => {
    expect(sniff(silenceWav(0.1))).toBe('wav');
    expect(sniff(oggOpusFixture(1))).toBe('ogg-opus');
    expect(sniff(oggVorbisFixture())).toBe('ogg-other');
    expect(sniff(mp3Fixture(1))).toBe('mp3');
    expect(sniff(mp3Fixture(1, { id3: true }))).toBe('mp3');
    expect(sniff(PNG_BYTES)).toBe('png');
    expect(sniff(Buffer.from('hello'))).toBe('unknown');
  });

  it('maps media types to containers, octet-stream to "sniff", and other types to unsupported', () => {
    expect(containerOfMediaType('audio/wav')).toBe('wav');
    expect(containerOfMediaType('audio/x-wav; charset=binary')).toBe('wav');
    expect(containerOfMediaType('audio/ogg; codecs=opus')).toBe('ogg-opus');
    expect(containerOfMediaType('audio/ogg; codecs=vorbis')).toBeUndefined();
    expect(containerOfMediaType('audio/mpeg')).toBe('mp3');
    expect(containerOfMediaType('application/octet-stream')).toBeNull();
    expect(containerOfMediaType('image/png')).toBeUndefined();
    expect(containerOfMediaType(undefined)).toBeUndefined();
  });

  it('answers 415 for a PNG or Ogg bytes labelled audio/wav', () => {
    expect(thrown(() => inspectAudio(PNG_BYTES, 'wav'))).toMatchObject({ status: 415, message: expect.stringContaining('PNG') });
    expect(thrown(() => inspectAudio(oggOpusFixture(1), 'wav'))).toMatchObject({ status: 415, details: { detected: 'ogg-opus', declared: 'wav' } });
  });

  it('accepts sniffed audio sent as application/octet-stream', () => {
    expect(inspectAudio(toneWav(0.5, 8000, 2), null)).toMatchObject({ format: 'wav', sampleRate: 8000, channels: 2, durationMs: 500 });
    expect(inspectAudio(oggOpusFixture(3), null)).toMatchObject({ format: 'ogg-opus', durationMs: 3000 });
  });
});
