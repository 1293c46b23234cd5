/**
 * The worker as production builds it, plus baseline routes for the throughput benchmark ONLY
 * (bench/edge-throughput.ts builds this file with wrangler instead of edge/src/index.ts; it is
 * never deployed). Each baseline is the token check of `/api/ping` plus ONE thing a real route
 * does, so the benchmark can show what the local stack allows for each ingredient:
 *
 * - `GET /bench/d1`: one indexed D1 read (`SELECT * FROM videos WHERE id = ?`);
 * - `GET /bench/kv`: one KV read (a key that does not exist, as the quota brake's usually is);
 * - `GET /bench/rsa`: one RSA-2048 PKCS #1 v1.5 / SHA-1 signature with the CloudFront key, as
 *   playback-url makes (services/cloudfront-sign.ts, the key imported once per isolate).
 *
 * A request with `x-bench-count: 1` runs with a counting D1 binding (bench/count-d1.ts) and its
 * answer says how many times it reached D1 (`x-bench-d1-round-trips`) and how many statements
 * it ran (`x-bench-d1-queries`): test/edge/round-trips.test.ts holds the routes to their counts.
 *
 * And one ablation: `POST /bench/ablate?sign=off` makes every RSASSA-PKCS1-v1_5 signature of
 * the isolate return 256 zero bytes at once (`?sign=on` restores it), so playback-url can be
 * measured with and without its signature in the same run. The URLs it then returns are
 * invalid; the benchmark only counts answers.
 */
import { loadConfig } from '../edge/src/config';
import type { Env } from '../edge/src/env';
import worker from '../edge/src/index';
import { signingKey } from '../edge/src/services/cloudfront-sign';
import { verifyToken } from '../edge/src/services/tokens';
import { counting } from './count-d1';

let signing = true;
const subtle = crypto.subtle;
const realSign = subtle.sign.bind(subtle);
Object.defineProperty(subtle, 'sign', {
  configurable: true,
  value: (algorithm: Parameters<SubtleCrypto['sign']>[0], key: CryptoKey, data: BufferSource) => {
    const name = typeof algorithm === 'string' ? algorithm : algorithm.name;
    if (!signing && name === 'RSASSA-PKCS1-v1_5') return Promise.resolve(new ArrayBuffer(256));
    return realSign(algorithm, key, data);
  },
});

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

async function baseline(request: Request, env: Env, path: string): Promise<Response> {
  const config = loadConfig(env);
  const now = Math.floor(Date.now() / 1000);
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get('Authorization') ?? '');
  if (!bearer) return json({ error: 'token' }, 401);
  const claims = await verifyToken(bearer[1]!, config.secret, config.issuers, now);
  const url = new URL(request.url);
  switch (path) {
    case '/bench/d1': {
      const row = await env.DB.prepare('SELECT * FROM videos WHERE id = ?').bind(Number(url.searchParams.get('id') ?? 1)).first<{ id: number }>();
      return json({ ok: true, id: row?.id ?? null });
    }
    case '/bench/kv': {
      const value = await env.RATE_LIMITS.get(`bench:${claims.iss}:${claims.sub}`);
      return json({ ok: true, value });
    }
    case '/bench/rsa': {
      const key = await signingKey(config.cdn.privateKey);
      const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, new TextEncoder().encode(`${claims.sub}:${now}`));
      return json({ ok: true, bytes: signature.byteLength });
    }
    case '/bench/ablate': {
      signing = url.searchParams.get('sign') !== 'off';
      return json({ ok: true, signing });
    }
  }
  return json({ error: 'no such bench route' }, 404);
}

export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path.startsWith('/bench/')) return baseline(request, env, path);
    if (request.headers.get('x-bench-count') !== '1') return worker.fetch(request, env, ctx);
    const counted = counting(env.DB);
    const answer = await worker.fetch(request, { ...env, DB: counted.db }, ctx);
    const response = new Response(answer.body, answer);
    response.headers.set('x-bench-d1-round-trips', String(counted.roundTrips()));
    response.headers.set('x-bench-d1-queries', String(counted.queries()));
    return response;
  },
  scheduled: worker.scheduled,
} satisfies ExportedHandler<Env>;
