import { ApiError } from '../errors';

/**
 * Every per-user hourly quota of the edge, in one place.
 *
 * D1 decides, exactly: a slot is the row the request writes anyway (a `playback_access`
 * event, a reported failure, a `videos` row), inserted by ONE conditional statement
 *
 *     INSERT INTO <table> (<columns>) SELECT <values>
 *     WHERE (SELECT COUNT(*) FROM <counted table> WHERE <condition> AND <time> > now − window) < limit
 *     RETURNING id
 *
 * D1 runs each statement alone against one SQLite database, so the count and the insert
 * cannot interleave with another request's: however many arrive at once, at most `limit`
 * rows exist per sliding window. A request that fails before its insert spends nothing, so
 * routes do what can fail before spending; where that would cost a D1 round trip (signed
 * links: services/viewable.ts), they check what can fail first and give the slot back with
 * {@link releaseSlot} should it fail anyway.
 *
 * KV is only the fast first brake: when D1 refuses, "refused until T" is remembered in KV
 * and later requests are turned away before they reach D1. KV is eventually consistent and
 * allows one write per second per key (more throw), so every KV error is caught and
 * ignored: a broken brake lets requests through to D1, which still counts exactly. T is the
 * moment the oldest counted row leaves the window; before T a D1 attempt would refuse too,
 * so a stale brake never refuses a request D1 would allow (unless counted rows are deleted).
 */

/** Quotas are per sliding hour. */
export const HOUR_SECONDS = 3600;
/** KV refuses an expiration sooner than 60 s ahead. */
const KV_MIN_TTL_SECONDS = 60;

/** The rows a quota counts: `SELECT COUNT(*) FROM table WHERE (where) AND timeColumn > now − window`. */
export interface CountedRows {
  /** A table name; a constant of the code, never input. */
  table: string;
  /** An SQL condition over that table with `?` placeholders, e.g. `site = ? AND userid = ?`. */
  where: string;
  binds: readonly unknown[];
  /** The column holding each row's time, Unix seconds. */
  timeColumn: string;
}

/** The row a won slot writes: column name → value (bound as parameters). */
export interface SlotRow {
  table: string;
  row: Record<string, unknown>;
  /**
   * Columns taken from the one row (or none) a SELECT returns instead of from `row`: `sql` is
   * that SELECT (a constant of the code, `?` placeholders bound from `binds`), `columns` maps
   * each slot column to the SELECT's column. When the SELECT returns no row, nothing is
   * inserted, as if refused; so a read and the slot it pays for can be one statement (e.g.
   * playback-url's event, written from the viewable video: services/viewable.ts).
   */
  from?: { sql: string; binds: readonly unknown[]; columns: Record<string, string> };
}

/** What the brake and the messages call each quota. */
export type QuotaAction = 'upload' | 'playback' | 'event';

export interface HourlyQuota {
  action: QuotaAction;
  /** Whose quota: the token's site and user. */
  user: { iss: string; sub: string };
  /** Rows allowed per window. */
  limit: number;
  /** Unix seconds. */
  now: number;
  counted: CountedRows;
  /** Seconds; {@link HOUR_SECONDS} unless stated. */
  windowSeconds?: number;
}

export type SlotResult = { won: true; id: number } | { won: false; retryAfter: number };

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`rate-limit: "${name}" is not a plain SQL identifier`);
  return name;
}

function windowOf(q: HourlyQuota): number {
  return q.windowSeconds ?? HOUR_SECONDS;
}

/**
 * The one conditional statement: inserts `slot.row` only while fewer than `q.limit` counted
 * rows are inside the window, and returns the new row's id (no row returned = refused).
 * A statement, not a run, so it can join a `db.batch` (e.g. a videos row with its event).
 */
export function slotStatement(db: D1Database, q: HourlyQuota, slot: SlotRow): D1PreparedStatement {
  const selected = slot.from?.columns ?? {};
  const bound = Object.entries(slot.row).filter(([column]) => !(column in selected));
  const columns = [...bound.map(([column]) => identifier(column)), ...Object.keys(selected).map(identifier)];
  const values = [...bound.map(() => '?'), ...Object.values(selected).map((column) => `src.${identifier(column)}`)];
  const { counted } = q;
  return db
    .prepare(
      `INSERT INTO ${identifier(slot.table)} (${columns.join(', ')})
       SELECT ${values.join(', ')}
       ${slot.from ? `FROM (${slot.from.sql}) AS src` : ''}
       WHERE (SELECT COUNT(*) FROM ${identifier(counted.table)}
              WHERE (${counted.where}) AND ${identifier(counted.timeColumn)} > ?) < ?
       RETURNING id`,
    )
    .bind(...bound.map(([, value]) => value), ...(slot.from?.binds ?? []), ...counted.binds, q.now - windowOf(q), q.limit);
}

