import type { MultipartStartResponse } from '../../edge/src/contract';

/**
 * A multipart upload's state: one record per part. Progress, resuming, "what
 * is left" and the checksum confirm compares with S3's ETag are all computed
 * from it (multipart-upload.ts).
 */

/**
 * Parts in flight at once. One connection rarely fills a link (it waits on
 * every round trip); a handful does, and stays well inside the six
 * connections a browser opens to one host.
 */
export const PARALLEL_PARTS = 4;

export interface PartState {
  readonly number: number;
  readonly size: number;
  /** Bytes of this part S3 has taken so far in this attempt; `size` once it holds the part. */
  sent: number;
  /** The base64 MD5 of this part of the file (its `Content-MD5`), once hashed. */
  md5?: string;
  /** Set once S3 holds the part ('' when a bucket's CORS hides the header: the edge lists parts itself). */
  etag?: string;
}

export type MultipartSession = Pick<MultipartStartResponse, 's3_key' | 'upload_id' | 'part_size' | 'part_count'>;

export const isDone = (p: PartState): boolean => p.etag !== undefined;

/** Every part but the last has the session's part size. */
export function planParts(filesize: number, session: MultipartSession): PartState[] {
  return Array.from({ length: session.part_count }, (_, i) => ({
    number: i + 1,
    size: Math.min(session.part_size, filesize - i * session.part_size),
    sent: 0,
  }));
}

/** A view of the part in the file: read while it is hashed or sent, and let go afterwards. */
export function sliceOf(file: Blob, session: MultipartSession, part: PartState): Blob {
  const offset = (part.number - 1) * session.part_size;
  return file.slice(offset, offset + part.size);
}
