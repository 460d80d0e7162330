import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCosmos, type LocalCosmos } from '@supportmesh/dev';
import { sha256Hex } from '../auth/keyring.js';
import { call, startGateway, startStandIns, testRedis, type RunningGateway, type StandIns } from '../testing/harness.js';

const DEV_KEY = 'sm_dev_local_only_0123456789abcdef';

let cosmos: LocalCosmos;
let standIns: StandIns;
let local: RunningGateway;
let production: RunningGateway;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  cosmos = await startLocalCosmos(0);
  standIns = await startStandIns();
  const r = await testRedis('ui');
  cleanup = r.cleanup;
  const common = { urls: standIns.urls, cosmosEndpoint: cosmos.endpoint, redis: r.redis };
  local = await startGateway({ ...common, prefix: `${r.prefix}l:`, env: { GATEWAY_DEV_API_KEY: DEV_KEY } });
  production = await startGateway({
    ...common,
    prefix: `${r.prefix}p:`,
    env: {
      SUPPORTMESH_ENV: 'production',
      GATEWAY_API_KEYS: JSON.stringify([{ id: 'web', sha256: sha256Hex('a-real-production-key-0123456789'), role: 'user', delegate: true }]),
    },
  });
});

afterAll(async () => {
  await local.close();
  await production.close();
  await standIns.close();
  await cosmos.close();
  await cleanup();
});

describe('web chat page', () => {
  it('serves an accessible page: labelled inputs, a live log, no inline script, a strict CSP', async () => {
    const res = await fetch(`${local.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toMatch(/<html lang="en">/);
    expect(html).toMatch(/<label for="api-key">API key<\/label>/);
    expect(html).toMatch(/<label for="message">Your message<\/label>/);
    expect(html).toMatch(/id="log"[^>]*aria-live="polite"/);
    expect(html).toMatch(/id="error"[^>]*role="alert"/);
    expect(html).toMatch(/data-voice-hook/);
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
    expect((await fetch(`${local.url}/app.js`)).headers.get('content-type')).toMatch(/javascript/);
  });

  it('serves the voice control (recorder, WAV encoder, AudioWorklet) and lets the page play its reply from a blob: URL', async () => {
    const page = await fetch(`${local.url}/`);
    expect(await page.text()).toMatch(/<script type="module" src="\/voice.js"><\/script>/);
    expect(page.headers.get('content-security-policy')).toContain("media-src 'self' blob:");
    for (const file of ['/voice.js', '/voice-capture.js']) {
      const res = await fetch(`${local.url}${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
    }
    const voice = await (await fetch(`${local.url}/voice.js`)).text();
    expect(voice).toContain('navigator.mediaDevices'); // hidden with an explanation when missing
    expect(voice).toContain('chat.sendVoice(wav)');
  });

  it('prefills the development key only in local mode', async () => {
    expect((await call(local.url, 'GET', '/ui-config')).body).toEqual({ environment: 'local', devApiKey: DEV_KEY });
    expect((await call(production.url, 'GET', '/ui-config')).body).toEqual({ environment: 'production' });
  });

  it('accepts the development key (a delegate for the page’s end user) in local mode only', async () => {
    const headers = { 'x-user-id': 'web-123' };
    expect((await call(local.url, 'POST', '/v1/conversations', { key: DEV_KEY, headers })).status).toBe(201);
    expect((await call(production.url, 'POST', '/v1/conversations', { key: DEV_KEY, headers })).status).toBe(401);
  });
});
