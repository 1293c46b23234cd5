import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { isOneOf, type ClaimsOf, type Scope, type TokenClaims } from '../contract';
import { ApiError } from '../errors';
import { verifyToken } from '../services/tokens';
import type { AppEnv, TokenEnv } from './app-env';
import { int, queryInt, type Fields } from './validate';

/** The middleware, with the scopes it admits readable (test/contract checks them against the endpoint table). */
export type TokenMiddleware<S extends Scope> = MiddlewareHandler<AppEnv & TokenEnv<S>> & { readonly scopes: readonly S[] };

/**
 * Admits a request only with a Bearer token of one of `scopes`. The claims
 * become `c.var.claims`, typed as those scopes' claims: the only identity the
 * handlers ever look at.
 */
export function requireToken<const S extends Scope>(...scopes: S[]): TokenMiddleware<S> {
  const middleware = createMiddleware<AppEnv & TokenEnv<S>>(async (c, next) => {
    const header = c.req.header('Authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError('MISSING_TOKEN', 'Sign-in required: no Bearer token was sent.');
    const config = c.var.config;
    const claims = await verifyToken(match[1]!, config.secret, config.issuers, c.var.now);
    if (!isOneOf(scopes, claims.scope)) {
      throw new ApiError('WRONG_SCOPE', `This action needs a ${scopes.join(' or ')} token, not ${claims.scope}.`);
    }
    // The scope is one of S, and TokenClaims is discriminated by scope.
    c.set('claims', claims as ClaimsOf<S>);
    await next();
  });
  return Object.assign(middleware, { scopes });
}

/** The resource ids a request may name. */
export interface ResourceIds {
  assignmentid: number;
  submissionid: number;
}

/**
 * Resource ids in a body or query must be the token's own: a token is one action on one
 * submission. Site-wide tokens (admin, server) name no resource. The one place this rule lives;
 * the readers below apply it to what they read.
 */
export function assertOwnIds(claims: TokenClaims, ids: Partial<ResourceIds>): void {
  if (claims.scope === 'admin' || claims.scope === 'server') return;
  for (const key of ['assignmentid', 'submissionid'] as const) {
    const wanted = ids[key];
    if (wanted !== undefined && wanted !== claims[key]) {
      throw new ApiError('FORBIDDEN', `This token is not for ${key} ${wanted}.`, key);
    }
  }
}

/** `names` read from a JSON body (each required, a positive integer), each the token's own. */
export function ownIdsInBody<K extends keyof ResourceIds>(claims: TokenClaims, body: Fields, ...names: K[]): Pick<ResourceIds, K> {
  const ids = {} as Pick<ResourceIds, K>;
  for (const name of names) ids[name] = int(body, name, 1, Number.MAX_SAFE_INTEGER) as Pick<ResourceIds, K>[K];
  assertOwnIds(claims, ids);
  return ids;
}

/** A query's `submissionid` (required), the token's own. */
export function ownSubmissionInQuery(claims: TokenClaims, raw: string | undefined): number {
  const submissionid = queryInt(raw, 'submissionid', 1, Number.MAX_SAFE_INTEGER);
  assertOwnIds(claims, { submissionid });
  return submissionid;
}
