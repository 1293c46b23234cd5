import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { Agent, fetch as poolFetch } from 'undici';
import { KV_WORKER, KV_WORKER_SCRIPT, type KvMode } from './production-kv';
import { SITE } from './tokens';
import type { S3Env } from './s3-env';

const ROOT = new URL('../../', import.meta.url).pathname;
/** Built by `npm run build:worker` (`wrangler deploy --dry-run`; test/run.sh runs it first): the bundle production gets. */
const BUNDLE = join(ROOT, '.build/worker/index.js');

/** The browser origin the worker allows unless a test sets ALLOWED_ORIGINS. */
export const DEFAULT_ALLOWED_ORIGIN = 'http://127.0.0.1:8789';

export interface EdgeOptions {
  s3: S3Env;
  secret: string;
  cdn: { url: string; keyPairId: string; privateKey: string; distributionId: string };
  vars?: Record<string, string>;
  /** How the RATE_LIMITS binding behaves (see production-kv.ts); Miniflare's own KV by default. */
  kv?: KvMode;
  /** Opens workerd's inspector (Chrome DevTools Protocol) on this port: benchmarks profile through it. */
  inspectorPort?: number;
  /** Another build of the worker (e.g. an unminified one a profile can name functions in). */
  bundle?: string;
}

export interface Edge {
  url: string;
  mf: Miniflare;
  db: D1Database;
  kv: KVNamespace;
  fetch(path: string, init?: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  scheduled(at: Date): Promise<void>;
  dispose(): Promise<void>;
}

/** Applies edge/migrations in order, as `wrangler d1 migrations apply` would. */
async function migrate(db: D1Database): Promise<void> {
  const dir = join(ROOT, 'edge/migrations');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    const sql = readFileSync(join(dir, file), 'utf8').replace(/^\s*--.*$/gm, '');
    const statements = sql.split(/;\s*$/m).map((s) => s.trim()).filter(Boolean);
    await db.batch(statements.map((s) => db.prepare(s)));
  }
}

/**
 * The worker inside workerd with real local D1 and KV (in memory, so every
 * test file starts clean), pointed at the real local S3 and the CDN stand-in.
 */
export async function startEdge(o: EdgeOptions): Promise<Edge> {
  const kvMode = o.kv ?? 'local';
  const bundle = o.bundle ?? BUNDLE;
  // A test run alone (not through npm test) needs the bundle built first; say so rather than fail in Miniflare.
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build:worker\` first (after every edge change).`);
  const worker = {
    modules: true,
    scriptPath: bundle,
    compatibilityDate: '2026-04-20',
    compatibilityFlags: ['nodejs_compat'],
    d1Databases: { DB: 'test-db' },
    ...(kvMode === 'local'
      ? { kvNamespaces: ['RATE_LIMITS'] }
      : { wrappedBindings: { RATE_LIMITS: { scriptName: KV_WORKER, bindings: { MODE: kvMode } } } }),
    bindings: {
      MOODLE_ISSUERS: SITE,
      MOODLE_SHARED_SECRET: o.secret,
      ALLOWED_ORIGINS: DEFAULT_ALLOWED_ORIGIN,
      S3_BUCKET: o.s3.bucket,
      S3_REGION: o.s3.region,
      S3_ENDPOINT: o.s3.endpoint,
      AWS_ACCESS_KEY_ID: o.s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: o.s3.secretAccessKey,
      CLOUDFRONT_DOMAIN: o.cdn.url,
      CLOUDFRONT_KEY_PAIR_ID: o.cdn.keyPairId,
      CLOUDFRONT_PRIVATE_KEY: o.cdn.privateKey,
      CLOUDFRONT_DISTRIBUTION_ID: o.cdn.distributionId,
      CLOUDFRONT_API_ENDPOINT: o.cdn.url,
      ...o.vars,
    },
  };
  const mf = new Miniflare({
    host: '127.0.0.1',
    port: 0,
    ...(o.inspectorPort ? { inspectorPort: o.inspectorPort } : {}),
    workers: kvMode === 'local'
      ? [worker]
      : [worker, { name: KV_WORKER, modules: true, script: KV_WORKER_SCRIPT, kvNamespaces: { INNER: 'rate-limits' } }],
  });
  let url: string;
  let db: D1Database;
  let kv: KVNamespace;
  try {
    url = (await mf.ready).toString().replace(/\/$/, '');
    db = (await mf.getD1Database('DB')) as unknown as D1Database;
    // The storage itself, past any stand-in's failures, so a test can read and reset the brake.
    kv = (kvMode === 'local'
      ? await mf.getKVNamespace('RATE_LIMITS')
      : await mf.getKVNamespace('INNER', KV_WORKER)) as unknown as KVNamespace;
    await migrate(db);
  } catch (err) {
    // A start that fails half-way must not leave workerd running: it would keep the test file's
    // process alive after its tests, and the run would never end (seen under load, when
    // Miniflare's synchronous proxy gave up during the migrations).
    await mf.dispose();
    throw err;
  }
  // Bursts of hundreds of requests share a bounded pool of sockets and queue in the client, so a
  // busy machine's accept backlog or connect timeout never turns a test's burst into "fetch
  // failed"; 32 requests at a time still reach the worker at once, which is what the
  // concurrency tests need (D1 serialises the writes either way).
  const sockets = new Agent({ connections: 32, connectTimeout: 60_000 });
  return {
    url,
    mf,
    db,
    kv,
    fetch(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.token) headers.Authorization = `Bearer ${init.token}`;
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
        headers['Content-Type'] ??= 'application/json';
      }
      return poolFetch(`${url}${path}`, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, dispatcher: sockets }) as unknown as Promise<Response>;
    },
    async scheduled(at) {
      const worker = await mf.getWorker();
      const result = await worker.scheduled({ cron: '0 2 * * *', scheduledTime: at });
      if (result.outcome !== 'ok') throw new Error(`scheduled() ended with ${result.outcome}`);
    },
    dispose: async () => {
      await sockets.close();
      await mf.dispose();
    },
  };
}
