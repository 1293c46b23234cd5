import { EdgeError, isAbort } from '../edge-client';
import { jitter, sleep, untilOnline } from '../wait';
import type { TransferIO } from './transfer';

/**
 * The uploader's one retry policy for its edge calls (upload-url, multipart
 * start, sign-parts, parts, complete, confirm-upload): a dropped connection
 * or a 5xx is tried again after a pause, an offline spell is waited out until
 * the browser says it is back, a 429 (or a confirm still held by another, CONFIRM_IN_PROGRESS)
 * waits what Retry-After says. Anything
 * else is the caller's to handle. A 5 GB upload has spent too long to give up
 * on a blip at its last step, so confirm is exactly as patient as complete.
 * What must never matter goes once and its failure is dropped: multipart
 * abort ({@link bestEffort}) and client events (client-events.ts).
 */

/** Pauses before each retry of a network or 5xx failure (jittered); then the student is asked. Parts' S3 failures use them too. */
export const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000] as const;
/** The longest Retry-After worth waiting out silently (s); beyond it the student decides. */
export const MAX_RATE_LIMIT_WAIT_S = 120;

type Hooks = Pick<TransferIO, 'phase' | 'report'>;

/** One upload's patience: its edge calls, and its offline waits counted together (parts wait too). */
export class Patience {
  private waitingOffline = 0;

  constructor(private readonly hooks: Hooks) {}

  /** `call` until it answers or fails for good; `stage` names it in the retry reports. */
  async call<T>(stage: string, signal: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let retries = 0;
    for (;;) {
      try {
        return await call(signal);
      } catch (err) {
        if (isAbort(err) || !(err instanceof EdgeError)) throw err;
        if (err.code === 'NETWORK' && !navigator.onLine) {
          await this.whileOffline(signal);
          continue;
        }
        const wait = waitBefore(err, RETRY_DELAYS_MS[retries]);
        if (wait === null) throw err;
        retries += 1;
        this.hooks.report({ code: err.code, message: err.message, context: { stage, status: err.status } });
        await sleep(wait, signal);
      }
    }
  }

  /** Until the browser is back online; the controller hears when the first wait begins and the last ends. */
  async whileOffline(signal: AbortSignal): Promise<void> {
    if (this.waitingOffline++ === 0) this.hooks.phase({ kind: 'offline', waiting: true });
    try {
      await untilOnline(signal);
    } finally {
      if (--this.waitingOffline === 0) this.hooks.phase({ kind: 'offline', waiting: false });
    }
  }
}

/** Milliseconds to wait before asking again, or null when asking again cannot help (or the retries are spent). */
function waitBefore(err: EdgeError, delay: number | undefined): number | null {
  if (delay === undefined) return null;
  // 429, and a confirm that found another confirm of the same upload still copying: both say when.
  if (err.status === 429 || err.code === 'CONFIRM_IN_PROGRESS') {
    const seconds = err.retryAfter ?? delay / 1000;
    return seconds > MAX_RATE_LIMIT_WAIT_S ? null : seconds * 1000;
  }
  return err.code === 'NETWORK' || err.status >= 500 ? jitter(delay) : null;
}

/** A call whose failure must never become the student's problem: made once, any failure dropped. */
export async function bestEffort(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch {
    // Nothing to do: what it would have done is done by other means (the edge's cleanup run).
  }
}
