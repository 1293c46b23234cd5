/**
 * The pauses of an upload that retries by itself: each ends early, with an
 * AbortError, when the upload is cancelled.
 */

const cancelled = () => new DOMException('Upload cancelled', 'AbortError');

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(cancelled());
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves when the browser says it is back online (at once if it is). */
export function untilOnline(signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(cancelled());
    const settle = (fn: () => void) => {
      window.removeEventListener('online', onOnline);
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const onOnline = () => settle(resolve);
    const onAbort = () => settle(() => reject(cancelled()));
    window.addEventListener('online', onOnline);
    signal.addEventListener('abort', onAbort, { once: true });
    if (navigator.onLine) settle(resolve);
  });
}

/** Retries that fail together (a dropped link fails every part) should not all come back at the same instant. */
export const jitter = (ms: number): number => Math.round(ms * (0.8 + Math.random() * 0.4));
