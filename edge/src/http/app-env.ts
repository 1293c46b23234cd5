import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config';
import type { ClaimsOf, Scope } from '../contract';
import type { Env } from '../env';

/** Hono's typing of bindings and per-request variables, shared by every route. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    /** Unix seconds, read once per request so a handler sees one consistent "now". */
    now: number;
    /** The request's S3 client, made once per request (services/s3.ts keeps one per isolate). */
    s3: S3Client;
  };
}

/**
 * What `requireToken(...scopes)` adds for the handlers after it: `c.var.claims`, typed as a
 * token of one of those scopes, so a handler reads its token's fields without a cast.
 */
export interface TokenEnv<S extends Scope> {
  Variables: { claims: ClaimsOf<S> };
}
