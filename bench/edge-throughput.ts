/**
 * `npm run bench:throughput`: the edge's throughput and latency under 1, 10 and 50 concurrent
 * connections, for the three routes users wait on, against `GET /api/ping` (token check +
 * JSON, no storage) measured in the same run. The worker is wrangler's bundle in workerd
 * (Miniflare, as the tests run it) with local D1/KV, on the shared Ceph RGW and the CDN
 * stand-in. Each repetition runs every (connections, route) cell, the routes' order turned
 * each repetition; cells are bounded by BENCH_REQUESTS_{1,10,50} requests and BENCH_MAX_SECONDS.
 *
 * - playback-url: one view token per user (a pool of users), videos in 50 submissions;
 * - upload-url: one upload token per user (a pool), each request a new session;
 * - confirm-upload: each request confirms its own upload, staged (presign + POST) before the
 *   cell starts, so it pays the real HeadObject, sniff, copy, record and staging delete.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startStack, stageVideo, uploadVideo, type StagedUpload, type Stack } from '../test/support/stack';
import { token } from '../test/support/tokens';
import { load, type LoadRequest, type LoadResult } from './load';
import { pairedRow, type Benchmark, type BenchResult } from './module';
import { row } from './stats';

const REPS = Number(process.env.BENCH_RUNS ?? 3);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,10,50').split(',').map(Number);
const REQUESTS: Record<number, number> = {
  1: Number(process.env.BENCH_REQUESTS_1 ?? 60),
  10: Number(process.env.BENCH_REQUESTS_10 ?? 200),
  50: Number(process.env.BENCH_REQUESTS_50 ?? 300),
};
const MAX_SECONDS = Number(process.env.BENCH_MAX_SECONDS ?? 30);
const USERS = 200;
const SUBMISSIONS = 50;
export const ROUTES = ['ping', 'playback-url', 'upload-url', 'confirm-upload'] as const;
/**
 * Baselines of bench/edge-entry.ts, each ping's token check plus one ingredient of the routes
 * above, so the table shows what the local stack itself allows: one D1 read, one KV read, one
 * RSA-2048 signature; and playback-url with its signature ablated (bench-only, never shipped).
 */
export const BASELINES = ['d1-read', 'kv-read', 'rsa-sign', 'playback-url-unsigned'] as const;
export type Route = (typeof ROUTES)[number] | (typeof BASELINES)[number];
/** The routes measured: BENCH_ROUTES (comma-separated) or all, ping always first. */
const MEASURED: Route[] = process.env.BENCH_ROUTES
  ? ['ping', ...(process.env.BENCH_ROUTES.split(',') as Route[]).filter((r) => r !== 'ping')]
  : [...ROUTES, ...BASELINES];

const ROOT = new URL('../', import.meta.url).pathname;
const BUNDLE_DIR = join(ROOT, '.build/edge-bench');

/** wrangler's bundle of bench/edge-entry.ts: the production worker plus the baselines. `minify: false` for profiles (function names). */
export function buildBenchWorker(minify = true): string {
  const out = join(BUNDLE_DIR, minify ? 'min' : 'plain');
  execFileSync('npx', ['wrangler', 'deploy', 'bench/edge-entry.ts', '--dry-run', '--outdir', out, ...(minify ? ['--minify'] : [])], {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...process.env, WRANGLER_LOG: 'error', WRANGLER_SEND_METRICS: 'false' },
  });
  return join(out, 'edge-entry.js');
}

