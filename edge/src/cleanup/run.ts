import type { Config } from '../config';
import { insertEvent, logEvent } from '../services/events';
import { invalidate } from '../services/cdn';
import { abortMultipart, deleteObjects, s3Client } from '../services/s3';
import type { S3Client } from '@aws-sdk/client-s3';

export interface CleanupReport {
  abandoned: number;
  deleted: number;
  failed: number;
  batches: number;
  /** True when the run stopped at its batch budget; the next run continues. */
  more: boolean;
  error?: string;
}

interface Candidate {
  id: number;
  s3_key: string;
  s3_bucket: string;
  site: string;
  userid: string;
  assignmentid: number;
  submissionid: number;
  file_size: number | null;
  multipart_upload_id: string | null;
  reason: string;
}

const SYSTEM_USER = '0';

/**
 * The daily cron: removes what nobody should keep paying for, in bounded
 * batches so one invocation stays within a Worker's subrequest and D1 query
 * limits at any table size. Every step is idempotent (S3 deletes of missing
 * keys succeed, updates are conditional on the old status), so a run that
 * dies half way is finished by the next one.
 */
export async function runCleanup(db: D1Database, config: Config, now: number): Promise<CleanupReport> {
  const s3 = s3Client(config.s3);
  const report: CleanupReport = { abandoned: 0, deleted: 0, failed: 0, batches: 0, more: false };
  const abandonedBefore = now - config.abandonedGraceHours * 3600;
  const retentionBefore = config.retentionDays > 0 ? now - config.retentionDays * 86400 : 0;
  const graceBefore = now - config.unclaimedGraceDays * 86400;

  // Multipart uploads left idle: abort each (one call apiece, so a bounded number per run).
  const idle = await candidates(
    db,
    `upload_status = 'pending' AND multipart_upload_id IS NOT NULL AND presign_expires < ?`,
    [abandonedBefore],
    "'abandoned'",
    [],
    config.cleanup.maxAborts,
  );
  for (const v of idle) {
    try {
      await abortMultipart(s3, v.s3_bucket, v.s3_key, v.multipart_upload_id!);
    } catch {
      report.failed++;
      continue;
    }
    await db
      .prepare(`UPDATE videos SET upload_status = 'error', error_message = 'abandoned: the upload was never finished',
           multipart_upload_id = NULL WHERE id = ? AND upload_status = 'pending'`)
      .bind(v.id)
      .run();
    report.abandoned++;
  }

  // Pending uploads whose POST policy expired (plus a grace for uploads started just before expiry).
  while (report.batches < config.cleanup.maxBatches) {
    const batch = await candidates(
      db,
      `upload_status = 'pending' AND multipart_upload_id IS NULL AND presign_expires < ?`,
      [abandonedBefore],
      "'abandoned'",
      [],
      config.cleanup.batchSize,
    );
    if (batch.length === 0) break;
    report.batches++;
    const ok = await purge(s3, batch, report);
    await markAll(db, ok, `UPDATE videos SET upload_status = 'error', error_message = 'abandoned: the upload was never confirmed'
       WHERE upload_status = 'pending' AND id IN (SELECT value FROM json_each(?))`, []);
    report.abandoned += ok.length;
    if (ok.length < batch.length) break;
  }

  // Confirmed videos: past retention, replaced by a newer one, or never claimed by Moodle within the grace period.
  while (report.batches < config.cleanup.maxBatches) {
    const batch = await candidates(
      db,
      `upload_status = 'ready' AND (retired_timestamp IS NOT NULL OR confirmed_timestamp < ?
         OR (claimed_timestamp IS NULL AND confirmed_timestamp < ?))`,
      [retentionBefore, graceBefore],
      `CASE WHEN retired_timestamp IS NOT NULL THEN 'replaced'
            WHEN confirmed_timestamp < ? THEN 'retention' ELSE 'unclaimed' END`,
      [retentionBefore],
      config.cleanup.batchSize,
    );
    if (batch.length === 0) break;
    report.batches++;
    const ok = await purge(s3, batch, report);
    try {
      await invalidate(config.cdn, config.s3, ok.map((v) => v.s3_key));
    } catch (err) {
      // Rows stay 'ready' so the next run deletes (a no-op) and invalidates them again.
      report.failed += ok.length;
      report.error = err instanceof Error ? err.message : String(err);
      break;
    }
    await markAll(db, ok, `UPDATE videos SET upload_status = 'deleted', deleted_timestamp = ?
       WHERE upload_status = 'ready' AND id IN (SELECT value FROM json_each(?))`, [now]);
    if (ok.length > 0) {
      await db.batch(
        ok.map((v) =>
          insertEvent(db, {
            site: v.site, userid: v.userid, user_role: 'system', event_type: 'video_deletion',
            assignmentid: v.assignmentid, submissionid: v.submissionid, s3_key: v.s3_key,
            file_size: v.file_size, error_context: { reason: v.reason }, timestamp: now,
          }),
        ),
      );
    }
    report.deleted += ok.length;
    if (ok.length < batch.length) break;
  }

  report.more = report.batches >= config.cleanup.maxBatches;
  await logEvent(db, {
    site: '*', userid: SYSTEM_USER, user_role: 'system', event_type: 'cleanup_run',
    error_context: { ...report }, timestamp: now,
  });
  return report;
}

async function candidates(
  db: D1Database,
  where: string,
  params: number[],
  reasonSql: string,
  reasonParams: number[],
  limit: number,
): Promise<Candidate[]> {
  const { results } = await db
    .prepare(
      `SELECT id, s3_key, s3_bucket, site, userid, assignmentid, submissionid, file_size, multipart_upload_id, ${reasonSql} AS reason
       FROM videos WHERE ${where} ORDER BY id LIMIT ?`,
    )
    .bind(...reasonParams, ...params, limit)
    .all<Candidate>();
  return results;
}

/** Deletes the batch's objects; returns the rows whose object is now gone. */
async function purge(s3: S3Client, batch: Candidate[], report: CleanupReport): Promise<Candidate[]> {
  const byBucket = new Map<string, Candidate[]>();
  for (const v of batch) byBucket.set(v.s3_bucket, [...(byBucket.get(v.s3_bucket) ?? []), v]);
  const ok: Candidate[] = [];
  for (const [bucket, rows] of byBucket) {
    const { failed } = await deleteObjects(s3, bucket, rows.map((v) => v.s3_key));
    for (const v of rows) {
      if (failed.has(v.s3_key)) report.failed++;
      else ok.push(v);
    }
  }
  return ok;
}

/** One statement per batch: D1 allows 100 bound parameters, so ids travel as one JSON array. */
async function markAll(db: D1Database, rows: Candidate[], sql: string, params: number[]): Promise<void> {
  if (rows.length === 0) return;
  await db.prepare(sql).bind(...params, JSON.stringify(rows.map((v) => v.id))).run();
}
