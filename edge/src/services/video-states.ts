import type { EventType, MediaFacts } from '../contract';
import { mediaColumnValues } from '../media/facts';
import { retryAfterSeconds, slotStatement, type HourlyQuota } from './rate-limit';
import { searchTextFor, type SearchFields } from './search';
import type { VideoRow } from './videos';

/**
 * The one place that writes the `videos` table: each function is a named state transition
 *
 *   (insert) → pending ─confirm→ ready ─claim→ claimed ─(replaced)→ retired
 *              pending ─fail→ error          any ─remove→ deleted
 *              pending, multipart, not assembled ─cancel→ error (`cancelled`)
 *
 * Each is one D1 batch (one transaction, serialised with every other write) whose statements
 * all carry the transition's own precondition, so parallel or repeated requests change a row
 * at most once. Its event is inserted FROM the row under the same precondition, evaluated
 * just before the update in the same transaction, so the event exists iff the row changed.
 * (D1 in workerd also keeps `changes()` across the statements of a batch; the shared
 * predicate is used instead because it states the rule in the SQL and needs nothing of the
 * connection.) Every function returns whether its transition happened.
 */

export type NewVideo = Pick<
  VideoRow,
  | 'site' | 'courseid' | 'assignmentid' | 'submissionid' | 'userid' | 's3_key' | 's3_bucket'
  | 'filename' | 'file_size' | 'mime_type' | 'coursename' | 'assignmentname' | 'fullname'
  | 'upload_timestamp' | 'presign_expires'
>;

/** Who caused a transition, for its event. */
export interface Actor {
  user_role: string;
}

const PENDING = `id = ? AND upload_status = 'pending'`;
const CLAIMABLE = `id = ? AND upload_status = 'ready' AND claimed_timestamp IS NULL AND retired_timestamp IS NULL`;
const NOT_DELETED = `id = ? AND upload_status <> 'deleted'`;

/**
 * An event built from the rows `where` selects (site, user, ids, key and size come from the
 * row itself), so one statement serves a single transition and a cleanup batch alike.
 */
