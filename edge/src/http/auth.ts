import { createMiddleware } from 'hono/factory';
import type { Scope, TokenClaims } from '../contract';
import { ApiError } from '../errors';
import { verifyToken } from '../services/tokens';
import type { AppEnv } from './app-env';

/**
 * Admits a request only with a Bearer token of one of `scopes`. The claims
 * become `c.var.claims`: the only identity the handlers ever look at.
 */
export function requireToken(...scopes: Scope[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('Authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError('MISSING_TOKEN', 'Sign-in required: no Bearer token was sent.');
    const config = c.var.config;
    const claims = await verifyToken(match[1]!, config.secret, config.issuers, c.var.now);
    if (!scopes.includes(claims.scope)) {
      throw new ApiError('WRONG_SCOPE', `This action needs a ${scopes.join(' or ')} token, not ${claims.scope}.`);
    }
    c.set('claims', claims);
    await next();
  });
}

/** Resource ids in a body or query must be the token's own: a token is one action on one submission. */
export function assertSameResource(
  claims: TokenClaims,
  ids: { assignmentid?: number; submissionid?: number },
): void {
  if (claims.scope === 'admin' || claims.scope === 'server') return;
  for (const key of ['assignmentid', 'submissionid'] as const) {
    const wanted = ids[key];
    if (wanted !== undefined && wanted !== claims[key]) {
      throw new ApiError('FORBIDDEN', `This token is not for ${key} ${wanted}.`, key);
    }
  }
}
