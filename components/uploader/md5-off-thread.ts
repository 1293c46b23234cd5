import workerSource from './md5-worker-source';
import type { FromWorker, ToWorker } from './md5-worker';

/**
 * MD5s hashed in a dedicated worker, off the page's main thread (which
 * otherwise spent ~60 % of its CPU of an upload on them). The worker's code
 * is a string in this module (bundled at build time), started from a Blob
 * URL: nothing else to serve or to configure in Moodle's AMD loader.
 *
 * One worker at most per page, made on the first job. It ends (terminated)
 * as soon as no job is left that a caller still waits for after an abort
 * (Cancel, a removed element), and otherwise once it has had no job for
 * {@link WORKER_IDLE_MS}: between an upload's parts it stays, after the
 * upload it goes. A page that cannot make it (a Content-Security-Policy
 * without `worker-src blob:`, an old browser) gets {@link WorkerUnavailable}
 * and hashes on the main thread instead (md5.ts); it does not try again.
 */

/**
 * A worker with nothing to do is ended after this long (ms). Between an upload's parts the next
 * hash is usually asked for well within it; on a slow link it may not be, and the worker is made
 * again (a script parse and a WebAssembly compile), which costs little beside a part's sending.
 */
export const WORKER_IDLE_MS = 2000;

/** No worker could be made here, or the one made failed: hash on this thread. */
export class WorkerUnavailable extends Error {
  override readonly name = 'WorkerUnavailable';
}

interface Job {
  resolve(digest: Uint8Array): void;
  reject(err: unknown): void;
}

let worker: Worker | null = null;
/** The running worker's script URL until it has loaded (it must resolve until then), revoked after. */
let workerUrl: string | null = null;
let unavailable: string | null = null;
let nextId = 1;
const jobs = new Map<number, Job>();
let idleTimer: ReturnType<typeof setTimeout> | undefined;

/** The 16-byte MD5 of `blob`, hashed in the worker. Rejects with the signal's reason on abort, or {@link WorkerUnavailable}. */
export function md5OffThread(blob: Blob, signal?: AbortSignal): Promise<Uint8Array> {
  signal?.throwIfAborted();
  if (unavailable !== null) return Promise.reject(new WorkerUnavailable(unavailable));
  const w = worker ?? start();
  if (!w) return Promise.reject(new WorkerUnavailable(unavailable ?? 'no worker'));
  clearTimeout(idleTimer);
  const id = nextId++;
  return new Promise<Uint8Array>((resolve, reject) => {
    const onAbort = () => {
      if (!jobs.delete(id)) return;
      w.postMessage({ cancel: id } satisfies ToWorker);
      reject(signal!.reason);
      settled(true);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const off = () => signal?.removeEventListener('abort', onAbort);
    jobs.set(id, {
      resolve: (d) => (off(), resolve(d)),
      reject: (e) => (off(), reject(e)),
    });
    w.postMessage({ hash: id, blob } satisfies ToWorker);
  });
}

/** Whether a hashing worker is running now (for tests and the benchmark: none may outlive its upload). */
export function md5WorkerRunning(): boolean {
  return worker !== null;
}

function start(): Worker | null {
  try {
    if (!workerSource) throw new Error('the worker was not built (md5-worker-source.ts unbundled)');
    workerUrl = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
    const w = new Worker(workerUrl, { name: 's3video-md5' });
    worker = w;
    let ready = false;
    w.onmessage = ({ data }: MessageEvent<FromWorker>) => {
      if ('ready' in data) {
        ready = true;
        revokeUrl();
        return;
      }
      const job = jobs.get(data.id);
      if (!job) return; // cancelled meanwhile
      jobs.delete(data.id);
      // The reading's own error, by its name (NotReadableError: the file changed or went), as on the main thread.
      if ('digest' in data) job.resolve(data.digest);
      else job.reject(new DOMException(data.error.message, data.error.name));
      settled(false);
    };
    // A script refused (CSP) or broken, or a worker that died: every job waiting goes to the main thread.
    const failed = (why: string) => fail(w, ready ? `the MD5 worker failed: ${why}` : `no MD5 worker: ${why}`);
    w.onerror = (e) => {
      e.preventDefault();
      failed(e.message || 'error');
    };
    w.onmessageerror = () => failed('a message could not be read');
    return w;
  } catch (err) {
    revokeUrl();
    unavailable = `no MD5 worker: ${err instanceof Error ? err.message : String(err)}`;
    worker = null;
    return null;
  }
}

function fail(w: Worker, why: string): void {
  if (worker !== w) return;
  unavailable = why;
  stop();
  const waiting = [...jobs.values()];
  jobs.clear();
  for (const job of waiting) job.reject(new WorkerUnavailable(why));
}

/**
 * A job ended: with none left the worker goes, at once after an abort (a
 * cancelled upload leaves nothing running behind it), else after the idle
 * time (the next part's hash usually follows).
 */
function settled(aborted: boolean): void {
  if (jobs.size > 0 || !worker) return;
  clearTimeout(idleTimer);
  if (aborted) stop();
  else idleTimer = setTimeout(stop, WORKER_IDLE_MS);
}

function stop(): void {
  clearTimeout(idleTimer);
  worker?.terminate();
  worker = null;
  revokeUrl();
}

function revokeUrl(): void {
  if (workerUrl) URL.revokeObjectURL(workerUrl);
  workerUrl = null;
}
