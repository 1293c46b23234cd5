/**
 * Numbers, durations, money as people read them, in the page's language
 * (Moodle sets <html lang>), through Intl. Sizes and dates are Moodle's own
 * (moodle-format.ts), so they read the same as Moodle's beside them.
 */

function lang(): string {
  return document.documentElement.lang || navigator.language || 'en';
}

export { formatBytes, formatDate, formatDuration } from './moodle-format';

const numberFormats = new Map<string, Intl.NumberFormat>();

/**
 * One Intl.NumberFormat per language and options, made once: making one loads
 * ICU's locale data (about 2 ms each in Chromium, measured in the uploader's
 * profile, where the time left is formatted up to 4 times a second).
 */
function numberFormat(options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${lang()}\n${JSON.stringify(options)}`;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(lang(), options)));
  return f;
}

/** "45 seconds", "3 minutes", "2 hours": rounded, because a time left is an estimate. */
export function formatTimeLeft(seconds: number): string {
  const [value, unit] =
    seconds < 60 ? [Math.max(1, Math.round(seconds / 5) * 5), 'second'] as const
    : seconds < 3600 ? [Math.round(seconds / 60), 'minute'] as const
    : [Math.round(seconds / 360) / 10, 'hour'] as const;
  return numberFormat({ style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

/** A video's length as a clock: 0:07, 12:30, 1:02:03. */
export function formatClock(seconds: number): string {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function formatNumber(value: number): string {
  return numberFormat().format(value);
}

export function formatPercent(ratio: number): string {
  return numberFormat({ style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}

export function formatMoney(amount: number, currency: string): string {
  return numberFormat({ style: 'currency', currency, maximumFractionDigits: 2 }).format(amount);
}
