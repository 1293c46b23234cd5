/**
 * The one byte range a viewer may ask for. Like CloudFront in front of S3,
 * anything else (several ranges, other units, nonsense) is ignored and the
 * whole object is served, as RFC 9110 allows.
 */

export type RangeSpec = { first: number; last?: number } | { suffix: number };

export function parseRange(header: string | undefined): RangeSpec | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '') return last === '' ? null : { suffix: Number(last) };
  const spec = { first: Number(first), ...(last === '' ? {} : { last: Number(last) }) };
  return spec.last !== undefined && spec.last < spec.first ? null : spec;
}

export function formatRange(spec: RangeSpec): string {
  return 'suffix' in spec ? `bytes=-${spec.suffix}` : `bytes=${spec.first}-${spec.last ?? ''}`;
}

/** Inclusive byte positions within an object of `size` bytes, or null when unsatisfiable (→ 416). */
export function resolveRange(spec: RangeSpec, size: number): { start: number; end: number } | null {
  if ('suffix' in spec) {
    return spec.suffix === 0 || size === 0 ? null : { start: Math.max(0, size - spec.suffix), end: size - 1 };
  }
  if (spec.first >= size) return null;
  return { start: spec.first, end: Math.min(spec.last ?? size - 1, size - 1) };
}
