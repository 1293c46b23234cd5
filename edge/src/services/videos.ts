import type { AdminVideo, VideoStatus } from '../contract';
import { backfillSearchText, searchClause, searchTextFor } from './search';

/** The one place the edge reads and writes the `videos` table. Every query is parameterised. */

export interface VideoRow {
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
}

export type NewVideo = Pick<
  VideoRow,
  | 'site' | 'courseid' | 'assignmentid' | 'submissionid' | 'userid' | 's3_key' | 's3_bucket'
  | 'filename' | 'file_size' | 'mime_type' | 'coursename' | 'assignmentname' | 'fullname'
  | 'upload_timestamp' | 'presign_expires' | 'multipart_upload_id'
>;

export function insertPending(db: D1Database, v: NewVideo): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO videos (site, courseid, assignmentid, submissionid, userid, s3_key, s3_bucket,
         upload_status, filename, file_size, mime_type, coursename, assignmentname, fullname,
         upload_timestamp, presign_expires, multipart_upload_id, search_text)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      v.site, v.courseid, v.assignmentid, v.submissionid, v.userid, v.s3_key, v.s3_bucket,
      v.filename, v.file_size, v.mime_type, v.coursename, v.assignmentname, v.fullname,
      v.upload_timestamp, v.presign_expires, v.multipart_upload_id, searchTextFor(v),
    );
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

/**
 * Marks an upload ready and retires the submission's other confirmed but
 * unclaimed uploads (a student replacing a video before saving). The claimed
 * video stays: it is only replaced when Moodle saves the form.
 */
export function confirmStatements(
  db: D1Database,
  video: VideoRow,
  size: number,
  duration: number | null,
  now: number,
): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE videos SET upload_status = 'ready', file_size = ?, duration = ?, confirmed_timestamp = ?
         WHERE id = ? AND upload_status = 'pending'`,
      )
      .bind(size, duration, now, video.id),
    db
      .prepare(
        `UPDATE videos SET retired_timestamp = ?
         WHERE site = ? AND submissionid = ? AND id <> ? AND upload_status = 'ready'
           AND claimed_timestamp IS NULL AND retired_timestamp IS NULL`,
      )
      .bind(now, video.site, video.submissionid, video.id),
  ];
}

export function currentClaimed(db: D1Database, site: string, submissionid: number): Promise<VideoRow | null> {
  return db
    .prepare(
      `SELECT * FROM videos WHERE site = ? AND submissionid = ?
         AND claimed_timestamp IS NOT NULL AND retired_timestamp IS NULL`,
    )
    .bind(site, submissionid)
    .first<VideoRow>();
}

/** Order matters: the old claim is retired before the new one takes the unique slot. */
export function claimStatements(db: D1Database, video: VideoRow, now: number): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE videos SET retired_timestamp = ?
         WHERE site = ? AND submissionid = ? AND id <> ? AND retired_timestamp IS NULL
           AND (claimed_timestamp IS NOT NULL OR upload_status = 'ready')`,
      )
      .bind(now, video.site, video.submissionid, video.id),
    db.prepare('UPDATE videos SET claimed_timestamp = ? WHERE id = ?').bind(now, video.id),
  ];
}

/**
 * What a viewer of the submission sees: the claimed video, or while none is
 * claimed the newest confirmed one. Deleted rows are returned too, so the
 * caller can answer 410 rather than 404.
 */
export function currentVideo(db: D1Database, site: string, submissionid: number): Promise<VideoRow | null> {
  return db
    .prepare(
      `SELECT * FROM videos
       WHERE site = ? AND submissionid = ? AND confirmed_timestamp IS NOT NULL AND retired_timestamp IS NULL
       ORDER BY (claimed_timestamp IS NOT NULL) DESC, confirmed_timestamp DESC, id DESC
       LIMIT 1`,
    )
    .bind(site, submissionid)
    .first<VideoRow>();
}

export function markDeleted(db: D1Database, id: number, now: number): D1PreparedStatement {
  return db
    .prepare(`UPDATE videos SET upload_status = 'deleted', deleted_timestamp = ? WHERE id = ? AND upload_status <> 'deleted'`)
    .bind(now, id);
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
    await backfillSearchText(db);
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

export function toAdminVideo(row: VideoRow): AdminVideo {
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
    claimed: row.claimed_timestamp !== null && row.retired_timestamp === null,
    uploaded_at: iso(row.upload_timestamp)!,
    deleted_at: iso(row.deleted_timestamp),
    replaced_at: iso(row.retired_timestamp),
  };
}
