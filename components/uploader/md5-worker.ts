import { md5OnThisThread } from './md5-digest';

/**
 * The hashing worker's code: bundled at build time into a string
 * (md5-worker-source.ts, amd/esbuild.options.mjs) and started from a Blob URL by
 * md5-off-thread.ts, so that a part's MD5 costs the page's main thread
 * nothing. It takes a Blob (posting one copies no bytes), reads it a slice
 * at a time itself and answers the 16-byte digest. Jobs run one after
 * another, in the order posted: hashing is CPU work, two at once would not
 * be faster.
 */

/** Page → worker. */
export type ToWorker = { hash: number; blob: Blob } | { cancel: number };
/** Worker → page: once at start (the page then knows a worker runs here), then one answer per job not cancelled. */
export type FromWorker = { ready: true } | { id: number; digest: Uint8Array } | { id: number; error: { name: string; message: string } };

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
const queue: Array<{ id: number; blob: Blob }> = [];
const cancelled = new Set<number>();
/** The job being hashed now, if any. */
let current: number | null = null;

class Cancelled extends Error {}

async function drain(): Promise<void> {
  if (current !== null) return;
  for (let job = queue.shift(); job; job = queue.shift()) {
    const { id, blob } = job;
    current = id;
    try {
      const digest = await md5OnThisThread(blob, () => {
        if (cancelled.has(id)) throw new Cancelled();
      });
      scope.postMessage({ id, digest }, [digest.buffer]);
    } catch (err) {
      if (!(err instanceof Cancelled)) {
        const { name, message } = err instanceof Error ? err : { name: 'Error', message: String(err) };
        scope.postMessage({ id, error: { name, message } });
      }
    }
    cancelled.delete(id);
  }
  current = null;
}

scope.onmessage = ({ data }) => {
  if ('cancel' in data) {
    // An answer already on its way needs no cancelling: the page drops it.
    if (data.cancel === current || queue.some((j) => j.id === data.cancel)) cancelled.add(data.cancel);
    return;
  }
  queue.push({ id: data.hash, blob: data.blob });
  void drain();
};
scope.postMessage({ ready: true });
