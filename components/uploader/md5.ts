import { createMD5 } from 'hash-wasm';

/**
 * MD5 in the browser, as S3 checks it: `Content-MD5` on each part (base64,
 * RFC 1864) and the object's ETag at confirm (hex; for a multipart upload the
 * MD5 of the concatenated binary part MD5s, `-`, the part count). hash-wasm's
 * WebAssembly MD5 is streamed: the file is read a slice at a time and each
 * slice let go once hashed, so a 5 GB file never sits in memory.
 */

/** Read from the file at once: large enough that reading costs little per byte, small enough to hold a few. */
export const HASH_SLICE_BYTES = 4 * 1024 ** 2;

/** The 16-byte MD5 of a blob (a file or a slice of one), read slice by slice. */
export async function md5Of(blob: Blob, signal?: AbortSignal): Promise<Uint8Array> {
  const md5 = await createMD5();
  md5.init();
  for (let at = 0; at < blob.size; at += HASH_SLICE_BYTES) {
    signal?.throwIfAborted();
    md5.update(new Uint8Array(await blob.slice(at, at + HASH_SLICE_BYTES).arrayBuffer()));
  }
  signal?.throwIfAborted();
  return md5.digest('binary');
}

export const toHex = (digest: Uint8Array): string => Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');

/** `Content-MD5` form. */
export const toBase64 = (digest: Uint8Array): string => btoa(String.fromCharCode(...digest));

export const fromBase64 = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

/** S3's ETag of an object assembled from parts with these MD5s, in order: `hex(md5(md5₁‖…‖md5ₙ))-n`. */
export async function multipartChecksum(partDigests: readonly Uint8Array[]): Promise<string> {
  const md5 = await createMD5();
  md5.init();
  for (const d of partDigests) md5.update(d);
  return `${toHex(md5.digest('binary'))}-${partDigests.length}`;
}
