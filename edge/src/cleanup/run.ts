import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config';
import { captionKeysOf, forgetTracks } from '../services/captions';
import { logEvent } from '../services/events';
import { stagingKeyOf } from '../services/object-keys';
import { abortMultipart, deleteObjects, s3Client } from '../services/s3';
import { videoKeys } from '../services/video-objects';
import {
  abandonExpired,
  clearMultipartUploadId,
  dueForSweep,
  expireConfirmed,
  markSwept,
  multipartToAbort,
  type SweepRow,
} from '../services/video-states';

export interface CleanupReport {
  /** Pending sessions whose grants expired unused → error. */
  abandoned: number;
  /** Confirmed videos past retention, replaced or never claimed → deleted. */
  deleted: number;
  /** Rows whose leftover keys the sweep removed. */
  swept: number;
  /** Multipart uploads of finished rows aborted. */
  aborted: number;
  failed: number;
  batches: number;
  /** True when a phase stopped at its batch budget; the next run continues. */
  more: boolean;
  /** Why the run stopped early (S3 or D1 down); the run is still logged. */
  error?: string;
}

const SYSTEM_USER = '0';
/** DeleteObjects takes at most 1000 keys. */
const DELETE_OBJECTS_MAX = 1000;

/**
 * The daily cron, in four phases, each bounded so one invocation stays within a Worker's
 * subrequest and D1 limits at any table size (the rest waits for the next run):
 *
 * 1. abandon — pending sessions whose grants expired (plus the grace) become `error`;
 * 2. expire — confirmed videos past retention, replaced, or never claimed become `deleted`;
 * 3. abort — finished rows that still name a multipart upload get it aborted;
 * 4. sweep — every row that is no longer pending and has leftovers due (its grants expired
 *    since it was last swept) loses its staging key, and, when deleted or error, its final
 *    key, poster and caption files again: an object re-sent with an old grant, or left by a
 *    crash, never outlives the next run.
 *
 * Phases 1 and 2 only change records (each change conditional, with its event in the same
 * transaction); phase 4 deletes what those records no longer keep. So a run that dies half way
 * leaves rows still due, and the next run finishes them. Only deletes a person asked for
 * invalidate the CDN: these keys are never reused, and a cached copy is only reachable with a
 * live signed URL, which nobody gets for a deleted video.
 *
 * Every run logs `cleanup_run` with its counts, a failed one with its error too; a failed run
 * then throws so Workers records the invocation as failed.
 */
export async function runCleanup(db: D1Database, config: Config, now: number): Promise<CleanupReport> {
  const report: CleanupReport = { abandoned: 0, deleted: 0, swept: 0, aborted: 0, failed: 0, batches: 0, more: false };
  try {
    await phases(db, config, now, report);
  } catch (err) {
    report.error = err instanceof Error ? err.message : String(err);
    await logRun(db, report, now);
    throw err;
  }
  await logRun(db, report, now);
  return report;
}

function logRun(db: D1Database, report: CleanupReport, now: number): Promise<void> {
  return logEvent(db, {
    site: '*', userid: SYSTEM_USER, user_role: 'system', event_type: 'cleanup_run',
    error_code: report.error ? 'CLEANUP_FAILED' : null, error_message: report.error ?? null,
    error_context: { ...report }, timestamp: now,
  });
}

async function phases(db: D1Database, config: Config, now: number, report: CleanupReport): Promise<void> {
  const s3 = s3Client(config.s3);
  const { batchSize, maxBatches, maxAborts } = config.cleanup;
  // Grants are checked when a write starts, so one started just before expiry may still be landing.
  const grace = config.abandonedGraceHours * 3600;
  const graceBefore = now - grace;
  const retentionBefore = config.retentionDays > 0 ? now - config.retentionDays * 86400 : 0;
  const unclaimedBefore = now - config.unclaimedGraceDays * 86400;

  /** Runs `step` (which returns how many rows it handled) until a short batch or the budget. */
  const batches = async (step: () => Promise<number>): Promise<void> => {
    for (let n = 0; ; n++) {
      if (n === maxBatches) {
        report.more = true;
        return;
      }
      const handled = await step();
      if (handled > 0) report.batches++;
      if (handled < batchSize) return;
    }
  };

  await batches(async () => {
    const n = await abandonExpired(db, graceBefore, grace, batchSize);
    report.abandoned += n;
    return n;
  });

  await batches(async () => {
    const n = await expireConfirmed(db, { retentionBefore, graceBefore: unclaimedBefore, now, grace }, batchSize);
    report.deleted += n;
    return n;
  });

  // One call per upload, so a bounded number per run; the bucket's lifecycle rule is the backstop.
  for (const v of await multipartToAbort(db, maxAborts)) {
    try {
      await abortMultipart(s3, v.s3_bucket, stagingKeyOf(v.s3_key), v.multipart_upload_id);
    } catch {
      report.failed++;
      continue;
    }
    await clearMultipartUploadId(db, v.id, v.multipart_upload_id);
    report.aborted++;
  }

  await batches(async () => {
    const due = await dueForSweep(db, now, batchSize);
    const swept = await sweep(s3, db, due, report);
    await markSwept(db, swept, now);
    report.swept += swept.length;
    // Rows that failed stay due: stop rather than select them again in this run.
    return swept.length < due.length ? 0 : due.length;
  });
}

/**
 * Deletes each row's leftovers; returns the rows whose every key is now gone. A finished
 * (deleted, error) row's caption files go too, and then their rows.
 */
async function sweep(s3: S3Client, db: D1Database, rows: SweepRow[], report: CleanupReport): Promise<SweepRow[]> {
  const finished = rows.filter((r) => r.upload_status !== 'ready').map((r) => r.id);
  const captions = new Map<number, string[]>();
  for (const c of await captionKeysOf(db, finished)) captions.set(c.videoid, [...(captions.get(c.videoid) ?? []), c.s3_key]);
  const keysOf = (r: SweepRow) =>
    r.upload_status === 'ready' ? [stagingKeyOf(r.s3_key)] : [...videoKeys(r), ...(captions.get(r.id) ?? [])];
  const byBucket = new Map<string, SweepRow[]>();
  for (const r of rows) byBucket.set(r.s3_bucket, [...(byBucket.get(r.s3_bucket) ?? []), r]);
  const done: SweepRow[] = [];
  for (const [bucket, group] of byBucket) {
    const keys = group.flatMap(keysOf);
    const failed = new Set<string>();
    for (let i = 0; i < keys.length; i += DELETE_OBJECTS_MAX) {
      const result = await deleteObjects(s3, bucket, keys.slice(i, i + DELETE_OBJECTS_MAX));
      for (const key of result.failed.keys()) failed.add(key);
    }
    for (const r of group) {
      if (keysOf(r).some((k) => failed.has(k))) report.failed++;
      else done.push(r);
    }
  }
  await forgetTracks(db, done.flatMap((r) => (r.upload_status === 'ready' ? [] : captions.get(r.id) ?? [])));
  return done;
}
