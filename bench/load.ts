/**
 * A small closed-loop load generator (node:http, keep-alive, loopback only): `connections`
 * clients each send their next request as soon as the last one's answer is read, until
 * `requests` have been sent or `maxSeconds` have passed, whichever is first. Bounded in both
 * count and time so a slow worker cannot make a benchmark run for ever.
 */
import { Agent, request } from 'node:http';

export interface LoadRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  /** The worker's origin, http://127.0.0.1:port. */
  url: string;
  connections: number;
  /** Requests in all (each index 0…requests−1 is asked of `make` exactly once). */
  requests: number;
  /** Stop sending after this long even if requests remain. */
  maxSeconds: number;
  make(i: number): LoadRequest;
  /** The status every answer must have; others count as errors. */
  expect: number;
}

export interface LoadResult {
  /** Answered requests per second of wall time (first send → last answer). */
  rps: number;
  /** Latency percentiles of answered requests, ms. */
  p50: number;
  p99: number;
  completed: number;
  /** Answers with another status than `expect`, with the first one's body for the log. */
  errors: number;
  firstError?: string;
}

function send(agent: Agent, origin: URL, r: LoadRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: origin.hostname, port: origin.port, method: r.method, path: r.path, agent, headers: { ...r.headers, ...(r.body ? { 'Content-Length': Buffer.byteLength(r.body) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

export async function load(o: LoadOptions): Promise<LoadResult> {
  const origin = new URL(o.url);
  if (origin.hostname !== '127.0.0.1' && origin.hostname !== 'localhost') throw new Error('load: loopback only');
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = start + o.maxSeconds * 1000;
  const client = async () => {
    while (next < o.requests && performance.now() < deadline) {
      const i = next++;
      const t = performance.now();
      // A connection the server dropped is an error of the cell like a wrong status, not a crash of the run.
      const res = await send(agent, origin, o.make(i)).catch((err: Error) => ({ status: 0, body: `${err.message} (${(err as NodeJS.ErrnoException).code ?? 'no code'})` }));
      latencies.push(performance.now() - t);
      if (res.status !== o.expect) {
        errors++;
        firstError ??= `${res.status} ${res.body.slice(0, 300)}`;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: o.connections }, client));
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return { rps: latencies.length / seconds, p50: at(50), p99: at(99), completed: latencies.length, errors, firstError };
}
