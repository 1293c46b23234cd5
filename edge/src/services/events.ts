import { CLIENT_EVENT_TYPES, type AdminStatsResponse, type ClientEventType, type EventType, type StatsPeriod } from '../contract';
import type { Config } from '../config';
import { brakeHolds, spendSlot, type HourlyQuota, type QuotaAction, type SlotResult } from './rate-limit';

/** The one place the edge reads and writes the `events` table. */

export interface NewEvent {
  site: string;
  userid: string;
  event_type: EventType;
  assignmentid?: number | null;
  submissionid?: number | null;
  s3_key?: string | null;
  error_code?: string | null;
  error_message?: string | null;
  error_context?: Record<string, unknown> | null;
  file_size?: number | null;
  duration?: number | null;
  retry_count?: number | null;
  user_role?: string | null;
  timestamp: number;
}

/** An event as the `events` row it becomes (column → value). */
export function eventRow(e: NewEvent): Record<string, unknown> {
  return {
    site: e.site,
    userid: e.userid,
    assignmentid: e.assignmentid ?? null,
    submissionid: e.submissionid ?? null,
    s3_key: e.s3_key ?? null,
    event_type: e.event_type,
    error_code: e.error_code ?? null,
    error_message: e.error_message ?? null,
    error_context: e.error_context ? JSON.stringify(e.error_context) : null,
    file_size: e.file_size ?? null,
    duration: e.duration ?? null,
    retry_count: e.retry_count ?? null,
    user_role: e.user_role ?? null,
    timestamp: e.timestamp,
  };
}

export function insertEvent(db: D1Database, e: NewEvent): D1PreparedStatement {
  const row = eventRow(e);
  const columns = Object.keys(row);
  return db
    .prepare(`INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
    .bind(...Object.values(row));
}

/**
 * The hourly quota over one user's events of `types` (index `events_by_user_type_time`).
 * `playback_access` rows are the playback quota; the report types are one shared budget for
 * every failure a user can make the edge record, whether the browser reports it
 * (POST /api/events) or the edge logs a refusal (confirm-upload): a flood of either cannot
 * fill the dashboard's "recent failures".
 */
export function userEventQuota(
  action: QuotaAction,
  types: readonly EventType[],
  user: { iss: string; sub: string },
  limit: number,
  now: number,
): HourlyQuota {
  return {
    action,
    user,
    limit,
    now,
    counted: {
      table: 'events',
      where: `site = ? AND userid = ? AND event_type IN (${types.map(() => '?').join(', ')})`,
      binds: [user.iss, user.sub, ...types],
      timeColumn: 'timestamp',
    },
  };
}

/**
 * Signed links to a video's bytes, `RATE_LIMIT_PLAYBACKS_PER_HOUR` a user: a playback URL and a
 * download URL are the same grant in two forms, so they share one budget (downloads cannot be
 * used to get around the playback quota, nor the reverse).
 */
export const VIDEO_LINK_EVENT_TYPES: readonly EventType[] = ['playback_access', 'download'];

export function playbackQuota(user: { iss: string; sub: string }, limit: number, now: number): HourlyQuota {
  return userEventQuota('playback', VIDEO_LINK_EVENT_TYPES, user, limit, now);
}

/** Failures a user can cause to be recorded: reported by the browser, or refusals the edge logs. */
export const REPORT_EVENT_TYPES: readonly ClientEventType[] = CLIENT_EVENT_TYPES;

export function reportQuota(user: { iss: string; sub: string }, limit: number, now: number): HourlyQuota {
  return userEventQuota('event', REPORT_EVENT_TYPES, user, limit, now);
}

/** Writes `e` as a slot of `q`: the event is the slot. */
export function logEventWithinQuota(db: D1Database, kv: KVNamespace, q: HourlyQuota, e: NewEvent): Promise<SlotResult> {
  return spendSlot(db, kv, q, { table: 'events', row: eventRow(e) });
}

/**
 * Records a refusal the user caused (e.g. a bogus confirm-upload) within the user's hourly
 * report budget, `RATE_LIMIT_EVENTS_PER_HOUR`. Over the budget, or with D1 failing, nothing is
 * written and the caller still answers the refusal itself: the log is evidence, not the
 * answer, so it never turns a 4xx into a 500. Returns whether the event was written.
 */
export async function logRefusal(
  env: { DB: D1Database; RATE_LIMITS: KVNamespace },
  perHour: number,
  e: NewEvent & { event_type: ClientEventType },
): Promise<boolean> {
  const q = reportQuota({ iss: e.site, sub: e.userid }, perHour, e.timestamp);
  if ((await brakeHolds(env.RATE_LIMITS, q)) !== null) return false;
  try {
    return (await logEventWithinQuota(env.DB, env.RATE_LIMITS, q, e)).won;
  } catch (err) {
    console.error('events: refusal not logged', err instanceof Error ? err.message : err);
    return false;
  }
}

export async function logEvent(db: D1Database, e: NewEvent): Promise<void> {
  await insertEvent(db, e).run();
}

const GB = 1024 ** 3;
const FAILURE_TYPES = ['upload_failure', 'playback_failure'];

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
        `SELECT COUNT(*) AS total,
                SUM(CASE WHEN confirmed_timestamp IS NOT NULL THEN 1 ELSE 0 END) AS ok,
                SUM(CASE WHEN upload_status = 'error' THEN 1 ELSE 0 END) AS failed
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
  const u = uploads!.results[0] as { total: number; ok: number | null; failed: number | null };
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
    success_rate: u.total === 0 ? null : (u.ok ?? 0) / u.total,
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
