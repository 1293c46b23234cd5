import { CLIENT_EVENT_TYPES, type ClientEventType, type EventType } from '../contract';
import { brakeHolds, spendSlot, type HourlyQuota, type QuotaAction, type SlotResult } from './rate-limit';

/** The one place the edge writes the `events` table (and counts it for quotas); services/stats.ts reads it for the dashboard. */

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
