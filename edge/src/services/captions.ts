import type { CaptionTrack } from '../contract';

/**
 * The one module that reads and writes the `captions` table (migration 0008): one WebVTT file
 * per language per video, its object written by the edge under the video's prefix. Objects
 * are removed by the callers (routes/captions.ts on replace, video-objects.ts and the cleanup
 * sweep with their video); this module only keeps the rows.
 */

export interface CaptionRow {
  id: number;
  site: string;
  videoid: number;
  language: string;
  label: string;
  s3_key: string;
  file_size: number;
  created_timestamp: number;
  created_by: string;
  created_role: string;
}

/** A video captions may be attached to: confirmed, not deleted, not replaced. */
const ATTACHABLE = `SELECT 1 FROM videos WHERE id = ? AND site = ? AND upload_status = 'ready' AND retired_timestamp IS NULL`;

export function toTrack(row: CaptionRow, url: string | null): CaptionTrack {
  return {
    id: row.id,
    videoid: row.videoid,
    language: row.language,
    label: row.label,
    url,
    created_at: new Date(row.created_timestamp * 1000).toISOString(),
    created_by: row.created_by,
  };
}

export async function tracksOf(db: D1Database, site: string, videoid: number): Promise<CaptionRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM captions WHERE site = ? AND videoid = ? ORDER BY language, id')
    .bind(site, videoid)
    .all<CaptionRow>();
  return results;
}

/** Every caption key of these videos (any site: ids are global), for deleting them with their videos. */
export async function captionKeysOf(db: D1Database, videoids: readonly number[]): Promise<Array<{ videoid: number; s3_key: string }>> {
  if (videoids.length === 0) return [];
  const { results } = await db
    .prepare('SELECT videoid, s3_key FROM captions WHERE videoid IN (SELECT value FROM json_each(?))')
    .bind(JSON.stringify(videoids))
    .all<{ videoid: number; s3_key: string }>();
  return results;
}

export type Attached =
  | { attached: true; row: CaptionRow; replaced: { id: number; s3_key: string } | null }
  | { attached: false; reason: 'video_gone' | 'too_many'; replaced: { id: number; s3_key: string } | null };

/**
 * Makes `row` the video's track for its language in one transaction: the previous track of that
 * language is deleted (RETURNING its key, so of parallel replacements each removes a different
 * row and every replaced key is named to exactly one caller, who deletes its object) and the new
 * row is inserted only while the video is still attachable AND has fewer than `maxTracks` tracks
 * left after that delete — the count and the insert are one statement (as rate-limit.ts's
 * slotStatement does for quotas), so however many attaches arrive at once the video never holds
 * more than `maxTracks`. A replacement never trips the limit: its own language was deleted just
 * before, in the same transaction; and a refused new language deleted nothing (it had no row).
 * `attached: false` means the video was deleted or replaced meanwhile (`video_gone`) or already
 * holds `maxTracks` other languages (`too_many`): the caller deletes the object it wrote (and any
 * replaced one).
 */
export async function attachTrack(
  db: D1Database,
  row: Omit<CaptionRow, 'id'>,
  maxTracks: number,
): Promise<Attached> {
  const [removed, inserted, attachable] = await db.batch([
    db
      .prepare('DELETE FROM captions WHERE site = ? AND videoid = ? AND language = ? RETURNING id, s3_key')
      .bind(row.site, row.videoid, row.language),
    db
      .prepare(
        `INSERT INTO captions (site, videoid, language, label, s3_key, file_size, created_timestamp, created_by, created_role)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (${ATTACHABLE})
           AND (SELECT COUNT(*) FROM captions WHERE videoid = ?) < ?
         RETURNING *`,
      )
      .bind(row.site, row.videoid, row.language, row.label, row.s3_key, row.file_size, row.created_timestamp,
        row.created_by, row.created_role, row.videoid, row.site, row.videoid, maxTracks),
    // Why a refused insert was refused, read in the same transaction.
    db.prepare(ATTACHABLE).bind(row.videoid, row.site),
  ]);
  const old = (removed!.results[0] as { id: number; s3_key: string } | undefined) ?? null;
  const created = inserted!.results[0] as CaptionRow | undefined;
  if (created) return { attached: true, row: created, replaced: old };
  return { attached: false, reason: attachable!.results.length > 0 ? 'too_many' : 'video_gone', replaced: old };
}

/** Removes one track's row; returns its key (for the caller to delete) or null when there was none. */
export async function detachTrack(db: D1Database, site: string, videoid: number, language: string): Promise<string | null> {
  const row = await db
    .prepare('DELETE FROM captions WHERE site = ? AND videoid = ? AND language = ? RETURNING s3_key')
    .bind(site, videoid, language)
    .first<{ s3_key: string }>();
  return row?.s3_key ?? null;
}

/** Forgets the tracks whose objects were deleted with their videos (only those keys: a row added since stays for the next sweep). */
export async function forgetTracks(db: D1Database, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.prepare('DELETE FROM captions WHERE s3_key IN (SELECT value FROM json_each(?))').bind(JSON.stringify(keys)).run();
}
