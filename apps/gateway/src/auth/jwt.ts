import { jwtVerify } from 'jose';
import type { Role } from './principal.js';

export interface JwtVerifierOptions {
  /** HS256 shared secret. */
  readonly secret: string;
  readonly issuer?: string;
  readonly audience?: string;
  /** Allowed clock skew for exp/nbf. @default 30 */
  readonly clockToleranceSec?: number;
}

export interface JwtIdentity {
  readonly sub: string;
  readonly role: Role;
}

export type JwtVerifier = (token: string) => Promise<JwtIdentity | undefined>;

const SUB_PATTERN = /^[\x21-\x7E]{1,128}$/;

/** Verifies an HS256 JWT (signature, exp required, nbf, iss, aud) and reads `sub` and `role`; undefined when invalid. */
export function createJwtVerifier(opts: JwtVerifierOptions): JwtVerifier {
  const key = new TextEncoder().encode(opts.secret);
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'],
        issuer: opts.issuer,
        audience: opts.audience,
        clockTolerance: opts.clockToleranceSec ?? 30,
        requiredClaims: ['sub', 'exp'],
      });
      const role = payload['role'];
      if (role !== 'user' && role !== 'admin') return undefined;
      if (typeof payload.sub !== 'string' || !SUB_PATTERN.test(payload.sub)) return undefined;
      return { sub: payload.sub, role };
    } catch {
      return undefined;
    }
  };
}

/** Three base64url segments: a compact JWS. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}
