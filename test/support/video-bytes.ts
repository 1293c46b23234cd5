import { randomBytes } from 'node:crypto';

/**
 * Container headers the edge's confirm accepts (edge/src/media/container.ts): an ISO-BMFF
 * `ftyp` box, and an EBML header whose DocType is `webm`.
 */
const HEADERS = {
  mp4: Buffer.from([0, 0, 0, 24, ...Buffer.from('ftypisom'), 0, 0, 2, 0, ...Buffer.from('isomiso2')]),
  webm: Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x87, 0x42, 0x82, 0x84, ...Buffer.from('webm')]),
} as const;

/**
 * `size` random bytes that open like a video file, so confirm's container check passes: what
 * the tests upload when only the bytes' identity matters (their checksum, their survival).
 * Smaller than the header: just random bytes (which confirm refuses as NOT_A_VIDEO).
 */
export function videoBytes(size: number, container: keyof typeof HEADERS = 'mp4'): Buffer {
  const bytes = randomBytes(size);
  const header = HEADERS[container];
  if (size >= header.length) header.copy(bytes, 0);
  return bytes;
}
