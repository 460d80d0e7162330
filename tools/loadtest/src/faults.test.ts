import { startEmulator } from '@supportmesh/llm-emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmulatorFaults } from './faults.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
let emu: Emulator;

beforeEach(async () => {
  emu = await startEmulator({ port: 0, latency: { mode: 'fixed', ms: 0 } });
});
afterEach(async () => {
  await emu.close();
});

const chat = () =>
  fetch(`${emu.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('LLM outage through the real emulator fault endpoint', () => {
  it('makes every LLM call fail until cleared', async () => {
    const faults = new EmulatorFaults(emu.url);
    expect(await faults.startOutage(15_000)).toBeUndefined();
    expect(emu.getFaults().active).toBe(true);
    expect((await chat()).status).toBeGreaterThanOrEqual(500);

    expect(await faults.clear()).toBeUndefined();
    expect(emu.getFaults().active).toBe(false);
    expect((await chat()).status).toBe(200);
  });

  it('reports an unreachable emulator instead of throwing', async () => {
    const faults = new EmulatorFaults('http://127.0.0.1:9', 500);
    expect(await faults.startOutage(1000)).toMatch(/admin\/faults failed/);
  });
});
