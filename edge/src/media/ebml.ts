/**
 * An EBML variable-length integer (RFC 8794 §4) at `at`: its length from the leading zeros, its
 * value with the marker bit kept (element IDs) or cleared (sizes, data); `allOnes` marks the
 * reserved "unknown size" of a size (§6.2). Null past the bytes or for a zero first byte.
 */
export function vint(bytes: Uint8Array, at: number, keepMarker: boolean): { value: number; length: number; allOnes: boolean } | null {
  const first = bytes[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (length > 8 || at + length > bytes.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  for (let i = 1; i < length; i++) value = value * 256 + bytes[at + i]!;
  return { value, length, allOnes: !keepMarker && value === 2 ** (7 * length) - 1 };
}
