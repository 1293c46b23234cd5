import { md5OffThread, WorkerUnavailable } from './md5-off-thread';

/**
 * MD5 in the browser, as S3 checks it: `Content-MD5` on each part (base64,
 * RFC 1864) and the object's ETag at confirm (hex; for a multipart upload the
 * MD5 of the concatenated binary part MD5s, `-`, the part count).
 *
 * Where it runs: in a dedicated worker (md5-off-thread.ts), so the page's
 * main thread only posts the blob and takes 16 bytes back; where no worker
 * can be made (a Content-Security-Policy without `worker-src blob:`, an old
 * browser), on the main thread as before, with hash-wasm fetched only then
 * (md5-digest.ts, a lazy chunk). Either way the blob is read a slice at a
 * time (HASH_SLICE_BYTES, md5-digest.ts), so a 5 GB file never sits in memory.
 */

/** The 16-byte MD5 of a blob (a file or a slice of one). Rejects with the signal's reason once it aborts. */
export async function md5Of(blob: Blob, signal?: AbortSignal): Promise<Uint8Array> {
  try {
    return await md5OffThread(blob, signal);
  } catch (err) {
    if (!(err instanceof WorkerUnavailable)) throw err;
  }
  const { md5OnThisThread } = await import('./md5-digest');
  return md5OnThisThread(blob, () => signal?.throwIfAborted());
}

export const toHex = (digest: Uint8Array): string => Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');

/** `Content-MD5` form. */
export const toBase64 = (digest: Uint8Array): string => btoa(String.fromCharCode(...digest));

export const fromBase64 = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

/** S3's ETag of an object assembled from parts with these MD5s, in order: `hex(md5(md5₁‖…‖md5ₙ))-n`. */
export async function multipartChecksum(partDigests: readonly Uint8Array[]): Promise<string> {
  const digest = await md5Of(new Blob(partDigests as Uint8Array<ArrayBuffer>[]));
  return `${toHex(digest)}-${partDigests.length}`;
}
