import { describe, expect, it } from 'vitest';
import { parseWav } from '../../audio/wav.js';
import { binaryEspeak, loadWasmEspeak, parseVoiceList } from './espeak.js';
import { parseCtm, parseHypothesis } from './pocketsphinx.js';
import { findExecutable, runProcess } from './process.js';
import { parseSoxFormats } from './sox.js';

describe('engine output parsing', () => {
  it('reads the PocketSphinx hypothesis of our utterance, empty when nothing was recognised', () => {
    expect(parseHypothesis('i want to reset my password (audio -15280)\n', 'audio')).toBe('i want to reset my password');
    expect(parseHypothesis(' (audio -312)\n', 'audio')).toBe('');
  });

  it('reads word posteriors from CTM without fillers or alternate-pronunciation marks', () => {
    const ctm = ['audio 1 0.03 0.07 <sil> 1.000', 'audio 1 0.11 0.17 that(2) 0.500', 'audio 1 0.29 0.36 password 0.900', 'garbage'].join('\n');
    expect(parseCtm(ctm)).toEqual([
      { word: 'that', posterior: 0.5 },
      { word: 'password', posterior: 0.9 },
    ]);
  });

  it('reads the format list of `sox -h`', () => {
    const formats = parseSoxFormats('SoX v14\n\nAUDIO FILE FORMATS: 8svx aif mp3 ogg wav\nPLAYLIST FORMATS: m3u\n');
    expect([...formats]).toEqual(['8svx', 'aif', 'mp3', 'ogg', 'wav']);
  });

  it('reads `espeak-ng --voices` and leaves out MBROLA voices', () => {
    const list = [
      'Pty Language       Age/Gender VoiceName          File                 Other Languages',
      ' 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)',
      ' 5  en-us           --/F      us-mbrola-1        mb/mb-us1            (en 8)',
      ' 5  de              --/F      German             gmw/de',
    ].join('\n');
    expect(parseVoiceList(list)).toEqual([
      { name: 'en-us', locale: 'en-us', gender: 'male', displayName: 'English (America)' },
      { name: 'de', locale: 'de', gender: 'female', displayName: 'German' },
    ]);
  });
});

describe('process runner', () => {
  it('passes arguments without a shell (metacharacters stay literal)', async () => {
    const echo = await findExecutable('echo');
    if (!echo) return;
    const r = await runProcess(echo, ['$(id)', '; rm -rf /', '`x`']);
    expect(r.stdout.toString()).toBe('$(id) ; rm -rf / `x`\n');
  });
});

const espeakBin = await findExecutable('espeak-ng');
const wasm = await loadWasmEspeak();

describe('eSpeak NG engines', () => {
  it.skipIf(!espeakBin)('the Debian binary fallback streams a WAV whose placeholder length we tolerate (needs espeak-ng)', async () => {
    const engine = binaryEspeak(espeakBin as string);
    const wav = await engine.synthesize('-v is text here, not an option', { voice: 'en-us', wordsPerMinute: 160 });
    const info = parseWav(wav, { sampleRates: [22_050] });
    expect(info.durationMs).toBeGreaterThan(500);
    expect(await engine.ipa('northwind')).toMatch(/n.*ɔː.*θ/);
  });

  it.skipIf(!wasm)('the WASM package synthesizes in a worker and never touches process.exitCode on failure (optional dependency)', async () => {
    const engine = wasm as NonNullable<typeof wasm>;
    const wav = await engine.synthesize('hello there', { voice: 'en-us+f2', wordsPerMinute: 160 });
    expect(parseWav(wav, { sampleRates: [22_050] }).durationMs).toBeGreaterThan(300);
    await expect(engine.synthesize('hello', { voice: 'nonexistentvoice', wordsPerMinute: 160 })).rejects.toMatchObject({ reason: 'UnknownVoice' });
    expect(process.exitCode ?? 0).toBe(0);
  });

  it.skipIf(!wasm)('the WASM worker is terminated when the caller aborts', async () => {
    const engine = wasm as NonNullable<typeof wasm>;
    const controller = new AbortController();
    const pending = engine.synthesize('a long sentence about orders, refunds and deliveries '.repeat(20), { voice: 'en-us', wordsPerMinute: 160, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
