import type { Config } from '../config';
import type { Env } from '../env';
import type { TokenClaims } from '../contract';

/** Hono's typing of bindings and per-request variables, shared by every route. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    /** Unix seconds, read once per request so a handler sees one consistent "now". */
    now: number;
    claims: TokenClaims;
  };
}
