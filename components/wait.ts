/**
 * The pauses of work that retries by itself (an upload's parts and edge
 * calls, the player's reloads): each ends early, with an AbortError, when its
 * signal is aborted.
 */

const aborted = () => new DOMException('Stopped', 'AbortError');

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(aborted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
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
    if (signal.aborted) return reject(aborted());
    const settle = (fn: () => void) => {
      window.removeEventListener('online', onOnline);
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const onOnline = () => settle(resolve);
    const onAbort = () => settle(() => reject(aborted()));
    window.addEventListener('online', onOnline);
    signal.addEventListener('abort', onAbort, { once: true });
    if (navigator.onLine) settle(resolve);
  });
}

/** Retries that fail together (a dropped link fails every part) should not all come back at the same instant. */
export const jitter = (ms: number): number => Math.round(ms * (0.8 + Math.random() * 0.4));
