import type { AdminVideo, VideoStatus } from '../contract';
import { searchClause } from './search';
import { mediaOf, type MediaColumns } from '../media/facts';

/**
 * Reads of the `videos` table. Every write is a named state transition in
 * `video-states.ts`. Every query is parameterised.
 */

export interface VideoRow extends MediaColumns {
  id: number;
  site: string;
  courseid: number;
  assignmentid: number;
  submissionid: number;
  userid: string;
  s3_key: string;
  s3_bucket: string;
  upload_status: VideoStatus;
  filename: string;
  file_size: number | null;
  duration: number | null;
  mime_type: string;
  coursename: string | null;
  assignmentname: string | null;
  fullname: string | null;
  upload_timestamp: number;
  presign_expires: number;
  confirmed_timestamp: number | null;
  claimed_timestamp: number | null;
  retired_timestamp: number | null;
  deleted_timestamp: number | null;
  error_message: string | null;
  multipart_upload_id: string | null;
  md5: string | null;
  assembled_timestamp: number | null;
  replaced_by: number | null;
  invalidation_id: string | null;
  counts_for_quota: number;
  sweep_due: number | null;
  /** The poster's key (migration 0008), null when none was stored. */
  poster_key: string | null;
  /** Who may copy this upload to its final key now, and until when (Unix s; migration 0009, video-states.ts leaseConfirm). */
  confirm_lease: string | null;
  confirm_lease_until: number | null;
}

/** The upload a token may confirm: same site, user and submission — never someone else's key. */
export function findOwnUpload(
  db: D1Database,
  site: string,
  userid: string,
  submissionid: number,
  key: string,
): Promise<VideoRow | null> {
  return db
    .prepare('SELECT * FROM videos WHERE s3_key = ? AND site = ? AND userid = ? AND submissionid = ?')
    .bind(key, site, userid, submissionid)
    .first<VideoRow>();
}

export function findById(db: D1Database, site: string, id: number): Promise<VideoRow | null> {
  return db.prepare('SELECT * FROM videos WHERE id = ? AND site = ?').bind(id, site).first<VideoRow>();
}

/** The claimed video that the claim of `id` retired, if any. */
export async function replacedBy(db: D1Database, id: number): Promise<number | null> {
  const row = await db
    .prepare('SELECT id FROM videos WHERE replaced_by = ? AND claimed_timestamp IS NOT NULL ORDER BY id DESC LIMIT 1')
    .bind(id)
    .first<{ id: number }>();
  return row?.id ?? null;
}

/**
 * What a viewer of the submission sees: the claimed video, or while none is
 * claimed the newest confirmed one. Deleted rows are returned too, so the
 * caller can answer 410 rather than 404.
 */
export function currentVideo(db: D1Database, site: string, submissionid: number): Promise<VideoRow | null> {
  const q = currentVideoQuery(site, submissionid);
  return db.prepare(q.sql).bind(...q.binds).first<VideoRow>();
}

/** {@link currentVideo}'s SELECT and its parameters, for a statement that reads it in the same batch (services/viewable.ts). */
export function currentVideoQuery(site: string, submissionid: number): { sql: string; binds: [string, number] } {
  return {
    sql: `SELECT * FROM videos
       WHERE site = ? AND submissionid = ? AND confirmed_timestamp IS NOT NULL AND retired_timestamp IS NULL
       ORDER BY (claimed_timestamp IS NOT NULL) DESC, confirmed_timestamp DESC, id DESC
       LIMIT 1`,
    binds: [site, submissionid],
  };
}

export interface VideoFilter {
  site: string;
  courseid?: number;
  status?: VideoStatus;
  q?: string;
  page: number;
  perpage: number;
}

export async function listVideos(db: D1Database, f: VideoFilter): Promise<{ rows: VideoRow[]; total: number }> {
  const where = ['site = ?'];
  const params: (string | number)[] = [f.site];
  if (f.courseid !== undefined) {
    where.push('courseid = ?');
    params.push(f.courseid);
  }
  if (f.status !== undefined) {
    where.push('upload_status = ?');
    params.push(f.status);
  }
  if (f.q) {
    const search = searchClause(f.q);
    where.push(search.sql);
    params.push(...search.params);
  }
  const clause = where.join(' AND ');
  const [count, page] = await db.batch<{ total: number } | VideoRow>([
    db.prepare(`SELECT COUNT(*) AS total FROM videos WHERE ${clause}`).bind(...params),
    db
      .prepare(`SELECT * FROM videos WHERE ${clause} ORDER BY upload_timestamp DESC, id DESC LIMIT ? OFFSET ?`)
      .bind(...params, f.perpage, (f.page - 1) * f.perpage),
  ]);
  return {
    total: (count!.results[0] as { total: number }).total,
    rows: page!.results as VideoRow[],
  };
}

const iso = (t: number | null): string | null => (t === null ? null : new Date(t * 1000).toISOString());

/** `posterUrl`: the poster's signed CDN URL, which only the route can sign. */
export function toAdminVideo(row: VideoRow, posterUrl: string | null = null): AdminVideo {
  return {
    id: row.id,
    courseid: row.courseid,
    coursename: row.coursename,
    assignmentid: row.assignmentid,
    assignmentname: row.assignmentname,
    submissionid: row.submissionid,
    userid: row.userid,
    fullname: row.fullname,
    filename: row.filename,
    s3_key: row.s3_key,
    status: row.upload_status,
    file_size: row.file_size,
    duration: row.duration,
    mime_type: row.mime_type,
    md5: row.md5,
    claimed: row.claimed_timestamp !== null && row.retired_timestamp === null,
    uploaded_at: iso(row.upload_timestamp)!,
    deleted_at: iso(row.deleted_timestamp),
    replaced_at: iso(row.retired_timestamp),
    poster_url: posterUrl,
    media: mediaOf(row),
  };
}

/** One video's record and, when deleted, its last `video_deletion` event's context (JSON). */
export interface VideoStatusRow {
  id: number;
  submissionid: number;
  upload_status: VideoStatus;
  upload_timestamp: number;
  confirmed_timestamp: number | null;
  retired_timestamp: number | null;
  deleted_timestamp: number | null;
  deletion_context: string | null;
  /** The submission's current claimed video, when it is another one. */
  successor: number | null;
  duration: number | null;
  poster_key: string | null;
}

/**
 * What Moodle's summaries need to tell each video's true state and why: read-only, one query
 * for a batch of ids (≤ 1000, passed as one JSON array: D1 allows 100 bound parameters). The
 * deletion reason is the one the `events` row recorded when the video was deleted.
 */
export async function videoStatuses(db: D1Database, site: string, ids: readonly number[]): Promise<VideoStatusRow[]> {
  const { results } = await db
    .prepare(
      `SELECT v.id, v.submissionid, v.upload_status, v.upload_timestamp, v.confirmed_timestamp,
              v.retired_timestamp, v.deleted_timestamp, v.duration, v.poster_key,
              (SELECT e.error_context FROM events e
                WHERE e.site = v.site AND e.s3_key = v.s3_key AND e.event_type = 'video_deletion'
                ORDER BY e.timestamp DESC, e.id DESC LIMIT 1) AS deletion_context,
              (SELECT c.id FROM videos c
                WHERE c.site = v.site AND c.submissionid = v.submissionid AND c.id <> v.id
                  AND c.claimed_timestamp IS NOT NULL AND c.retired_timestamp IS NULL) AS successor
       FROM videos v
       WHERE v.site = ? AND v.id IN (SELECT value FROM json_each(?))`,
    )
    .bind(site, JSON.stringify(ids))
    .all<VideoStatusRow>();
  return results;
}
