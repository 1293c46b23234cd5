import type { ReactiveControllerHost } from 'lit';

/**
 * Sizes, lengths and dates exactly as Moodle shows them beside the components, in the
 * user's Moodle language and timezone (issue 9 §3): sizes as `display_size()`
 * (lib/moodlelib.php) with the core strings `sizeb`…`sizepb`, dates through
 * Moodle's own `core/user_date` (which asks the server, `core_get_user_dates`)
 * with a `core_langconfig` strftime format. The loader hands both over
 * ({@link useMoodle}); until then, and outside Moodle, English units and the
 * browser's own date format stand in.
 */

/** What `core/user_date`'s get() takes: Unix seconds and a strftime format. */
export interface UserDateRequest {
  timestamp: number;
  format: string;
}

export interface MoodleFormatting {
  /** The core strings sizeb, sizekb, sizemb, sizegb, sizetb, sizepb, in that order. */
  sizeUnits: readonly string[];
  /** `core/user_date`.get. */
  userDates(requests: UserDateRequest[]): Promise<string[]>;
  /** The value of core_langconfig's `strftimedaydatetime` ("%A, %d %B %Y, %I:%M %p" in English). */
  dateFormat: string;
  /** The core strings sec, secs, min, mins, hour, hours, day, days, now, in that order (format_time's). */
  timeUnits?: readonly string[];
}

/** The core strings the loader asks Moodle for, with their component. */
export const CORE_STRING_REQUESTS = [
  { key: 'sizeb', component: 'core' },
  { key: 'sizekb', component: 'core' },
  { key: 'sizemb', component: 'core' },
  { key: 'sizegb', component: 'core' },
  { key: 'sizetb', component: 'core' },
  { key: 'sizepb', component: 'core' },
  { key: 'strftimedaydatetime', component: 'core_langconfig' },
  { key: 'sec', component: 'core' },
  { key: 'secs', component: 'core' },
  { key: 'min', component: 'core' },
  { key: 'mins', component: 'core' },
  { key: 'hour', component: 'core' },
  { key: 'hours', component: 'core' },
  { key: 'day', component: 'core' },
  { key: 'days', component: 'core' },
  { key: 'now', component: 'core' },
] as const;

/** Moodle's English core strings, until the loader brings the user's. */
let units: readonly string[] = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
const ENGLISH_TIME_UNITS = ['sec', 'secs', 'min', 'mins', 'hour', 'hours', 'day', 'days', 'now'] as const;
let timeUnits: readonly string[] = ENGLISH_TIME_UNITS;
let moodle: MoodleFormatting | null = null;

/** Called by the loader (through each lazy module) once Moodle's strings and `core/user_date` are at hand. */
export function useMoodle(formatting: MoodleFormatting): void {
  moodle = formatting;
  units = formatting.sizeUnits;
  timeUnits = formatting.timeUnits?.length === ENGLISH_TIME_UNITS.length ? formatting.timeUnits : ENGLISH_TIME_UNITS;
  cache.clear();
}

const NBSP = '\u00a0';

/**
 * `display_size($size)` with its defaults (one decimal place, units chosen by
 * magnitude): bytes as a whole number, anything from 1 KB with exactly one
 * decimal, a no-break space before the unit. The magnitude is floor(log_1024),
 * computed as PHP's log($x, $base) does (ln x / ln base), so the unit changes
 * at the same sizes as Moodle's.
 */
export function formatBytes(bytes: number): string {
  const magnitude = bytes > 0 ? Math.max(0, Math.min(5, Math.floor(Math.log(bytes) / Math.log(1024)))) : 0;
  if (magnitude === 0) return `${Math.round(bytes)}${NBSP}${units[0]}`;
  return `${oneDecimal(bytes / 1024 ** magnitude)}${NBSP}${units[magnitude]}`;
}

/**
 * PHP's sprintf('%.1f'): the exact binary value correctly rounded, ties to even
 * (2.25 → "2.2", 2.75 → "2.8"). toFixed rounds the same except at ties, where it
 * takes the larger; a size in KB/MB/… is a multiple of 1/1024^n, so its only ties
 * are x.25 and x.75.
 */
function oneDecimal(x: number): string {
  if (Number.isInteger(x * 4) && !Number.isInteger(x * 2)) {
    const lower = Math.floor(x * 10);
    return ((lower % 2 === 0 ? lower : lower + 1) / 10).toFixed(1);
  }
  return x.toFixed(1);
}

/**
 * A video's length as the plugin's own summaries write it: `format_time((int) round($duration))`
 * (lib/moodlelib.php; moodle-plugin/locallib.php rounds first) with core's strings: the largest
 * unit and the next one down when not zero — "6 secs", "1 min", "1 min 5 secs", "1 hour 2 mins",
 * "2 days 3 hours" — and "now" for 0. format_time's years are beyond any video and not handled.
 */
export function formatDuration(seconds: number): string {
  const total = Math.abs(Math.round(seconds));
  const [sec, secs, min, mins, hour, hours, day, days, now] = timeUnits as readonly string[];
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const unit = (n: number, one: string | undefined, many: string | undefined) => (n ? `${n} ${n === 1 ? one : many}` : '');
  const pair = (a: string, b: string) => `${a} ${b}`.trim();
  if (d) return pair(unit(d, day, days), unit(h, hour, hours));
  if (h) return pair(unit(h, hour, hours), unit(m, min, mins));
  if (m) return pair(unit(m, min, mins), unit(s, sec, secs));
  if (s) return unit(s, sec, secs);
  return now!;
}

const cache = new Map<number, string>();
const pending = new Set<number>();
const hosts = new Set<ReactiveControllerHost>();
let batch: Promise<void> | null = null;

function fallback(seconds: number): string {
  const lang = document.documentElement.lang || navigator.language || 'en';
  return new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short' }).format(new Date(seconds * 1000));
}

/** Asks Moodle for every date requested in this turn at once, then re-renders whoever showed one. */
function fetchPending(): void {
  if (batch || !moodle) return;
  const source = moodle;
  batch = Promise.resolve().then(async () => {
    const timestamps = [...pending];
    pending.clear();
    try {
      const texts = await source.userDates(timestamps.map((timestamp) => ({ timestamp, format: source.dateFormat })));
      timestamps.forEach((t, i) => cache.set(t, texts[i]!));
    } catch {
      // Moodle could not say: the browser's own format stays.
      for (const t of timestamps) cache.set(t, fallback(t));
    } finally {
      batch = null;
      if (pending.size > 0) fetchPending();
    }
    const waiting = [...hosts];
    hosts.clear();
    for (const host of waiting) host.requestUpdate();
  });
}

/**
 * A date (ISO 8601) as Moodle writes it for this user. Inside Moodle the first
 * call asks `core/user_date` and the host renders again when the answer is in;
 * meanwhile, and outside Moodle, the browser's format stands in.
 */
export function formatDate(iso: string, host?: ReactiveControllerHost): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const seconds = Math.floor(ms / 1000);
  const known = cache.get(seconds);
  if (known !== undefined) return known;
  if (moodle) {
    if (host) hosts.add(host);
    pending.add(seconds);
    fetchPending();
  }
  return fallback(seconds);
}
