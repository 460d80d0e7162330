import type { Response } from 'express';

export type Role = 'user' | 'admin';

/** Who is calling: the authenticated credential and the end user it acts for. */
export interface Principal {
  /** Key id, `jwt:<sub>`, or `channel:<name>` for HMAC-verified webhooks. */
  readonly id: string;
  readonly kind: 'api_key' | 'jwt' | 'webhook';
  readonly role: Role;
  /** A trusted front-end that names its end user in `x-user-id`. */
  readonly delegate: boolean;
  /** The end user: owner of conversations and rate-limit key (`<principal>/<x-user-id>` for delegates). */
  readonly user: string;
}

/** `x-user-id` values a delegate may send. */
export const USER_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

const LOCALS_KEY = 'principal';

export function setPrincipal(res: Response, principal: Principal): void {
  (res.locals as Record<string, unknown>)[LOCALS_KEY] = principal;
}

/** The authenticated principal; throws if the route is not behind `authenticate()` (a programming error). */
export function principalOf(res: Response): Principal {
  const p = (res.locals as Record<string, unknown>)[LOCALS_KEY] as Principal | undefined;
  if (!p) throw new Error('route is not authenticated');
  return p;
}
