/**
 * The demo's stand-in for Moodle's `core_get_user_dates` (what `core/user_date`
 * asks the server): userdate($timestamp, $format) with Moodle's defaults
 * fixday and fixhour (the day of the month and the 12-hour clock without a
 * leading zero, as userdate() writes them), in the demo user's timezone and
 * English. Covers the strftime directives Moodle's langconfig formats use.
 */

const NAMES = { weekday: 'long', month: 'long' } as const;

function parts(date: Date, timeZone: string): Record<string, string> {
  const formatted = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    ...NAMES,
    year: 'numeric',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const short = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', month: 'short' }).formatToParts(date);
  const monthNumber = new Intl.DateTimeFormat('en-GB', { timeZone, month: '2-digit' }).format(date);
  const all: Record<string, string> = { monthNumber };
  for (const p of formatted) all[p.type] = p.value;
  for (const p of short) all[`short_${p.type}`] = p.value;
  return all;
}

/** userdate($timestamp, $format, $timezone, fixday: true, fixhour: true). */
export function userDate(timestamp: number, format: string, timeZone = 'UTC'): string {
  const p = parts(new Date(timestamp * 1000), timeZone);
  const hour24 = Number(p.hour);
  const hour12 = hour24 % 12 === 0 ? 12 : hour24 % 12;
  const directives: Record<string, string> = {
    A: p.weekday!,
    a: p.short_weekday!,
    B: p.month!,
    b: p.short_month!,
    // fixday: userdate() writes the day of the month without its leading zero.
    d: String(Number(p.day)),
    e: String(Number(p.day)),
    H: p.hour!,
    // fixhour: and the 12-hour clock too.
    I: String(hour12),
    l: String(hour12),
    M: p.minute!,
    m: p.monthNumber!,
    p: hour24 < 12 ? 'AM' : 'PM',
    P: hour24 < 12 ? 'am' : 'pm',
    S: p.second!,
    Y: p.year!,
    y: p.year!.slice(-2),
    '%': '%',
  };
  return format.replace(/%([A-Za-z%])/g, (whole, d: string) => directives[d] ?? whole);
}

/** Moodle's English strings the demo's `core/str` serves besides the plugin's own. */
export const CORE_STRINGS = {
  core: {
    sizeb: 'bytes', sizekb: 'KB', sizemb: 'MB', sizegb: 'GB', sizetb: 'TB', sizepb: 'PB',
    sec: 'sec', secs: 'secs', min: 'min', mins: 'mins', hour: 'hour', hours: 'hours', day: 'day', days: 'days', now: 'now',
  },
  core_langconfig: {
    strftimedatetime: '%d %B %Y, %I:%M %p',
    strftimedaydatetime: '%A, %d %B %Y, %I:%M %p',
  },
};
