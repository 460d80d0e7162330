import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyEntry } from '../config.js';
import type { Role } from './principal.js';

export interface KeyRecord {
  readonly id: string;
  readonly role: Role;
  readonly delegate: boolean;
}

interface StoredKey extends KeyRecord {
  readonly hash: Buffer;
}

/** Longest credential considered at all (longer ones are rejected without hashing). */
export const MAX_CREDENTIAL_LENGTH = 4096;

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function sha256Hex(value: string): string {
  return sha256(value).toString('hex');
}

/**
 * API keys held by their SHA-256 only. `match` hashes the presented key and compares it with every stored
 * hash in constant time (no early exit), so neither the key nor its position leaks through timing.
 */
export class Keyring {
  readonly #keys: readonly StoredKey[];

  constructor(entries: readonly ApiKeyEntry[]) {
    this.#keys = entries.map((e) => ({ id: e.id, role: e.role, delegate: e.delegate, hash: Buffer.from(e.sha256, 'hex') }));
  }

  get size(): number {
    return this.#keys.length;
  }

  match(presented: string): KeyRecord | undefined {
    if (presented.length === 0 || presented.length > MAX_CREDENTIAL_LENGTH) return undefined;
    const hash = sha256(presented);
    let found: StoredKey | undefined;
    for (const key of this.#keys) {
      if (timingSafeEqual(hash, key.hash) && !found) found = key;
    }
    return found ? { id: found.id, role: found.role, delegate: found.delegate } : undefined;
  }
}

/** The development keys of the local run, hashed like any other key (user key = delegate for the web page). */
export function devKeyEntries(devUserKey: string | undefined, devAdminKey: string | undefined): ApiKeyEntry[] {
  const out: ApiKeyEntry[] = [];
  if (devUserKey) out.push({ id: 'dev-user', sha256: sha256Hex(devUserKey), role: 'user', delegate: true });
  if (devAdminKey) out.push({ id: 'dev-admin', sha256: sha256Hex(devAdminKey), role: 'admin', delegate: false });
  return out;
}
