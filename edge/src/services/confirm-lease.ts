import { leaseConfirm } from './video-states';
import { findById, type VideoRow } from './videos';

/**
 * Who copies an upload to its final key: one confirm at a time, by a lease in D1
 * (video-states.ts leaseConfirm). A confirm that finds the lease held waits for its holder to
 * finish, then answers from the record as the holder left it, so parallel confirms (a double
 * click, a retry racing its first answer, a second tab) get the holder's answer and never copy.
 */

/** Fixed part of a lease (s): D1, S3's answer and the transition, on a bad day. */
const LEASE_BASE_SECONDS = 60;
/**
 * The slowest server-side copy rate a lease allows for (bytes/s). S3 copies inside one bucket
 * far faster (RGW here: 1 GiB in 0.46 s; README, "what the copy costs"); the holder aborts its
 * copy before its lease ends (see {@link copyDeadlineMs}), so a slower copy fails rather than
 * outlives the lease.
 */
const LEASE_MIN_COPY_RATE = 20 * 1024 ** 2;
/** The holder stops its copy this long before the lease ends (s): its transition still needs D1. */
const LEASE_MARGIN_SECONDS = 15;
/** Pauses between looks at a lease someone else holds (ms): about 20 s in all, then the caller is told to come back. */
const WAIT_STEPS_MS = [100, 200, 400, 800, 1600, 3200, 3200, 3200, 3200, 3200];

/** How long a confirm of `size` bytes may hold the lease (s): 1 GiB ≈ 111 s, 5 GiB ≈ 316 s. */
export function leaseSeconds(size: number): number {
  return LEASE_BASE_SECONDS + Math.ceil(size / LEASE_MIN_COPY_RATE);
}

/** How long the holder's copy may run (ms) before it aborts it, so the copy ends inside the lease. */
export function copyDeadlineMs(size: number): number {
  return (leaseSeconds(size) - LEASE_MARGIN_SECONDS) * 1000;
}

export type LeaseOutcome =
  /** This confirm holds the lease: it copies, then transitions with `token`. */
  | { kind: 'held'; token: string }
  /** Another confirm settled the upload meanwhile (ready, or no longer pending; null: gone): answer from `row`. */
  | { kind: 'settled'; row: VideoRow | null }
  /** Another confirm still holds it after the wait; `retryAfter` (s) until its lease ends. */
  | { kind: 'busy'; retryAfter: number };

const nowSeconds = () => Math.floor(Date.now() / 1000);
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Takes the confirm lease of `video` (a pending upload of `size` bytes) or waits for whoever
 * holds it. D1 errors propagate (the route's 500).
 */
export async function takeConfirmLease(db: D1Database, video: Pick<VideoRow, 'id' | 'site'>, size: number): Promise<LeaseOutcome> {
  const token = crypto.randomUUID();
  for (let step = 0; ; step += 1) {
    const now = nowSeconds();
    if (await leaseConfirm(db, video.id, token, now, now + leaseSeconds(size))) return { kind: 'held', token };
    const row = await findById(db, video.site, video.id);
    if (!row || row.upload_status !== 'pending') return { kind: 'settled', row };
    const wait = WAIT_STEPS_MS[step];
    if (wait === undefined) return { kind: 'busy', retryAfter: Math.max(1, (row.confirm_lease_until ?? now) - nowSeconds()) };
    await pause(wait);
  }
}
