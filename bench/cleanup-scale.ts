/**
 * `npm run bench:cleanup`: cleanup at scale. Seeds BENCH_CLEANUP_VIDEOS (default 100 000)
 * expired videos — D1 rows written directly, one small object each put in the stack's own
 * bucket, BENCH_CLEANUP_PUTS at a time — then runs the scheduled handler as Workers would
 * (wrangler's bundle in workerd, `scheduled()` one invocation after another, same day) until a
 * run reports nothing more to do. Per invocation it records the subrequests (every outgoing
 * fetch: S3, CloudFront) and D1 queries (every statement, a batch's each) through
 * bench/cleanup-entry.ts, and checks them against the Workers limits; at the end the bucket
 * must be empty and every row deleted and swept.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { startStack } from '../test/support/stack';
import { SITE } from '../test/support/tokens';
import type { BenchResult, Benchmark } from './module';
import { summarise } from './module';

const ROOT = new URL('../', import.meta.url).pathname;
const BUNDLE_DIR = join(ROOT, '.build/cleanup-bench');
const DAY = 86400;

/**
 * Workers limits per invocation (developers.cloudflare.com/workers/platform/limits/ and
 * /d1/platform/limits/, checked 2026): subrequests 10 000 (Paid) / 50 (Free); D1 queries
 * 1 000 (Paid) / 50 (Free).
 */
export const LIMITS = { paid: { subrequests: 10000, queries: 1000 }, free: { subrequests: 50, queries: 50 } } as const;

export interface Invocation {
  subrequests: number;
  queries: number;
  wallMs: number;
  report: { deleted?: number; swept?: number; more?: boolean; error?: string; batches?: number };
}

export interface CleanupRun {
  videos: number;
  invocations: Invocation[];
  seconds: number;
  /** Seeding (D1 rows and objects, side by side), seconds. */
  seedSeconds: number;
  leftObjects: number;
  leftRows: number;
}

/** Builds the counting entry (once per process). */
let built = false;
function build(): string {
  if (!built) {
    execFileSync('npx', ['wrangler', 'deploy', 'bench/cleanup-entry.ts', '--dry-run', '--outdir', BUNDLE_DIR, '--minify'], {
      cwd: ROOT,
      stdio: 'ignore',
      env: { ...process.env, WRANGLER_LOG: 'error', WRANGLER_SEND_METRICS: 'false' },
    });
    built = true;
  }
  return join(BUNDLE_DIR, 'cleanup-entry.js');
}

async function bounded(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await task(next++);
  }));
}