/**
 * Gives a won slot back: deletes the row it wrote. Only for a request that failed after its
 * slot in a way no check before it could foresee (services/viewable.ts); the row existed for
 * that request's duration only, so at most a parallel request of the same user saw one slot
 * fewer meanwhile — never one more.
 */
export async function releaseSlot(db: D1Database, table: string, id: number): Promise<void> {
  await db.prepare(`DELETE FROM ${identifier(table)} WHERE id = ?`).bind(id).run();
}

/**
 * Seconds until a slot frees: when the `limit`-th newest counted row leaves the window
 * (with more rows than the limit, e.g. after the limit was lowered, earlier ones leaving
 * free nothing). At least 1.
 */
export async function retryAfterSeconds(db: D1Database, q: HourlyQuota): Promise<number> {
  const { counted } = q;
  const time = identifier(counted.timeColumn);
  const row = await db
    .prepare(
      `SELECT ${time} AS t FROM ${identifier(counted.table)}
       WHERE (${counted.where}) AND ${time} > ?
       ORDER BY ${time} DESC LIMIT 1 OFFSET ?`,
    )
    .bind(...counted.binds, q.now - windowOf(q), q.limit - 1)
    .first<{ t: number }>();
  return Math.max(1, row ? row.t + windowOf(q) - q.now : 1);
}

function brakeKey(q: HourlyQuota): string {
  return `quota:${q.action}:${q.user.iss}:${q.user.sub}`;
}

/**
 * Seconds the KV brake still holds this quota shut, or null when it does not (or KV failed:
 * the brake is an optimisation, D1 decides). Never throws.
 */
export async function brakeHolds(kv: KVNamespace, q: HourlyQuota): Promise<number | null> {
  try {
    const until = Number(await kv.get(brakeKey(q)));
    return Number.isFinite(until) && until > q.now ? until - q.now : null;
  } catch (err) {
    console.warn('rate-limit: KV brake unreadable, asking D1', err instanceof Error ? err.message : err);
    return null;
  }
}

/** Remembers that D1 refused until `now + retryAfter`. Never throws (KV: 1 write/s/key). */
export async function setBrake(kv: KVNamespace, q: HourlyQuota, retryAfter: number): Promise<void> {
  try {
    await kv.put(brakeKey(q), String(q.now + retryAfter), { expirationTtl: Math.max(KV_MIN_TTL_SECONDS, retryAfter) });
  } catch (err) {
    console.warn('rate-limit: KV brake not written', err instanceof Error ? err.message : err);
  }
}

/**
 * Spends one slot of `q` by writing `slot`, or reports when to retry. D1 decides; a refusal
 * also sets the KV brake. Does not consult the brake itself: call {@link brakeHolds} (or
 * {@link refuseIfBraked}) first, before any other work a flood should not cause.
 */
export async function spendSlot(db: D1Database, kv: KVNamespace, q: HourlyQuota, slot: SlotRow): Promise<SlotResult> {
  const inserted = await slotStatement(db, q, slot).first<{ id: number }>();
  if (inserted) return { won: true, id: inserted.id };
  const retryAfter = await retryAfterSeconds(db, q);
  await setBrake(kv, q, retryAfter);
  return { won: false, retryAfter };
}

const WHAT: Record<QuotaAction, string> = {
  upload: 'uploads started',
  playback: 'video links requested',
  event: 'reports sent',
};

/** The 429 a refused quota answers, with a true Retry-After (seconds). */
export function rateLimited(action: QuotaAction, retryAfter: number): ApiError {
  const minutes = Math.ceil(retryAfter / 60);
  return new ApiError(
    'RATE_LIMITED',
    `Too many ${WHAT[action]} this hour; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    undefined,
    { 'Retry-After': String(retryAfter) },
  );
}

/** Throws the 429 when the KV brake is on; otherwise (or when KV fails) returns. */
export async function refuseIfBraked(kv: KVNamespace, q: HourlyQuota): Promise<void> {
  const held = await brakeHolds(kv, q);
  if (held !== null) throw rateLimited(q.action, held);
}
