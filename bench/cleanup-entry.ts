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
import { counting } from './count-d1';

let subrequests = 0;
const fetchOf = globalThis.fetch;
globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
  subrequests++;
  return fetchOf(...args);
}) as typeof fetch;

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
