import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { requireToken } from '../http/auth';
import { respond } from '../http/respond';

/** GET /api/ping: lets Moodle's settings page prove the worker is reachable and shares its secret. */
export const ping = new Hono<AppEnv>();

ping.get('/', requireToken('admin'), (c) =>
  respond<'GET /api/ping'>(c, { ok: true, issuer: c.var.claims.iss, time: new Date(c.var.now * 1000).toISOString() }),
);
