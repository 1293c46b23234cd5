/**
 * A byte count as people read it in a message: the largest unit (bytes, KB, MB, GB; 1024-based,
 * as Moodle's display_size and the assignment's maxbytes choices count) in which it is at least 1,
 * one decimal under 10 ("1.5 MB", "0.5" never appears: 512 KiB is "512 KB"), whole numbers from
 * 10 on, and no ".0" ("5 GB"). Rounded to the nearest shown figure.
 */
const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'] as const;

export function readableSize(bytes: number): string {
  let unit = 0;
  while (unit < UNITS.length - 1 && bytes >= 1024 ** (unit + 1)) unit += 1;
  if (unit === 0) return `${Math.round(bytes)} bytes`;
  let value = bytes / 1024 ** unit;
  let shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  // 1023.7 KB rounds to 1024 KB: that is 1 MB.
  if (shown >= 1024 && unit < UNITS.length - 1) {
    unit += 1;
    value = bytes / 1024 ** unit;
    shown = Math.round(value * 10) / 10;
  }
  return `${shown} ${UNITS[unit]}`;
}
