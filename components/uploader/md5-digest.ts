import { createMD5 } from 'hash-wasm';

/**
 * The MD5 of a blob on whatever thread runs this: the hashing worker
 * (md5-worker.ts) normally, the page itself when no worker can be made
 * (md5.ts). hash-wasm's WebAssembly MD5 is streamed: the blob is read a
 * slice at a time and each slice let go once hashed, so a 5 GB file never
 * sits in memory.
 */

/** Read from the file at once: large enough that reading costs little per byte, small enough to hold a few. */
export const HASH_SLICE_BYTES = 4 * 1024 ** 2;

/**
 * The 16-byte MD5 of a blob (a file or a slice of one), read slice by slice;
 * `cancelled` is asked between slices. The next slice is read while this one
 * is hashed: a read is a round trip to the browser process, and waiting for it
 * would leave the CPU idle between slices.
 */
export async function md5OnThisThread(blob: Blob, cancelled: () => void = () => undefined): Promise<Uint8Array> {
  const md5 = await createMD5();
  md5.init();
  const read = (at: number) => {
    const bytes = blob.slice(at, at + HASH_SLICE_BYTES).arrayBuffer();
    // A read still on its way when the hashing stops (cancelled, or a failure) must not go unhandled.
    bytes.catch(() => undefined);
    return bytes;
  };
  let next = blob.size > 0 ? read(0) : null;
  for (let at = 0; next; at += HASH_SLICE_BYTES) {
    cancelled();
    const bytes = await next;
    next = at + HASH_SLICE_BYTES < blob.size ? read(at + HASH_SLICE_BYTES) : null;
    md5.update(new Uint8Array(bytes));
  }
  cancelled();
  return md5.digest('binary');
}