const json = (tok: string, body: unknown): LoadRequest => ({
  method: 'POST',
  path: '',
  headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

/** Starts a stack ready for every route: videos to play, token pools. */
export async function prepareEdge(options: { inspectorPort?: number; bundle?: string } = {}) {
  const bundle = options.bundle ?? buildBenchWorker();
  const stack = await startStack({ RATE_LIMIT_UPLOADS_PER_HOUR: '100000', RATE_LIMIT_PLAYBACKS_PER_HOUR: '100000' }, { ...options, bundle });
  const secret = stack.secrets.sharedSecret;
  for (let s = 1; s <= SUBMISSIONS; s++) await uploadVideo(stack, { submissionid: s, sub: String(10 + s) });
  const admin = await token(secret, { scope: 'admin' });
  const views = await Promise.all(Array.from({ length: USERS }, (_, i) => token(secret, { scope: 'view', sub: String(1000 + i), submissionid: 1 + (i % SUBMISSIONS) })));
  const uploads = await Promise.all(Array.from({ length: USERS }, (_, i) => token(secret, { scope: 'upload', sub: String(2000 + i), submissionid: 100 + i })));
  let staged = 0;
  /** `n` uploads of their own, staged 8 at a time: what `n` confirms will confirm. */
  const stage = async (n: number): Promise<StagedUpload[]> => {
    const out: StagedUpload[] = [];
    const first = staged;
    staged += n;
    let i = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (i < n) {
        const k = first + i++;
        out.push(await stageVideo(stack, { sub: String(100000 + k), submissionid: 100000 + k, size: 2048 }));
      }
    }));
    return out;
  };
  /** The request maker of one cell (confirm's uploads are staged here, before the clock starts). */
  const requests = async (route: Route, n: number): Promise<(i: number) => LoadRequest> => {
    switch (route) {
      case 'ping':
        return () => ({ method: 'GET', path: '/api/ping', headers: { Authorization: `Bearer ${admin}` } });
      case 'playback-url':
      case 'playback-url-unsigned':
        return (i) => ({ method: 'GET', path: `/api/playback-url?submissionid=${1 + ((i % USERS) % SUBMISSIONS)}`, headers: { Authorization: `Bearer ${views[i % USERS]}` } });
      case 'd1-read':
        return (i) => ({ method: 'GET', path: `/bench/d1?id=${1 + (i % SUBMISSIONS)}`, headers: { Authorization: `Bearer ${views[i % USERS]}` } });
      case 'kv-read':
        return (i) => ({ method: 'GET', path: '/bench/kv', headers: { Authorization: `Bearer ${views[i % USERS]}` } });
      case 'rsa-sign':
        return (i) => ({ method: 'GET', path: '/bench/rsa', headers: { Authorization: `Bearer ${views[i % USERS]}` } });
      case 'upload-url':
        return (i) => ({
          ...json(uploads[i % USERS]!, { assignmentid: 10, submissionid: 100 + (i % USERS), filename: 'clip.mp4', filesize: 2048, mimetype: 'video/mp4' }),
          path: '/api/upload-url',
        });
      case 'confirm-upload': {
        const own = await stage(n);
        return (i) => ({ ...json(own[i]!.token, own[i]!.confirmBody), path: '/api/confirm-upload' });
      }
    }
  };
  const expect: Record<Route, number> = {
    ping: 200, 'playback-url': 200, 'upload-url': 201, 'confirm-upload': 200,
    'd1-read': 200, 'kv-read': 200, 'rsa-sign': 200, 'playback-url-unsigned': 200,
  };
  /** Signing on or off for the whole isolate (bench/edge-entry.ts), around the ablated cell only. */
  const ablate = async (sign: 'on' | 'off') => {
    const r = await fetch(`${stack.edge.url}/bench/ablate?sign=${sign}`, { method: 'POST', headers: { Authorization: `Bearer ${admin}` } });
    if (!r.ok) throw new Error(`ablate: ${r.status}`);
  };
  /** Sends what `requests` made; throws on any unexpected status (a benchmark of errors measures nothing). */
  const fire = async (route: Route, make: (i: number) => LoadRequest, connections: number, n: number): Promise<LoadResult> => {
    if (route === 'playback-url-unsigned') await ablate('off');
    let result: LoadResult;
    try {
      result = await load({ url: stack.edge.url, connections, requests: n, maxSeconds: MAX_SECONDS, make, expect: expect[route] });
    } finally {
      if (route === 'playback-url-unsigned') await ablate('on');
    }
    if (result.errors) throw new Error(`${route} @${connections}: ${result.errors} errors, first: ${result.firstError}`);
    return result;
  };
  const run = async (route: Route, connections: number, n: number): Promise<LoadResult> => fire(route, await requests(route, n), connections, n);
  return { stack, run, requests, fire };
}

/**
 * BENCH_BEFORE_REF=<git ref>: that commit's worker (its bench/edge-entry.ts, which must exist
 * there), extracted with `git archive` into .build/ and built with this checkout's node_modules,
 * so its cells run interleaved with this one's in the same run, each against its own ping.
 */
function buildBeforeWorker(ref: string): string {
  const dir = join(ROOT, '.build/edge-bench-before');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('bash', ['-c', `git archive "$1" | tar -x -C "$2"`, '_', ref, dir], { cwd: ROOT, stdio: 'inherit' });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  execFileSync('npx', ['wrangler', 'deploy', 'bench/edge-entry.ts', '--dry-run', '--outdir', join(dir, '.out'), '--minify'], {
    cwd: dir,
    stdio: 'ignore',
    env: { ...process.env, WRANGLER_LOG: 'error', WRANGLER_SEND_METRICS: 'false' },
  });
  return join(dir, '.out', 'edge-entry.js');
}

