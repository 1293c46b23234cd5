/**
 * The worker as production builds it, with its scheduled handler wrapped for the cleanup
 * benchmark ONLY (bench/cleanup-scale.ts builds this file with wrangler instead of
 * edge/src/index.ts): every outgoing fetch (a subrequest: S3, CloudFront) and every D1
 * statement run (a query; each statement of a batch counts) is counted per invocation and
 * written to `bench_invocations`, through the uncounted binding, after the run.
 */
import { runCleanup } from '../edge/src/cleanup/run';
import { loadConfig } from '../edge/src/config';
import type { Env } from '../edge/src/env';
import worker from '../edge/src/index';

let subrequests = 0;
const fetchOf = globalThis.fetch;
globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
  subrequests++;
  return fetchOf(...args);
}) as typeof fetch;

function counting(db: D1Database): { db: D1Database; queries: () => number } {
  let queries = 0;
  const statement = (s: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(s, {
      get(target, prop) {
        if (prop === '__target') return target;
        const value = Reflect.get(target, prop, target) as unknown;
        if (prop === 'bind') return (...args: unknown[]) => statement(target.bind(...args));
        if (prop === 'first' || prop === 'run' || prop === 'all' || prop === 'raw') {
          return (...args: unknown[]) => {
            queries++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  const wrapped = new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (sql: string) => statement(target.prepare(sql));
      }
      if (prop === 'batch') {
        return (list: D1PreparedStatement[]) => {
          queries += list.length;
          // D1 takes only its own statement objects: each proxy hands over the one it wraps.
          return target.batch(list.map((s) => (s as unknown as { __target?: D1PreparedStatement }).__target ?? s));
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: wrapped, queries: () => queries };
}

export default {
  fetch: worker.fetch,
  async scheduled(controller, env) {
    subrequests = 0;
    const counted = counting(env.DB);
    let report: unknown;
    let error: unknown;
    try {
      report = await runCleanup(counted.db, loadConfig(env), Math.floor(controller.scheduledTime / 1000));
    } catch (err) {
      error = err;
      report = { error: err instanceof Error ? err.message : String(err) };
    }
    await env.DB.prepare('INSERT INTO bench_invocations (subrequests, queries, report) VALUES (?, ?, ?)')
      .bind(subrequests, counted.queries(), JSON.stringify(report))
      .run();
    if (error) throw error;
  },
} satisfies ExportedHandler<Env>;
