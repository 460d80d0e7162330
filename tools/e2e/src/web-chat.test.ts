/**
 * The web chat page at the gateway's `/`, driven in headless Chromium (Debian `chromium` package through
 * playwright-core) against the real stack, as a new user would try it after `npm start`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eStack, type E2eStack } from './testing/index.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const OUTPUT_DIR = fileURLToPath(new URL('../test-output', import.meta.url));
const SCREENSHOT = path.join(OUTPUT_DIR, 'web-chat.png');

let e2e: E2eStack | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get install chromium\` (or set CHROMIUM_PATH)`);
  }
  // The page talks to the gateway only; analytics and speech are not needed.
  [e2e, browser] = await Promise.all([
    startE2eStack({ services: ['intent-classifier', 'knowledge-retrieval', 'response-generator', 'escalation', 'critic', 'gateway'] }),
    chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    }),
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await e2e?.stop();
}, 60_000);

/** Types `text` into the message box and sends it with Enter; resolves with the new reply's list item. */
async function send(page: Page, text: string) {
  const replies = page.locator('#log li.msg.assistant');
  const before = await replies.count();
  const box = page.getByLabel('Your message');
  await box.click();
  await box.pressSequentially(text);
  await box.press('Enter');
  await expect.poll(() => replies.count(), { timeout: 15_000 }).toBe(before + 1);
  return replies.nth(before);
}

describe('web chat page', () => {
  it('answers with intent and sources, escalates with a ticket id, and is captured in a screenshot', async () => {
    if (!e2e || !browser) throw new Error('stack or browser not started');
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });

    await page.goto(`${e2e.gateway}/`);
    await expect(page.title()).resolves.toMatch(/Support Mesh/);
    // The local run prefills the development key.
    await expect.poll(() => page.getByLabel('API key').inputValue(), { timeout: 5_000 }).not.toBe('');

    const answer = await send(page, 'where is my order 12345?');
    const answerText = await answer.innerText();
    expect(answerText).toMatch(/Intent: track order/i);
    const sources = answer.getByRole('list', { name: 'Sources' }).getByRole('listitem');
    expect(await sources.count()).toBeGreaterThan(0);
    expect(answerText).toMatch(/order/i);
    expect(await answer.locator('.escalated').count()).toBe(0);

    const handoff = await send(page, 'I want to talk to a person');
    const escalated = handoff.locator('.escalated');
    await expect.poll(() => escalated.count()).toBe(1);
    expect(await escalated.innerText()).toMatch(/ticket tkt_[A-Za-z0-9_-]+/);
    expect(await page.locator('#error').innerText()).toBe('');

    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`web chat screenshot: ${SCREENSHOT}`);
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
