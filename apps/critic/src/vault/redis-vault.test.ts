import type { Redis } from '@supportmesh/state';
import { createTestRedis, deleteByPrefix, uniquePrefix } from '@supportmesh/state/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectPii, detokenizeText } from '@supportmesh/pii';
import { RedisTokenVault } from './redis-vault.js';

describe('RedisTokenVault (real Redis)', () => {
  const prefix = uniquePrefix('critic-vault');
  let redis: Redis;

  beforeAll(async () => {
    redis = await createTestRedis();
  });

  afterAll(async () => {
    await deleteByPrefix(redis, prefix);
    await redis.quit();
  });

  it('stores the mapping in one hash with a TTL and round-trips it', async () => {
    const vault = new RedisTokenVault({ redis, prefix, ttlSec: 120 });
    const text = 'I am jane@x.io, card 4111 1111 1111 1111';
    const tokenised = await vault.tokenize('conv-1', text, detectPii(text));
    expect(tokenised).toBe('I am [EMAIL_1], card [CARD_1]');
    expect(detokenizeText(tokenised, await vault.mapping('conv-1'))).toBe(text);
    const ttl = await redis.ttl(`${prefix}conv-1`);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it('reuses tokens for known values and numbers new ones across turns', async () => {
    const vault = new RedisTokenVault({ redis, prefix });
    await vault.tokenize('conv-2', 'a@b.io', detectPii('a@b.io'));
    const second = 'A@B.io or c@d.io';
    expect(await vault.tokenize('conv-2', second, detectPii(second))).toBe('[EMAIL_1] or [EMAIL_2]');
    expect(await vault.mapping('conv-2')).toEqual({ '[EMAIL_1]': 'a@b.io', '[EMAIL_2]': 'c@d.io' });
  });

  it('never hands one token to two values when turns race', async () => {
    const vault = new RedisTokenVault({ redis, prefix });
    const texts = Array.from({ length: 8 }, (_, i) => `user${i}@example.com`);
    const results = await Promise.all(texts.map((t) => vault.tokenize('conv-3', t, detectPii(t))));
    expect(new Set(results).size).toBe(texts.length);
    const mapping = await vault.mapping('conv-3');
    for (const [i, token] of results.entries()) expect(mapping[token]).toBe(texts[i]);
  });

  it('returns an empty mapping for an unknown conversation', async () => {
    expect(await new RedisTokenVault({ redis, prefix }).mapping('nope')).toEqual({});
  });
});
