/**
 * `npm run bench:profile`: where a request's CPU time goes inside workerd. Starts the worker as
 * bench/edge-throughput.ts does, with workerd's inspector open, and for each route records a
 * CPU profile (Chrome DevTools Protocol `Profiler` domain) over BENCH_PROFILE_REQUESTS requests
 * at 10 connections. Saves each as .local/profiles/<route>.cpuprofile (open it in Chrome
 * DevTools → Performance) and prints:
 *   - CPU ms per request: the profile's non-idle time ÷ requests (what the Workers paid plan
 *     bills: CPU time, not the wall time spent waiting on D1, KV or S3);
 *   - self time by function, the top BENCH_PROFILE_TOP, grouped by function and file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { load } from './load';
import { buildBenchWorker, prepareEdge, ROUTES, type Route } from './edge-throughput';
import type { BenchResult } from './module';
import { freePort } from '../test/support/ports';

const REQUESTS = Number(process.env.BENCH_PROFILE_REQUESTS ?? 300);
const TOP = Number(process.env.BENCH_PROFILE_TOP ?? 15);
const ROOT = new URL('../', import.meta.url).pathname;
const OUT = join(ROOT, '.local/profiles');

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }


/** A minimal CDP session: send(method, params) → result. */
async function devtools(port: number) {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ id: string; title: string; webSocketDebuggerUrl: string }>;
  // Miniflare names the user's (unnamed) worker "core:user:"; its own helpers have other names.
  const target = targets.find((t) => t.id === 'core:user:' || t.title === 'core:user:') ?? targets[0]!;
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  let id = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
    if (msg.id === undefined) return;
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) p?.reject(new Error(msg.error.message));
    else p?.resolve(msg.result);
  });
  return {
    send: <T>(method: string, params: Record<string, unknown> = {}) => new Promise<T>((resolve, reject) => {
      const n = ++id;
      pending.set(n, { resolve: resolve as (v: unknown) => void, reject });
      ws.send(JSON.stringify({ id: n, method, params }));
    }),
    close: () => ws.close(),
  };
}

export interface ProfileSummary {
  route: Route;
  requests: number;
  /** Non-idle sampled time ÷ requests, ms. */
  cpuMsPerRequest: number;
  /** [function @ file:line, self ms in all, share of non-idle time]. */
  top: Array<[string, number, number]>;
  /** The same for inclusive time (the function and all it called), named functions of the worker's own bundle only. */
  inclusive: Array<[string, number, number]>;
}

/** Self time by function (µs → ms), idle excluded. */
export function summarise(profile: CpuProfile, requests: number, route: Route): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((nodeId, i) => {
    const node = byId.get(nodeId)!;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const f = node.callFrame;
    if (f.functionName === '(idle)') return;
    busy += dt;
    const file = f.url ? f.url.split('/').pop() : '';
    const name = `${f.functionName || '(anonymous)'}${file ? ` @ ${file}:${f.lineNumber + 1}` : ''}`;
    self.set(name, (self.get(name) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = nodeId; id !== undefined; id = parent.get(id)) {
      const g = byId.get(id)!.callFrame;
      if (!g.functionName || !g.url.endsWith('edge-entry.js')) continue;
      const n = `${g.functionName} @ ${g.url.split('/').pop()}:${g.lineNumber + 1}`;
      if (seen.has(n)) continue;
      seen.add(n);
      total.set(n, (total.get(n) ?? 0) + dt);
    }
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP).map(([n, ms]) => [n, ms, ms / busy] as [string, number, number]);
  const inclusive = [...total.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP).map(([n, ms]) => [n, ms, ms / busy] as [string, number, number]);
  return { route, requests, cpuMsPerRequest: busy / requests, top, inclusive };
}

export async function profileRoutes(routes: readonly Route[] = ROUTES): Promise<ProfileSummary[]> {
  const port = await freePort();
  // The same build without --minify, so the profile names functions (the code is the same);
  // bench/edge-entry.ts, so the baselines (d1-read, kv-read, rsa-sign) can be profiled too.
  const { stack, run, requests, fire } = await prepareEdge({ inspectorPort: port, bundle: buildBenchWorker(false) });
  const cdp = await devtools(port);
  const out: ProfileSummary[] = [];
  try {
    for (const route of routes) await run(route, 10, 50);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    mkdirSync(OUT, { recursive: true });
    for (const route of routes) {
      // Confirm's uploads are staged (through the worker) before the profile starts.
      const make = await requests(route, REQUESTS);
      await cdp.send('Profiler.start');
      const r = await fire(route, make, 10, REQUESTS);
      const { profile } = await cdp.send<{ profile: CpuProfile }>('Profiler.stop');
      writeFileSync(join(OUT, `${route}.cpuprofile`), JSON.stringify(profile));
      out.push(summarise(profile, r.completed, route));
    }
  } finally {
    cdp.close();
    await stack.close();
  }
  return out;
}

export function printProfiles(summaries: ProfileSummary[]): void {
  for (const s of summaries) {
    console.log(`\n${s.route}: ${s.cpuMsPerRequest.toFixed(2)} CPU ms per request (${s.requests} requests, 10 connections)`);
    console.log('  self time:');
    for (const [name, ms, share] of s.top) console.log(`  ${(share * 100).toFixed(1).padStart(5)} %  ${(ms / s.requests).toFixed(3).padStart(7)} ms/req  ${name}`);
    console.log('  inclusive time (the worker\'s own named functions):');
    for (const [name, ms, share] of s.inclusive) console.log(`  ${(share * 100).toFixed(1).padStart(5)} %  ${(ms / s.requests).toFixed(3).padStart(7)} ms/req  ${name}`);
  }
}

/** The figures results.json keeps: CPU ms per request per route, ratio to ping's. */
export function profileRows(summaries: ProfileSummary[]): BenchResult[] {
  const ping = summaries.find((s) => s.route === 'ping')!;
  return summaries.map((s) => ({
    metric: `${s.route} CPU ms/request (workerd profile)`,
    baseline: 'ping CPU ms/request',
    ratio: s.cpuMsPerRequest / ping.cpuMsPerRequest,
    spread: [s.cpuMsPerRequest / ping.cpuMsPerRequest, s.cpuMsPerRequest / ping.cpuMsPerRequest],
    unit: 'ms',
    repetitions: 1,
    value: s.cpuMsPerRequest,
    baselineValue: ping.cpuMsPerRequest,
    extra: { requests: s.requests, top: s.top.slice(0, 8).map(([n, ms, share]) => ({ fn: n, ms_per_request: +(ms / s.requests).toFixed(3), share: +share.toFixed(3) })) },
  }));
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const routes = process.argv.slice(2).length ? (process.argv.slice(2) as Route[]) : ROUTES;
  printProfiles(await profileRoutes(routes));
}