/** Seeds `videos` expired videos and runs cleanup until done; `maxInvocations` bounds the loop. */
export async function cleanupAtScale(o: { videos: number; vars?: Record<string, string>; puts?: number; maxInvocations?: number; log?: (line: string) => void }): Promise<CleanupRun> {
  const stack = await startStack(o.vars ?? {}, { bundle: build() });
  // Interrupted (Ctrl-C, a timeout's SIGTERM), the bucket and its up to 100 000 objects are
  // still dropped: `finally` does not run when a signal ends the process.
  const onSignal = (signal: NodeJS.Signals) => {
    o.log?.(`  ${signal}: dropping the bench bucket before exiting`);
    void stack.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const now = Math.floor(Date.now() / 1000);
    const confirmed = now - 400 * DAY;
    const key = (i: number) => `videos/${1000 + (i % 997)}/${confirmed * 1000 + i}_bench/clip.mp4`;
    const db = stack.edge.db;
    await db.prepare('CREATE TABLE bench_invocations (id INTEGER PRIMARY KEY, subrequests INTEGER, queries INTEGER, report TEXT)').run();
    const t0 = performance.now();
    // Rows (1 000 a statement) and objects (`puts` at a time) side by side: workerd's D1 and the
    // RGW are different processes, and the objects are what takes the time.
    const rows = (async () => {
      // Rows: past retention (365 days), claimed, ready — what `expireConfirmed` deletes for 'retention'.
      for (let first = 0; first < o.videos; first += 1000) {
        const keys = Array.from({ length: Math.min(1000, o.videos - first) }, (_, j) => key(first + j));
        await db
          .prepare(
            `INSERT INTO videos (site, courseid, assignmentid, submissionid, userid, s3_key, s3_bucket, upload_status, filename,
               file_size, mime_type, upload_timestamp, presign_expires, confirmed_timestamp, claimed_timestamp)
             SELECT ?, 2, 10, 100000 + ? + key, '7', value, ?, 'ready', 'clip.mp4', 10, 'video/mp4', ?, ?, ?, ?
             FROM json_each(?)`,
          )
          .bind(SITE, first, stack.s3.bucket, confirmed - 60, confirmed + 3540, confirmed, confirmed + 60, JSON.stringify(keys))
          .run();
      }
      o.log?.(`  seeded ${o.videos} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    })();
    await Promise.all([rows, bounded(o.videos, o.puts ?? 32, async (i) => {
      await stack.s3client.send(new PutObjectCommand({ Bucket: stack.s3.bucket, Key: key(i), Body: 'not-a-vid!', ContentType: 'video/mp4' }));
      if ((i + 1) % 10000 === 0) o.log?.(`  seeded ${i + 1} objects (${((i + 1) / ((performance.now() - t0) / 1000)).toFixed(0)}/s)`);
    })]);
    const seedSeconds = (performance.now() - t0) / 1000;

    const invocations: Invocation[] = [];
    const max = o.maxInvocations ?? 10000;
    const start = performance.now();
    for (;;) {
      if (invocations.length === max) throw new Error(`cleanup did not finish in ${max} invocations`);
      const t = performance.now();
      await stack.edge.scheduled(new Date(now * 1000));
      const wallMs = performance.now() - t;
      const row = (await db.prepare('SELECT subrequests, queries, report FROM bench_invocations ORDER BY id DESC LIMIT 1').first<{ subrequests: number; queries: number; report: string }>())!;
      const inv: Invocation = { subrequests: row.subrequests, queries: row.queries, wallMs, report: JSON.parse(row.report) };
      invocations.push(inv);
      o.log?.(`  invocation ${invocations.length}: deleted ${inv.report.deleted}, swept ${inv.report.swept}, ${inv.subrequests} subrequests, ${inv.queries} D1 queries, ${(wallMs / 1000).toFixed(1)} s`);
      if (!inv.report.more) break;
    }
    const seconds = (performance.now() - start) / 1000;
    const listed = await stack.s3client.send(new ListObjectsV2Command({ Bucket: stack.s3.bucket, MaxKeys: 1000 }));
    const left = (await db.prepare(`SELECT COUNT(*) AS n FROM videos WHERE upload_status <> 'deleted' OR sweep_due IS NOT NULL`).first<{ n: number }>())!.n;
    return { videos: o.videos, invocations, seconds, seedSeconds, leftObjects: listed.KeyCount ?? 0, leftRows: left };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stack.close();
  }
}

function rows(run: CleanupRun): BenchResult[] {
  const rate = run.videos / run.seconds;
  const per = (f: (i: Invocation) => number) => summarise(run.invocations.map(f));
  const extra = {
    videos: run.videos,
    invocations: run.invocations.length,
    max_subrequests: Math.max(...run.invocations.map((i) => i.subrequests)),
    max_queries: Math.max(...run.invocations.map((i) => i.queries)),
    max_wall_s: +(Math.max(...run.invocations.map((i) => i.wallMs)) / 1000).toFixed(2),
    total_s: +run.seconds.toFixed(1),
    seed_s: +run.seedSeconds.toFixed(1),
    left_objects: run.leftObjects,
    left_rows: run.leftRows,
    limits: LIMITS,
  };
  return [
    { metric: 'videos deleted per second (cron invocations back to back)', baseline: '', ratio: rate, spread: [rate, rate], unit: 'videos/s', repetitions: 1, value: rate, extra },
    { metric: 'subrequests per invocation (max)', baseline: 'Workers Paid limit 10 000', ratio: extra.max_subrequests / LIMITS.paid.subrequests, spread: [per((i) => i.subrequests).spread[0] / LIMITS.paid.subrequests, extra.max_subrequests / LIMITS.paid.subrequests], unit: 'subrequests', repetitions: run.invocations.length, value: extra.max_subrequests, baselineValue: LIMITS.paid.subrequests },
    { metric: 'D1 queries per invocation (max)', baseline: 'Workers Paid limit 1 000', ratio: extra.max_queries / LIMITS.paid.queries, spread: [per((i) => i.queries).spread[0] / LIMITS.paid.queries, extra.max_queries / LIMITS.paid.queries], unit: 'queries', repetitions: run.invocations.length, value: extra.max_queries, baselineValue: LIMITS.paid.queries },
  ];
}

const bench: Benchmark = {
  name: 'cleanup-scale',
  description: 'cron cleanup of 100 000 expired videos: videos/s, subrequests and D1 queries per invocation',
  async run() {
    return rows(await cleanupAtScale({ videos: Number(process.env.BENCH_CLEANUP_VIDEOS ?? 100000), puts: Number(process.env.BENCH_CLEANUP_PUTS ?? 32), log: (l) => console.error(l) }));
  },
};
export default bench;

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const out = await bench.run();
  for (const r of out) console.log(`${r.metric}: ${r.value?.toFixed(1)} ${r.unit}${r.baseline ? ` (${(r.ratio * 100).toFixed(1)} % of ${r.baseline})` : ''}`);
  const e = out[0]!.extra as Record<string, unknown>;
  console.log(`${e.videos} videos in ${e.invocations} invocations, ${e.total_s} s of cleanup (seeding ${e.seed_s} s); longest invocation ${e.max_wall_s} s; left afterwards: ${e.left_objects} objects, ${e.left_rows} rows`);
}
