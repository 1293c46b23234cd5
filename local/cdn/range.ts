/**
 * The one byte range a viewer may ask for, read as CloudFront in front of S3 reads it.
 * CloudFront "generally follows the RFC" and serves the whole object (200) for a Range it
 * cannot honour (its developer guide, "How CloudFront processes partial requests"); S3
 * serves one range per request. With RFC 9110 §14.1–14.2 that gives:
 * - not `bytes=` with exactly one range of digits (another unit, several ranges, a negative
 *   or non-digit value, last-pos before first-pos): ignored, 200 with the whole object;
 * - one valid range whose first-pos is at or past the object's end, or a suffix of 0:
 *   unsatisfiable, 416 with `Content-Range: bytes * /size` (§15.5.17);
 * - otherwise 206, the end clamped to the object's last byte.
 * Positions may have any number of digits: §14.1.1 asks recipients to expect large numerals
 * and not to overflow on them. A 400-digit first-pos is a valid range past any object (416);
 * a 400-digit last-pos or suffix simply reaches the object's end.
 */

export type RangeSpec = { first: number; last?: number } | { suffix: number };

/** S3's largest object is 5 TiB, far below this: any larger position means "past the end". */
const MAX_POSITION = Number.MAX_SAFE_INTEGER;

/** A run of digits as a number, saturating at MAX_POSITION instead of rounding or overflowing. */
function position(digits: string): number {
  const value = BigInt(digits);
  return value > BigInt(MAX_POSITION) ? MAX_POSITION : Number(value);
}

export function parseRange(header: string | undefined): RangeSpec | null {
  // The range unit is case-insensitive (RFC 9110 §14.1).
  const match = /^bytes=(\d*)-(\d*)$/i.exec(header?.trim() ?? '');
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '') return last === '' ? null : { suffix: position(last) };
  const spec = { first: position(first), ...(last === '' ? {} : { last: position(last) }) };
  return spec.last !== undefined && spec.last < spec.first ? null : spec;
}

export function formatRange(spec: RangeSpec): string {
  return 'suffix' in spec ? `bytes=-${spec.suffix}` : `bytes=${spec.first}-${spec.last ?? ''}`;
}

/** True when no object can satisfy the range, whatever its size (no need to ask the origin). */
export function neverSatisfiable(spec: RangeSpec): boolean {
  return 'suffix' in spec ? spec.suffix === 0 : spec.first === MAX_POSITION;
}

/** Inclusive byte positions within an object of `size` bytes, or null when unsatisfiable (→ 416). */
export function resolveRange(spec: RangeSpec, size: number): { start: number; end: number } | null {
  if ('suffix' in spec) {
    return spec.suffix === 0 || size === 0 ? null : { start: Math.max(0, size - spec.suffix), end: size - 1 };
  }
  if (spec.first >= size) return null;
  return { start: spec.first, end: Math.min(spec.last ?? size - 1, size - 1) };
}
