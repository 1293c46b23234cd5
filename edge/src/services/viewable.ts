import type { Config } from '../config';
import type { ViewClaims } from '../contract';
import { ApiError } from '../errors';
import { checkSigningKey } from './cdn';
import { eventRow, playbackQuota } from './events';
import { rateLimited, refuseIfBraked, releaseSlot, retryAfterSeconds, setBrake, slotStatement } from './rate-limit';
import { currentVideo, currentVideoQuery, type VideoRow } from './videos';

/**
 * The video a viewer of the submission may have a link to — for playback, download, its poster
 * and captions alike, so they are allowed in exactly the same cases: the claimed video, or while
 * none is claimed the newest confirmed one; 404 when there is none, 410 when it was deleted.
 */
export async function requireViewable(db: D1Database, site: string, submissionid: number): Promise<VideoRow> {
  return viewable(await currentVideo(db, site, submissionid));
}

function viewable(video: VideoRow | null | undefined): VideoRow {
  if (!video) throw new ApiError('VIDEO_NOT_FOUND', 'This submission has no video.');
  if (video.upload_status === 'deleted') throw new ApiError('VIDEO_DELETED', 'This video has been deleted.');
  return video;
}

/** What a signed link to a video (playback-url, download-url) needs from its caller. */
export interface LinkRequest {
  env: { DB: D1Database; RATE_LIMITS: KVNamespace };
  viewer: ViewClaims;
  /** RATE_LIMIT_PLAYBACKS_PER_HOUR: playback and download links are one budget (events.ts). */
  perHour: number;
  now: number;
}

/** A link's slot, spent: the video it is for and the event row that is the slot. */
interface SpentLink {
  video: VideoRow;
  /** The `playback_access` or `download` row; {@link releaseLink} deletes it. */
  eventId: number;
}

/**
 * The viewable video of `submissionid` and the hour's slot for a link to it (the
 * `playback_access` or `download` event, which is the quota: 429 when gone), in ONE D1 batch:
 * the video's read and the conditional insert that writes the event from that same video, so
 * the event exists only for a viewable video (404 or 410 spend nothing). A flood stops at KV's
 * brake, before it costs D1 anything.
 *
 * The link is signed after this ({@link signViewableLink}), which makes sure first that signing
 * cannot fail for its configuration and, should it fail anyway, gives the slot back.
 */
async function spendViewableLink(req: LinkRequest, submissionid: number, eventType: 'playback_access' | 'download'): Promise<SpentLink> {
  const { viewer, now } = req;
  const db = req.env.DB;
  const quota = playbackQuota(viewer, req.perHour, now);
  await refuseIfBraked(req.env.RATE_LIMITS, quota);
  const current = currentVideoQuery(viewer.iss, submissionid);
  const [read, slot] = await db.batch<Record<string, unknown>>([
    db.prepare(current.sql).bind(...current.binds),
    slotStatement(db, quota, {
      table: 'events',
      row: eventRow({ site: viewer.iss, userid: viewer.sub, user_role: viewer.role, event_type: eventType, timestamp: now }),
      from: {
        sql: `SELECT * FROM (${current.sql}) WHERE upload_status <> 'deleted'`,
        binds: current.binds,
        columns: { assignmentid: 'assignmentid', submissionid: 'submissionid', s3_key: 's3_key', file_size: 'file_size' },
      },
    }),
  ]);
  const video = viewable(read?.results[0] as VideoRow | undefined);
  const eventId = slot?.results[0]?.id;
  if (typeof eventId === 'number') return { video, eventId };
  const retryAfter = await retryAfterSeconds(db, quota);
  await setBrake(req.env.RATE_LIMITS, quota, retryAfter);
  throw rateLimited(quota.action, retryAfter);
}

/**
 * Gives back a link's slot when signing failed after it was spent. Never throws: the caller
 * answers the signing failure, and a slot D1 could not give back stays spent (the quota then
 * errs by one towards refusing, never towards allowing).
 */
async function releaseLink(req: LinkRequest, link: SpentLink): Promise<void> {
  try {
    await releaseSlot(req.env.DB, 'events', link.eventId);
  } catch (err) {
    console.error('viewable: slot not given back', err instanceof Error ? err.message : err);
  }
}

/**
 * A signed link (playback-url, download-url) to the viewable video of `submissionid`, within the
 * hour's quota: the CDN key is checked before the slot is spent (services/cdn.ts
 * `checkSigningKey`: a misconfigured key is CDN_ERROR and spends nothing), the video's read and
 * the slot are one D1 batch ({@link spendViewableLink}), and `sign` (the URL for that video) is
 * called after; if it fails anyway the slot is given back ({@link releaseLink}) and its error
 * propagates. Errors: VIDEO_NOT_FOUND 404, VIDEO_DELETED 410, RATE_LIMITED 429, CDN_ERROR 502.
 */
export async function signViewableLink(
  req: LinkRequest,
  cdn: Config['cdn'],
  submissionid: number,
  eventType: 'playback_access' | 'download',
  sign: (video: VideoRow) => Promise<string>,
): Promise<{ video: VideoRow; url: string }> {
  await checkSigningKey(cdn);
  const spent = await spendViewableLink(req, submissionid, eventType);
  try {
    return { video: spent.video, url: await sign(spent.video) };
  } catch (err) {
    await releaseLink(req, spent);
    throw err;
  }
}
