import { describe, expect, it } from 'vitest';
import { detectPii, detokenizeText } from '@supportmesh/pii';
import { MemoryTokenVault } from './memory-vault.js';

describe('MemoryTokenVault', () => {
  it('round-trips a conversation and keeps conversations apart', async () => {
    const vault = new MemoryTokenVault();
    const text = 'a@b.io and 415-555-0132';
    const tokenised = await vault.tokenize('c1', text, detectPii(text));
    expect(tokenised).toBe('[EMAIL_1] and [PHONE_1]');
    expect(detokenizeText(tokenised, await vault.mapping('c1'))).toBe(text);
    expect(await vault.mapping('c2')).toEqual({});
  });

  it('forgets a conversation after its TTL', async () => {
    let now = 0;
    const vault = new MemoryTokenVault({ ttlSec: 60, now: () => now });
    await vault.tokenize('c1', 'a@b.io', detectPii('a@b.io'));
    now = 59_999;
    expect(await vault.mapping('c1')).toEqual({ '[EMAIL_1]': 'a@b.io' });
    now = 60_000;
    expect(await vault.mapping('c1')).toEqual({});
  });

  it('drops the oldest conversation beyond its capacity', async () => {
    const vault = new MemoryTokenVault({ maxConversations: 2 });
    for (const id of ['c1', 'c2', 'c3']) await vault.tokenize(id, 'a@b.io', detectPii('a@b.io'));
    expect(await vault.mapping('c1')).toEqual({});
    expect(await vault.mapping('c3')).toEqual({ '[EMAIL_1]': 'a@b.io' });
  });
});
