import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortkey, portkeyHeaders, type Portkey } from './portkey.js';
import { CHAT_COMPLETION, startUpstream, type Upstream } from './upstream.js';

describe('Portkey launcher', () => {
  let upstream: Upstream;
  let portkey: Portkey;
  beforeAll(async () => {
    upstream = await startUpstream();
    portkey = await startPortkey();
  }, 30_000);
  afterAll(async () => {
    await portkey?.close();
    await upstream?.close();
  });

  it('starts Portkey and proxies one chat completion to the bare upstream unchanged', async () => {
    const res = await fetch(`${portkey.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...portkeyHeaders(upstream.url) },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'where is my order?' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-portkey-provider')).toBe('openai');
    expect(await res.json()).toEqual(CHAT_COMPLETION);
  });

  it('close() stops the Portkey process', async () => {
    await portkey.close();
    expect(portkey.process.hasExited()).toBe(true);
    await expect(fetch(`${portkey.url}/`)).rejects.toThrow();
  });
});
