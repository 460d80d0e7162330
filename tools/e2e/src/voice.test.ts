/**
 * Voice through the gateway with the REAL speech connector in the stack (eSpeak NG text-to-speech, PocketSphinx
 * speech-to-text with the Northwind language model): the issue's acceptance "a voice turn through the gateway
 * returns a transcript, a reply and audio", over the API and from the web chat page in headless Chromium with a fake
 * microphone playing the synthesized question. Every service is its own process; real Redis, Cosmos-compatible
 * server and LLM emulator.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { VoiceTurnResponse } from '@supportmesh/contracts';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_API_KEY, httpRequest, startE2eStack, type E2eStack } from './testing/index.js';

const SPHINX = '/usr/bin/pocketsphinx_batch';
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const QUESTION = 'I want to reset my password';
const hasSphinx = existsSync(SPHINX);
const hasChromium = existsSync(CHROMIUM);
const SKIP_STT = `skipped: ${SPHINX} is missing — install the local speech-to-text engine with \`apt-get install pocketsphinx pocketsphinx-en-us sox espeak-ng\``;

if (!hasSphinx) console.warn(`voice.test.ts ${SKIP_STT}`);

let e2e: E2eStack | undefined;
let questionWav: Buffer | undefined;

/** The PCM samples of a 16-bit PCM WAV (its `data` chunk) and its format. */
function pcmOf(wav: Buffer): { pcm: Buffer; sampleRate: number; channels: number; bitsPerSample: number; format: number } {
  expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
  expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
  let fmt: { sampleRate: number; channels: number; bitsPerSample: number; format: number } | undefined;
  for (let offset = 12, i = 0; offset + 8 <= wav.length && i < 64; i++) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      fmt = { format: wav.readUInt16LE(offset + 8), channels: wav.readUInt16LE(offset + 10), sampleRate: wav.readUInt32LE(offset + 12), bitsPerSample: wav.readUInt16LE(offset + 22) };
    }
    if (id === 'data' && fmt) return { ...fmt, pcm: wav.subarray(offset + 8, Math.min(wav.length, offset + 8 + size)) };
    offset += 8 + size + (size % 2);
  }
  throw new Error('no fmt/data chunk in the WAV');
}

