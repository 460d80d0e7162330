import type { Request, RequestHandler } from 'express';
import { ForbiddenError, HttpError } from '@supportmesh/service-kit';
import type { JwtVerifier } from './jwt.js';
import { looksLikeJwt } from './jwt.js';
import type { Keyring } from './keyring.js';
import { MAX_CREDENTIAL_LENGTH } from './keyring.js';
import { principalOf, setPrincipal, USER_ID_PATTERN, type Principal, type Role } from './principal.js';

export interface AuthDeps {
  readonly keyring: Keyring;
  /** Undefined when no JWT secret is configured: bearer JWTs are then refused. */
  readonly jwt?: JwtVerifier;
}

const REALM = 'Bearer realm="supportmesh"';

function unauthenticated(message: string, invalid: boolean): HttpError {
  return new HttpError(401, 'UNAUTHENTICATED', message, undefined, {
    headers: { 'WWW-Authenticate': invalid ? `${REALM}, error="invalid_token"` : REALM },
  });
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The presented credential: `Authorization: Bearer …` wins over `x-api-key`. */
function credentialOf(req: Request): string | undefined {
  const auth = header(req, 'authorization');
  if (auth !== undefined) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth);
    return m?.[1] ?? '';
  }
  return header(req, 'x-api-key');
}

/** The end user a delegate acts for (`x-user-id`), or the principal itself. */
function endUser(req: Request, id: string, delegate: boolean): string {
  if (!delegate) return id;
  const raw = header(req, 'x-user-id');
  if (raw === undefined) return id;
  if (!USER_ID_PATTERN.test(raw)) {
    throw new HttpError(400, 'VALIDATION_FAILED', 'Invalid x-user-id header', [
      { path: 'headers.x-user-id', message: 'must be 1..64 chars of [A-Za-z0-9_.:-]' },
    ]);
  }
  return `${id}/${raw}`;
}

/**
 * API key (`x-api-key` or `Authorization: Bearer <key>`) or HS256 JWT bearer. 401 `UNAUTHENTICATED` with
 * `WWW-Authenticate` when missing or invalid. Sets the {@link Principal} read by `principalOf(res)`.
 */
export function authenticate(deps: AuthDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      const credential = credentialOf(req);
      if (credential === undefined) throw unauthenticated('Authentication required', false);
      if (credential.length === 0 || credential.length > MAX_CREDENTIAL_LENGTH) throw unauthenticated('Invalid credentials', true);
      let principal: Principal | undefined;
      const key = deps.keyring.match(credential);
      if (key) {
        principal = { id: key.id, kind: 'api_key', role: key.role, delegate: key.delegate, user: endUser(req, key.id, key.delegate) };
      } else if (deps.jwt && looksLikeJwt(credential)) {
        const identity = await deps.jwt(credential);
        if (identity) {
          const id = `jwt:${identity.sub}`;
          principal = { id, kind: 'jwt', role: identity.role, delegate: false, user: id };
        }
      }
      if (!principal) throw unauthenticated('Invalid credentials', true);
      setPrincipal(res, principal);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** 403 `FORBIDDEN` unless the principal has `role` (admin satisfies every role). */
export function requireRole(role: Role): RequestHandler {
  return (_req, res, next) => {
    const p = principalOf(res);
    if (role === 'admin' && p.role !== 'admin') {
      next(new ForbiddenError('This route needs the admin role'));
      return;
    }
    next();
  };
}