function eventFromRows(
  db: D1Database,
  e: { event_type: EventType; user_role: string; context_sql?: string; duration?: number | null; timestamp: number },
  where: string,
  params: unknown[],
  contextParams: unknown[] = [],
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO events (site, userid, assignmentid, submissionid, s3_key, event_type, error_context,
         file_size, duration, user_role, timestamp)
       SELECT site, userid, assignmentid, submissionid, s3_key, ?, ${e.context_sql ?? 'NULL'},
         file_size, COALESCE(?, duration), ?, ?
       FROM videos WHERE ${where}`,
    )
    .bind(e.event_type, ...contextParams, e.duration ?? null, e.user_role, e.timestamp, ...params);
}

const changed = (r: D1Result | undefined): number => r?.meta.changes ?? 0;

// ---- upload sessions ---------------------------------------------------------

export type Admission = { admitted: true; id: number } | { admitted: false; retryAfter: number };

/**
 * Opens an upload session within the user's quota: at most `perHour` counted sessions whose
 * upload_timestamp lies in the last hour. The count and the insert are one statement
 * (rate-limit.ts `slotStatement`), so however many requests arrive at once exactly `perHour`
 * pass; the refused learn when a slot frees (seconds, at least 1). The `upload_start` event is
 * written iff the row was (the key is new, so it names only this row).
 */
export async function insertPending(
  db: D1Database,
  v: NewVideo,
  actor: Actor & { multipart: boolean },
  perHour: number,
): Promise<Admission> {
  const quota: HourlyQuota = {
    action: 'upload',
    user: { iss: v.site, sub: v.userid },
    limit: perHour,
    now: v.upload_timestamp,
    counted: { table: 'videos', where: 'site = ? AND userid = ? AND counts_for_quota = 1', binds: [v.site, v.userid], timeColumn: 'upload_timestamp' },
  };
  const row = {
    site: v.site, courseid: v.courseid, assignmentid: v.assignmentid, submissionid: v.submissionid, userid: v.userid,
    s3_key: v.s3_key, s3_bucket: v.s3_bucket, upload_status: 'pending', filename: v.filename, file_size: v.file_size,
    mime_type: v.mime_type, coursename: v.coursename, assignmentname: v.assignmentname, fullname: v.fullname,
    upload_timestamp: v.upload_timestamp, presign_expires: v.presign_expires, search_text: searchTextFor(v),
  };
  const [inserted] = await db.batch<{ id: number }>([
    slotStatement(db, quota, { table: 'videos', row }),
    eventFromRows(
      db,
      {
        event_type: 'upload_start', user_role: actor.user_role, timestamp: v.upload_timestamp,
        context_sql: actor.multipart ? `json_object('multipart', json('true'))` : undefined,
      },
      's3_key = ?',
      [v.s3_key],
    ),
  ]);
  const id = inserted?.results[0]?.id;
  if (id !== undefined) return { admitted: true, id };
  return { admitted: false, retryAfter: await retryAfterSeconds(db, quota) };
}

/** Records the multipart upload S3 created for a session that has none yet. */
export async function setMultipartUploadId(db: D1Database, id: number, uploadId: string): Promise<boolean> {
  const r = await db
    .prepare(`UPDATE videos SET multipart_upload_id = ? WHERE ${PENDING} AND multipart_upload_id IS NULL AND assembled_timestamp IS NULL`)
    .bind(uploadId, id)
    .run();
  return changed(r) === 1;
}

/**
 * New part URLs: spends `count` of the multipart upload's signature budget and keeps it alive,
 * its staging key writable, until `until` (Unix seconds), in one conditional statement, so
 * parallel sign-parts calls can never together pass the budget. False, and nothing written,
 * when the budget would be exceeded or the upload is no longer open (assembled or aborted).
 */
export async function spendSignatures(db: D1Database, id: number, count: number, budget: number, until: number): Promise<boolean> {
  const r = await db
    .prepare(
      `UPDATE videos SET signatures = signatures + ?, presign_expires = MAX(presign_expires, ?)
       WHERE ${PENDING} AND multipart_upload_id IS NOT NULL AND signatures + ? <= ?`,
    )
    .bind(count, until, id, count, budget)
    .run();
  return changed(r) === 1;
}

/** S3 assembled the multipart upload: its id is spent, the object waits for confirm. */
export async function markAssembled(db: D1Database, id: number, now: number): Promise<boolean> {
  const r = await db
    .prepare(`UPDATE videos SET assembled_timestamp = ?, multipart_upload_id = NULL WHERE ${PENDING} AND assembled_timestamp IS NULL`)
    .bind(now, id)
    .run();
  return changed(r) === 1;
}

/**
 * pending → error. The caller then removes the row's objects (staging, final, its multipart
 * upload); `sweep_due` makes cleanup remove them again once no grant can write any more.
 * `grace` (seconds) is how long after a grant's expiry a write it started may still land.
 * `uncount` gives the session's quota slot back (its storage step failed: nothing was granted).
 */
export async function fail(
  db: D1Database,
  id: number,
  f: { message: string; now: number; grace: number; uncount?: boolean },
): Promise<boolean> {
  const r = await db
    .prepare(
      `UPDATE videos SET upload_status = 'error', error_message = ?, sweep_due = MAX(presign_expires + ?, ?),
         counts_for_quota = CASE WHEN ? THEN 0 ELSE counts_for_quota END
       WHERE ${PENDING}`,
    )
    .bind(f.message, f.grace, f.now, f.uncount ? 1 : 0, id)
    .run();
  return changed(r) === 1;
}

/** What `multipart/abort` records; a row failed with it was cancelled by its own uploader. */
export const CANCELLED = 'cancelled';

/**
 * pending multipart upload, not yet assembled → error (`cancelled`): the uploader's abort. Not
 * once S3 assembled it (markAssembled cleared its upload id): from then the upload is complete
 * and only confirm or cleanup ends it, so an abort racing a complete leaves exactly one outcome.
 * Its objects are removed by the caller, as for `fail`.
 */
export async function cancel(db: D1Database, id: number, c: { now: number; grace: number }): Promise<boolean> {
  const r = await db
    .prepare(
      `UPDATE videos SET upload_status = 'error', error_message = ?, sweep_due = MAX(presign_expires + ?, ?)
       WHERE ${PENDING} AND multipart_upload_id IS NOT NULL AND assembled_timestamp IS NULL`,
    )
    .bind(CANCELLED, c.grace, c.now, id)
    .run();
  return changed(r) === 1;
}

/**
 * Reserves the poster's key (derived from the video's) for one writer: only while the upload is
 * pending and only if it has none yet. The caller writes the object after, and only if this
 * answered true, so the poster.jpg key is written at most once in a video's life: a request
 * that races confirm, a replay or a second tab can never change what the teacher sees beside
 * the video. False when the session is no longer pending or already has its poster.
 */
export async function reservePoster(db: D1Database, id: number, key: string): Promise<boolean> {
  const r = await db.prepare(`UPDATE videos SET poster_key = ? WHERE ${PENDING} AND poster_key IS NULL`).bind(key, id).run();
  return changed(r) === 1;
}

/**
 * Gives up a reservation whose write failed, so the record never names a poster S3 may not
 * hold; while still pending, another request may then reserve it again. Safe in any state: an
 * object the failed write did store after all stays at the derived key, which the video's
 * deletion and the sweep remove.
 */
export async function releasePoster(db: D1Database, id: number, key: string): Promise<void> {
  await db.prepare('UPDATE videos SET poster_key = NULL WHERE id = ? AND poster_key = ?').bind(id, key).run();
}

// ---- confirm, claim, delete -----------------------------------------------------

/**
 * Takes the upload's confirm lease for `token` until `until` (Unix s): only while it is pending
 * and nobody else holds an unexpired lease. Only the holder copies the staging object to the
 * final key, and {@link confirm} transitions only for the holder, so a confirm that will lose can
 * never write the final key after the winner: a presigned POST stays valid for its lifetime, and
 * two confirms can each have checked a different version of the staging object. False when the
 * lease is held or the upload is no longer pending.
 */
export async function leaseConfirm(db: D1Database, id: number, token: string, now: number, until: number): Promise<boolean> {
  const r = await db
    .prepare(`UPDATE videos SET confirm_lease = ?, confirm_lease_until = ? WHERE ${PENDING} AND (confirm_lease IS NULL OR confirm_lease_until <= ?)`)
    .bind(token, until, id, now)
    .run();
  return changed(r) === 1;
}

/** Gives the lease up (the holder's copy failed or was refused), so the next confirm need not wait for it to expire. */
export async function releaseConfirm(db: D1Database, id: number, token: string): Promise<void> {
  await db.prepare('UPDATE videos SET confirm_lease = NULL, confirm_lease_until = NULL WHERE id = ? AND confirm_lease = ?').bind(id, token).run();
}

/**
 * pending → ready with the checked size and checksum (and the header's facts, for display), plus `upload_success`; the submission's
 * other confirmed but unclaimed uploads are retired (a student replacing a video before saving).
 * The claimed video stays: only a claim replaces it. Only for the holder of the confirm lease
 * (`lease`, see {@link leaseConfirm}), which the transition ends. `confirmed`: this call made the
 * change; `row`: the record as the same transaction left it (one D1 round trip for both).
 */
export async function confirm(
  db: D1Database,
  video: Pick<VideoRow, 'id' | 'site' | 'submissionid'>,
  checked: { size: number; md5: string; duration: number | null; media: MediaFacts | null; now: number; grace: number; lease: string },
  actor: Actor,
): Promise<{ confirmed: boolean; row: VideoRow | null }> {
  const LEASED = `${PENDING} AND confirm_lease = ?`;
  const results = await db.batch([
    db
      .prepare(
        `UPDATE videos SET retired_timestamp = ?, replaced_by = ?
         WHERE site = ? AND submissionid = ? AND id <> ? AND upload_status = 'ready'
           AND claimed_timestamp IS NULL AND retired_timestamp IS NULL
           AND EXISTS (SELECT 1 FROM videos WHERE ${LEASED})`,
      )
      .bind(checked.now, video.id, video.site, video.submissionid, video.id, video.id, checked.lease),
    eventFromRows(db, { event_type: 'upload_success', user_role: actor.user_role, duration: checked.duration, timestamp: checked.now }, LEASED, [video.id, checked.lease]),
    db
      .prepare(
        `UPDATE videos SET upload_status = 'ready', file_size = ?, md5 = ?, duration = ?, confirmed_timestamp = ?,
           sweep_due = presign_expires + ?, media_container = ?, media_video_codec = ?, media_audio_codec = ?,
           media_width = ?, media_height = ?, media_duration = ?, media_faststart = ?, media_playability = ?,
           confirm_lease = NULL, confirm_lease_until = NULL
         WHERE ${LEASED}`,
      )
      .bind(checked.size, checked.md5, checked.duration, checked.now, checked.grace, ...mediaColumnValues(checked.media), video.id, checked.lease),
    // The row as this transaction left it, read in the same round trip: the caller answers from it.
    db.prepare('SELECT * FROM videos WHERE id = ? AND site = ?').bind(video.id, video.site),
  ]);
  return { confirmed: changed(results[2]) === 1, row: (results[3]?.results[0] as VideoRow | undefined) ?? null };
}

/**
 * ready, unclaimed, unretired → claimed, retiring the submission's previous claimed video and
 * its other confirmed uploads, plus `upload_claimed` naming the video it replaced. Every
 * statement requires the target still claimable, so a claim that lost a race to a confirm
 * (which retired it) or a delete changes nothing, and a claim that happened leaves exactly one
 * claimed, unretired video.
 */
export async function claim(db: D1Database, video: Pick<VideoRow, 'id' | 'site' | 'submissionid'>, now: number, actor: Actor): Promise<boolean> {
  const results = await db.batch([
    eventFromRows(
      db,
      {
        event_type: 'upload_claimed', user_role: actor.user_role, timestamp: now,
        context_sql: `(SELECT json_object('replaced_videoid', p.id) FROM videos p WHERE p.site = ? AND p.submissionid = ?
                        AND p.claimed_timestamp IS NOT NULL AND p.retired_timestamp IS NULL)`,
      },
      CLAIMABLE,
      [video.id],
      [video.site, video.submissionid],
    ),
    // Before the claim itself: the old claim leaves the unique (site, submission) slot first.
    db
      .prepare(
        `UPDATE videos SET retired_timestamp = ?, replaced_by = ?
         WHERE site = ? AND submissionid = ? AND id <> ? AND retired_timestamp IS NULL
           AND (claimed_timestamp IS NOT NULL OR upload_status = 'ready')
           AND EXISTS (SELECT 1 FROM videos WHERE ${CLAIMABLE})`,
      )
      .bind(now, video.id, video.site, video.submissionid, video.id, video.id),
    db.prepare(`UPDATE videos SET claimed_timestamp = ? WHERE ${CLAIMABLE}`).bind(now, video.id),
  ]);
  return changed(results[2]) === 1;
}

/**
 * any → deleted (an admin's or a privacy request's delete), plus `video_deletion`. The caller
 * has already removed the objects and invalidated the CDN; `sweep_due` has cleanup remove them
 * again once no grant can write any more.
 */
export async function remove(
  db: D1Database,
  id: number,
  d: { now: number; grace: number; reason: string; by: string; invalidationId: string | null; invalidationRefused?: string | null },
  actor: Actor,
): Promise<boolean> {
  const results = await db.batch([
    eventFromRows(
      db,
      {
        event_type: 'video_deletion', user_role: actor.user_role, timestamp: d.now,
        context_sql: `json_object('by', ?, 'reason', ?, 'invalidation', ?, 'invalidation_refused', ?)`,
      },
      NOT_DELETED,
      [id],
      [d.by, d.reason, d.invalidationId, d.invalidationRefused ?? null],
    ),
    db
      .prepare(
        `UPDATE videos SET upload_status = 'deleted', deleted_timestamp = ?, invalidation_id = ?,
           sweep_due = MAX(presign_expires + ?, ?)
         WHERE ${NOT_DELETED}`,
      )
      .bind(d.now, d.invalidationId, d.grace, d.now, id),
  ]);
  return changed(results[1]) === 1;
}

// ---- cleanup ----------------------------------------------------------------------

/**
 * Pending sessions whose last grant expired before `before` → error (at most `limit`). No
 * object is touched here: the rows become due for the sweep, which removes their keys.
 */
export async function abandonExpired(db: D1Database, before: number, grace: number, limit: number): Promise<number> {
  const r = await db
    .prepare(
      `UPDATE videos SET upload_status = 'error',
         error_message = CASE WHEN multipart_upload_id IS NOT NULL THEN 'abandoned: the upload was never finished'
                              ELSE 'abandoned: the upload was never confirmed' END,
         sweep_due = presign_expires + ?
       WHERE id IN (SELECT id FROM videos WHERE upload_status = 'pending' AND presign_expires < ? ORDER BY id LIMIT ?)
         AND upload_status = 'pending' AND presign_expires < ?`,
    )
    .bind(grace, before, limit, before)
    .run();
  return changed(r);
}

/**
 * Confirmed videos past retention, replaced by a newer one, or never claimed in the grace
 * period → deleted, each with a `video_deletion` event giving the reason (at most `limit`).
 * Their final keys become due for the sweep. No CDN invalidation: keys are never reused and a
 * cached copy is only reachable with a live signed URL, which no one gets for a deleted video.
 */
export async function expireConfirmed(
  db: D1Database,
  t: { retentionBefore: number; graceBefore: number; now: number; grace: number },
  limit: number,
): Promise<number> {
  const expired = `upload_status = 'ready' AND (retired_timestamp IS NOT NULL OR confirmed_timestamp < ?
                     OR (claimed_timestamp IS NULL AND confirmed_timestamp < ?))`;
  const ids = await db
    .prepare(`SELECT id FROM videos WHERE ${expired} ORDER BY id LIMIT ?`)
    .bind(t.retentionBefore, t.graceBefore, limit)
    .all<{ id: number }>();
  if (ids.results.length === 0) return 0;
  const batch = `id IN (SELECT value FROM json_each(?)) AND ${expired}`;
  const params = [JSON.stringify(ids.results.map((r) => r.id)), t.retentionBefore, t.graceBefore];
  const results = await db.batch([
    eventFromRows(
      db,
      {
        event_type: 'video_deletion', user_role: 'system', timestamp: t.now,
        context_sql: `json_object('reason', CASE WHEN retired_timestamp IS NOT NULL THEN 'replaced'
                                                 WHEN confirmed_timestamp < ? THEN 'retention' ELSE 'unclaimed' END)`,
      },
      batch,
      params,
      [t.retentionBefore],
    ),
    db
      .prepare(`UPDATE videos SET upload_status = 'deleted', deleted_timestamp = ?, sweep_due = MAX(presign_expires + ?, ?) WHERE ${batch}`)
      .bind(t.now, t.grace, t.now, ...params),
  ]);
  return changed(results[1]);
}

export interface SweepRow {
  id: number;
  s3_key: string;
  s3_bucket: string;
  upload_status: VideoRow['upload_status'];
}

/** Rows whose leftovers are due at `now`: no grant can write their staging key any more. */
export async function dueForSweep(db: D1Database, now: number, limit: number): Promise<SweepRow[]> {
  const { results } = await db
    .prepare(`SELECT id, s3_key, s3_bucket, upload_status FROM videos WHERE sweep_due IS NOT NULL AND sweep_due <= ? ORDER BY sweep_due, id LIMIT ?`)
    .bind(now, limit)
    .all<SweepRow>();
  return results;
}

/**
 * The sweep removed these rows' keys. A row swept as `ready` (staging key only) that was
 * deleted meanwhile stays due, so its final key is removed too.
 */
export async function markSwept(db: D1Database, rows: readonly SweepRow[], now: number): Promise<void> {
  if (rows.length === 0) return;
  const ready = rows.filter((r) => r.upload_status === 'ready').map((r) => r.id);
  const finished = rows.filter((r) => r.upload_status !== 'ready').map((r) => r.id);
  await db
    .prepare(
      `UPDATE videos SET sweep_due = NULL WHERE sweep_due <= ? AND (
         (id IN (SELECT value FROM json_each(?)) AND upload_status = 'ready')
         OR (id IN (SELECT value FROM json_each(?)) AND upload_status IN ('deleted', 'error')))`,
    )
    .bind(now, JSON.stringify(ready), JSON.stringify(finished))
    .run();
}

export interface OpenMultipart {
  id: number;
  s3_key: string;
  s3_bucket: string;
  multipart_upload_id: string;
}

/** Finished rows (error, deleted) that still name a multipart upload to abort. */
export async function multipartToAbort(db: D1Database, limit: number): Promise<OpenMultipart[]> {
  const { results } = await db
    .prepare(
      `SELECT id, s3_key, s3_bucket, multipart_upload_id FROM videos
       WHERE multipart_upload_id IS NOT NULL AND upload_status IN ('error', 'deleted') ORDER BY id LIMIT ?`,
    )
    .bind(limit)
    .all<OpenMultipart>();
  return results;
}

/** S3 no longer holds the row's multipart upload (aborted). */
export async function clearMultipartUploadId(db: D1Database, id: number, uploadId: string): Promise<void> {
  await db
    .prepare(`UPDATE videos SET multipart_upload_id = NULL WHERE id = ? AND multipart_upload_id = ? AND upload_status IN ('error', 'deleted')`)
    .bind(id, uploadId)
    .run();
}

// ---- search ----------------------------------------------------------------------

/** Rows folded per call: enough to finish a site's history in a few listings, small for one request. */
const SEARCH_BACKFILL_BATCH = 200;

/**
 * Folds the search text (services/search.ts) of rows written before migration 0006 added it.
 * Cheap once done (an indexed lookup of NULL rows finds none); returns how many rows it filled.
 */
export async function fillSearchText(db: D1Database, limit = SEARCH_BACKFILL_BATCH): Promise<number> {
  const { results } = await db
    .prepare('SELECT id, s3_key, filename, fullname, coursename, assignmentname FROM videos WHERE search_text IS NULL LIMIT ?')
    .bind(limit)
    .all<SearchFields & { id: number }>();
  if (results.length === 0) return 0;
  await db.batch(
    results.map((row) =>
      db.prepare('UPDATE videos SET search_text = ? WHERE id = ? AND search_text IS NULL').bind(searchTextFor(row), row.id),
    ),
  );
  return results.length;
}