/** The same mono 16-bit PCM with `padSec` of silence before and after (a fake microphone starts a moment late). */
function padded(wav: Buffer, padSec: number): Buffer {
  const { pcm, sampleRate } = pcmOf(wav);
  const pad = Buffer.alloc(Math.round(padSec * sampleRate) * 2);
  const data = Buffer.concat([pad, pcm, pad]);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

const newUser = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

describe.skipIf(!hasSphinx)(`voice turn through the gateway with the real speech connector${hasSphinx ? '' : ` (${SKIP_STT})`}`, () => {
  beforeAll(async () => {
    e2e = await startE2eStack({
      services: ['intent-classifier', 'knowledge-retrieval', 'response-generator', 'escalation', 'critic', 'speech-connector', 'gateway'],
    });
    // The question, spoken by the connector's own text-to-speech (fetch: the bytes as they are).
    const res = await fetch(`${e2e.urls['speech-connector']}/v1/speech/synthesize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: QUESTION }),
      signal: AbortSignal.timeout(30_000),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.status, bytes.toString('utf8', 0, 300)).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^audio\/wav/);
    expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
    questionWav = bytes;
  }, 150_000);

  afterAll(async () => {
    await e2e?.stop();
  }, 60_000);

  it('answers a spoken "I want to reset my password" with its transcript, a reply, intent recover_password and WAV audio', async () => {
    if (!e2e || !questionWav) throw new Error('stack not started');
    const headers = { 'x-api-key': DEV_API_KEY, 'x-user-id': newUser('voice') };
    const created = await httpRequest(`${e2e.gateway}/v1/conversations`, { method: 'POST', headers });
    expect(created.status).toBe(201);
    const { conversationId } = created.json as { conversationId: string };

    const res = await fetch(`${e2e.gateway}/v1/conversations/${conversationId}/voice`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'audio/wav' },
      body: questionWav,
      signal: AbortSignal.timeout(60_000),
    });
    const json = (await res.json()) as unknown;
    expect(res.status, JSON.stringify(json).slice(0, 500)).toBe(200);
    const body = VoiceTurnResponse.parse(json);

    expect(body.transcript.toLowerCase()).toContain('password');
    expect(body.intent).toBe('recover_password');
    expect(body.reply.length).toBeGreaterThan(20);
    expect(body.degraded, [...e2e.tail('gateway', 15), ...e2e.tail('response-generator', 15)].join('\n')).toEqual([]);
    expect(body.latencyMs.perHop['transcribe']).toBeGreaterThan(0);
    expect(body.latencyMs.perHop['synthesize']).toBeGreaterThan(0);
    expect(body.latencyMs.total).toBeGreaterThanOrEqual(body.latencyMs.perHop['transcribe'] ?? 0);

    // The spoken reply: a decodable 16-bit PCM WAV of a plausible length.
    expect(body.audioContentType).toBe('audio/wav');
    const reply = pcmOf(Buffer.from(body.audio, 'base64'));
    expect(reply).toMatchObject({ format: 1, channels: 1, bitsPerSample: 16 });
    expect(reply.pcm.length / (reply.sampleRate * 2)).toBeGreaterThan(1);

    // The transcript is the user's turn of the conversation, and no process logged it.
    const record = await httpRequest(`${e2e.gateway}/v1/conversations/${conversationId}`, { headers });
    expect(JSON.stringify(record.json)).toContain(body.transcript);
    expect(e2e.lines.filter((l) => l.line.toLowerCase().includes('reset my password')).map((l) => l.label)).toEqual([]);
  }, 90_000);

  it.skipIf(!hasChromium)(`from the web chat page: records a (fake) microphone, shows transcript and reply, and plays the audio${hasChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM})`}`, async () => {
    if (!e2e || !questionWav) throw new Error('stack not started');
    const dir = mkdtempSync(path.join(tmpdir(), 'voice-e2e-'));
    let browser: Browser | undefined;
    try {
      const file = path.join(dir, 'question.wav');
      const wav = padded(questionWav, 0.7);
      writeFileSync(file, wav);
      const seconds = (wav.length - 44) / 32_000;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--use-fake-ui-for-media-stream',
          '--use-fake-device-for-media-stream',
          `--use-file-for-fake-audio-capture=${file}%noloop`,
          '--autoplay-policy=no-user-gesture-required',
        ],
      });
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));
      page.on('console', (msg) => {
        if (msg.type() === 'error') pageErrors.push(msg.text());
      });
      await page.goto(`${e2e.gateway}/`);
      await expect.poll(() => page.getByLabel('API key').inputValue(), { timeout: 5_000 }).not.toBe('');

      const speak = page.getByRole('button', { name: 'Speak' });
      await speak.click();
      const stop = page.getByRole('button', { name: 'Stop and send' });
      await stop.waitFor({ timeout: 10_000 });
      await sleep(Math.ceil(seconds * 1000) + 300); // the fake microphone plays the question in real time
      await stop.click();

      const spoken = page.locator('#log li.msg.user', { hasText: 'You (spoken)' });
      await spoken.waitFor({ timeout: 60_000 });
      expect((await spoken.innerText()).toLowerCase()).toContain('password');
      const reply = page.locator('#log li.msg.assistant');
      await expect.poll(() => reply.count(), { timeout: 10_000 }).toBe(1);
      expect(await reply.innerText()).toMatch(/Intent: /);
      const player = page.getByLabel('Spoken reply');
      await expect.poll(() => player.getAttribute('src'), { timeout: 10_000 }).toMatch(/^blob:/);
      expect(await player.isVisible()).toBe(true);
      expect(await page.locator('#error').innerText()).toBe('');
      expect(pageErrors).toEqual([]);

      // Where the browser offers no microphone API the control is replaced by an explanation.
      const plain = await browser.newPage();
      await plain.addInitScript(() => Object.defineProperty(navigator, 'mediaDevices', { value: undefined }));
      await plain.goto(`${e2e.gateway}/`);
      await expect.poll(() => plain.locator('#voice-status').innerText(), { timeout: 5_000 }).toMatch(/Voice input is not available/);
      expect(await plain.getByRole('button', { name: 'Speak' }).count()).toBe(0);
    } finally {
      await browser?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
