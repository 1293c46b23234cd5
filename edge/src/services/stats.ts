import type { AdminStatsResponse, ClientEventType, EventType, StatsPeriod } from '../contract';
import type { Config } from '../config';

const GB = 1024 ** 3;
/** The failures the dashboard lists: what went wrong for a person, not a retry that then worked. */
const FAILURE_TYPES: readonly ClientEventType[] = ['upload_failure', 'playback_failure'];

/**
 * The admin dashboard's figures for one site over the last `days`: uploads and their success,
 * what is stored now, playbacks, a cost estimate at the configured prices, the latest failures
 * with who and what they concern, and failures by code. Read-only: five statements in one batch.
 */
export async function stats(
  db: D1Database,
  site: string,
  days: StatsPeriod,
  prices: Config['prices'],
  now: number,
): Promise<AdminStatsResponse> {
  const since = now - days * 86400;
  const [uploads, stored, delivered, failures, breakdown] = await db.batch([
    db
      .prepare(
        // Three parts that add up to the total: confirmed (whatever became of the video since),
        // ended without a video (failed, cancelled, abandoned, or deleted before it was confirmed),
        // and still open. The success rate is over the ended ones only.
        `SELECT COUNT(*) AS total,
                SUM(CASE WHEN confirmed_timestamp IS NOT NULL THEN 1 ELSE 0 END) AS ok,
                SUM(CASE WHEN confirmed_timestamp IS NULL AND upload_status <> 'pending' THEN 1 ELSE 0 END) AS failed,
                SUM(CASE WHEN confirmed_timestamp IS NULL AND upload_status = 'pending' THEN 1 ELSE 0 END) AS pending
         FROM videos WHERE site = ? AND upload_timestamp >= ?`,
      )
      .bind(site, since),
    db
      .prepare(
        // A replaced video waits only for the cleanup run: it is no longer a video the site keeps.
        `SELECT COUNT(*) AS n, COALESCE(SUM(file_size), 0) AS bytes,
                SUM(CASE WHEN media_playability = 'all' THEN 1 ELSE 0 END) AS p_all,
                SUM(CASE WHEN media_playability = 'some' THEN 1 ELSE 0 END) AS p_some,
                SUM(CASE WHEN media_playability = 'none' THEN 1 ELSE 0 END) AS p_none,
                SUM(CASE WHEN media_playability = 'unknown' THEN 1 ELSE 0 END) AS p_unknown
         FROM videos WHERE site = ? AND upload_status = 'ready' AND retired_timestamp IS NULL`,
      )
      .bind(site),
    // Bytes a playback would move if watched to the end, or a download moves: an upper bound,
    // which is what a budget wants. `n` stays the playbacks.
    db
      .prepare(
        `SELECT SUM(CASE WHEN event_type = 'playback_access' THEN 1 ELSE 0 END) AS n, COALESCE(SUM(file_size), 0) AS bytes
         FROM events WHERE site = ? AND event_type IN ('playback_access', 'download') AND timestamp >= ?`,
      )
      .bind(site, since),
    db
      .prepare(
        // Events keep ids and keys; names live with the videos. The video is the event's own key,
        // else its submission's latest upload; the name is the one in the user's latest upload token.
        `WITH recent AS (
           SELECT id, site, event_type, error_code, error_message, userid, submissionid, s3_key, timestamp
           FROM events WHERE site = ? AND event_type IN (?, ?) AND timestamp >= ?
           ORDER BY timestamp DESC, id DESC LIMIT 10
         ), keyed AS (
           SELECT r.*, COALESCE(r.s3_key,
             (SELECT v.s3_key FROM videos v WHERE v.site = r.site AND v.submissionid = r.submissionid ORDER BY v.id DESC LIMIT 1)) AS video_key
           FROM recent r
         )
         SELECT k.id, k.event_type, k.error_code, k.error_message, k.userid, k.video_key AS s3_key, k.timestamp,
           (SELECT v.filename FROM videos v WHERE v.site = k.site AND v.s3_key = k.video_key) AS filename,
           (SELECT v.fullname FROM videos v WHERE v.site = k.site AND v.userid = k.userid AND v.fullname IS NOT NULL
              ORDER BY v.id DESC LIMIT 1) AS fullname
         FROM keyed k ORDER BY k.timestamp DESC, k.id DESC`,
      )
      .bind(site, ...FAILURE_TYPES, since),
    db
      .prepare(
        `SELECT COALESCE(error_code, 'UNKNOWN') AS error_code, COUNT(*) AS count
         FROM events WHERE site = ? AND event_type IN (?, ?) AND timestamp >= ?
         GROUP BY COALESCE(error_code, 'UNKNOWN') ORDER BY count DESC, error_code`,
      )
      .bind(site, ...FAILURE_TYPES, since),
  ]);
  const u = uploads!.results[0] as { total: number; ok: number | null; failed: number | null; pending: number | null };
  const ended = (u.ok ?? 0) + (u.failed ?? 0);
  const s = stored!.results[0] as { n: number; bytes: number; p_all: number | null; p_some: number | null; p_none: number | null; p_unknown: number | null };
  const counted = { all: s.p_all ?? 0, some: s.p_some ?? 0, none: s.p_none ?? 0, unknown: s.p_unknown ?? 0 };
  const d = delivered!.results[0] as { n: number | null; bytes: number };
  const storage = (s.bytes / GB) * prices.storageGbMonth;
  const delivery = ((d.bytes / GB) * prices.deliveryGb * 30) / days;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    days,
    total_uploads: u.total,
    successful_uploads: u.ok ?? 0,
    failed_uploads: u.failed ?? 0,
    pending_uploads: u.pending ?? 0,
    success_rate: ended === 0 ? null : (u.ok ?? 0) / ended,
    total_storage_bytes: s.bytes,
    ready_videos: s.n,
    playbacks: d.n ?? 0,
    estimated_monthly_cost: {
      currency: 'USD',
      storage: round(storage),
      delivery: round(delivery),
      total: round(storage + delivery),
      storage_price_per_gb_month: prices.storageGbMonth,
      delivery_price_per_gb: prices.deliveryGb,
    },
    recent_failures: (failures!.results as Array<Record<string, unknown>>).map((r) => ({
      id: r.id as number,
      event_type: r.event_type as EventType,
      error_code: r.error_code as string | null,
      error_message: r.error_message as string | null,
      userid: r.userid as string,
      fullname: r.fullname as string | null,
      s3_key: r.s3_key as string | null,
      filename: r.filename as string | null,
      timestamp: new Date((r.timestamp as number) * 1000).toISOString(),
    })),
    error_breakdown: breakdown!.results as Array<{ error_code: string; count: number }>,
    // Current videos by where their uploader found they play; the rest were confirmed without facts.
    playability: { ...counted, unrecorded: s.n - counted.all - counted.some - counted.none - counted.unknown },
  };
}
