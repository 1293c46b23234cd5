import { ApiError } from '../http/errors';

/**
 * A sliding-window limit kept in KV: one key per user and action holding the
 * start times inside the window, so Retry-After says exactly when the oldest
 * one leaves it. KV is eventually consistent across locations, so two
 * requests racing in different data centres may both pass: the limit is a
 * brake on abuse, not an exact quota.
 */
interface RateLimit {
  ok: boolean;
  retryAfter: number;
  remaining: number;
}

async function consume(
  kv: KVNamespace,
  key: string,
  limit: number,
  windowSeconds: number,
  now: number,
): Promise<RateLimit> {
  const stored = await kv.get<number[]>(key, 'json');
  const recent = (Array.isArray(stored) ? stored : []).filter(
    (t) => typeof t === 'number' && t > now - windowSeconds,
  );
  if (recent.length >= limit) {
    const oldest = Math.min(...recent);
    return { ok: false, retryAfter: Math.max(1, oldest + windowSeconds - now), remaining: 0 };
  }
  recent.push(now);
  // KV refuses TTLs under 60 s.
  await kv.put(key, JSON.stringify(recent), { expirationTtl: Math.max(60, windowSeconds) });
  return { ok: true, retryAfter: 0, remaining: limit - recent.length };
}

type Action = 'upload' | 'playback' | 'event';

function rateKey(action: Action, site: string, userid: string): string {
  return `rl:${action}:${site}:${userid}`;
}

/**
 * What a request gets when the KV store itself fails: Workers KV allows one write per second
 * per key (a second one throws) and can be unavailable (Workers KV docs, "Limits"). The store
 * is a brake, never a reason for a valid request to become a 500:
 *  - upload, playback: fail open. Each request already carries a short-lived token Moodle
 *    issued for one submission; refusing a student's upload or a teacher's grading because
 *    the brake's store hiccuped costs more than a few unthrottled requests.
 *  - event: fail closed, as a 429 with Retry-After. Reports are best-effort telemetry from
 *    the browser; dropping some while the store is down loses nothing a person needs.
 */
const ON_STORE_FAILURE: Record<Action, 'open' | 'closed'> = { upload: 'open', playback: 'open', event: 'closed' };
const STORE_FAILURE_RETRY_SECONDS = 60;

const WHAT: Record<Action, string> = {
  upload: 'uploads started',
  playback: 'video links requested',
  event: 'reports sent',
};

/** Spends one of the user's hourly `action`s, or refuses with 429 and when to try again. */
export async function enforceHourly(
  kv: KVNamespace,
  action: Action,
  user: { iss: string; sub: string },
  perHour: number,
  now: number,
): Promise<void> {
  let limit: RateLimit;
  try {
    limit = await consume(kv, rateKey(action, user.iss, user.sub), perHour, 3600, now);
  } catch (err) {
    console.error(`rate limit store failed (${action}, failing ${ON_STORE_FAILURE[action]})`, err instanceof Error ? err.message : err);
    if (ON_STORE_FAILURE[action] === 'open') return;
    limit = { ok: false, retryAfter: STORE_FAILURE_RETRY_SECONDS, remaining: 0 };
  }
  if (!limit.ok) {
    const minutes = Math.ceil(limit.retryAfter / 60);
    throw new ApiError('RATE_LIMITED', `Too many ${WHAT[action]} this hour; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, undefined, {
      'Retry-After': String(limit.retryAfter),
    });
  }
}