async function measure(): Promise<{ rows: BenchResult[]; samples: Record<string, LoadResult[]> }> {
  const before = process.env.BENCH_BEFORE_REF;
  const edges: Array<{ label: string; edge: Awaited<ReturnType<typeof prepareEdge>> }> = [];
  const samples: Record<string, LoadResult[]> = {};
  try {
    edges.push({ label: '', edge: await prepareEdge() });
    if (before) edges.push({ label: `before (${before}) `, edge: await prepareEdge({ bundle: buildBeforeWorker(before) }) });
    // Warm the isolate, the SDK and the D1/KV stand-ins before anything counts.
    for (const { edge } of edges) for (const route of MEASURED) await edge.run(route, 10, 50);
    for (let rep = 0; rep < REPS; rep++) {
      for (const c of CONNECTIONS) {
        const order = MEASURED.map((_, i, all) => all[(i + rep) % all.length]!);
        for (const route of order) {
          // Before and after cell by cell, which goes first turned each repetition.
          for (const { label, edge } of rep % 2 ? [...edges].reverse() : edges) {
            // On a machine this busy workerd now and then drops a connection: such a cell is run
            // again once (said in the log), never counted with its errors.
            const r = await edge.run(route, c, REQUESTS[c] ?? 200).catch((err: Error) => {
              console.error(`  rep ${rep + 1} ${label}${route} @${c}: ${err.message.slice(0, 200)}; running the cell again`);
              return edge.run(route, c, REQUESTS[c] ?? 200);
            });
            (samples[`${label}${route}@${c}`] ??= []).push(r);
            console.error(`  rep ${rep + 1} ${label}${route} @${c}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`);
          }
        }
      }
    }
  } finally {
    for (const { edge } of edges) await (edge.stack as Stack).close();
  }
  const rows: BenchResult[] = [];
  for (const { label } of edges) for (const c of CONNECTIONS) {
    const ping = samples[`${label}ping@${c}`]!;
    for (const route of MEASURED) {
      const s = samples[`${label}${route}@${c}`]!;
      const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
      rows.push(pairedRow({
        metric: `${label}${route} req/s @${c} conn`,
        baseline: `${label}ping req/s @${c} conn`,
        unit: 'req/s',
        values: s.map((r) => r.rps),
        baselines: ping.map((r) => r.rps),
        extra: { p50_ms: med(s.map((r) => r.p50)), p99_ms: med(s.map((r) => r.p99)), p99_ms_max: Math.max(...s.map((r) => r.p99)), requests_per_cell: s[0]!.completed },
      }));
    }
  }
  // With a before ref: each route against itself on that commit, cell next to cell — on a
  // machine whose load swings, steadier than two ratios to two pings.
  if (before) for (const c of CONNECTIONS) {
    for (const route of MEASURED) {
      rows.push(pairedRow({
        metric: `${route} req/s @${c} conn, this checkout`,
        baseline: `${route} req/s @${c} conn, ${before}`,
        unit: 'req/s',
        values: samples[`${route}@${c}`]!.map((r) => r.rps),
        baselines: samples[`before (${before}) ${route}@${c}`]!.map((r) => r.rps),
      }));
    }
  }
  return { rows, samples };
}

export function print(rows: BenchResult[]): void {
  const widths = [34, 10, 12, 16, 9, 9];
  console.log(row(['route @ connections', 'req/s', 'vs ping', 'spread', 'p50 ms', 'p99 ms'], widths));
  for (const r of rows) {
    const e = r.extra as { p50_ms: number; p99_ms: number } | undefined;
    if (!e) {
      console.log(`${r.metric} ÷ ${r.baseline}: ${r.ratio.toFixed(2)}× (${r.spread[0].toFixed(2)}–${r.spread[1].toFixed(2)})`);
      continue;
    }
    console.log(row([r.metric.replace(' req/s', ''), r.value!.toFixed(0), `${r.ratio.toFixed(2)}×`, `${r.spread[0].toFixed(2)}–${r.spread[1].toFixed(2)}`, e.p50_ms.toFixed(1), e.p99_ms.toFixed(1)], widths));
  }
}

const bench: Benchmark = {
  name: 'edge-throughput',
  description: 'edge routes at 1/10/50 connections vs /api/ping, workerd + local D1/KV + RGW',
  async run() {
    return (await measure()).rows;
  },
};
export default bench;

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const rows = await bench.run();
  console.log(`edge throughput, median of ${REPS} interleaved repetitions (workerd + local D1/KV + Ceph RGW, loopback)`);
  print(rows);
}
