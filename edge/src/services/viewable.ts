import type { ViewClaims } from '../contract';
import { ApiError } from '../errors';
import { eventRow, playbackQuota } from './events';
import { refuseIfBraked, spendSlotOrRefuse, type HourlyQuota } from './rate-limit';
import { currentVideo, type VideoRow } from './videos';

/**
 * The video a viewer of the submission may have a link to — for playback, download, its poster
 * and captions alike, so they are allowed in exactly the same cases: the claimed video, or while
 * none is claimed the newest confirmed one; 404 when there is none, 410 when it was deleted.
 */
export async function requireViewable(db: D1Database, site: string, submissionid: number): Promise<VideoRow> {
  const video = await currentVideo(db, site, submissionid);
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

/**
 * The viewable video of `submissionid`, if the viewer has a link left this hour. A flood stops
 * at KV's brake, before it costs a D1 read. Nothing is spent yet: the caller signs the link
 * (which can fail) and then {@link spendLink}s, so a failure spends nothing.
 */
export async function viewableWithinQuota(req: LinkRequest, submissionid: number): Promise<{ video: VideoRow; quota: HourlyQuota }> {
  const quota = playbackQuota(req.viewer, req.perHour, req.now);
  await refuseIfBraked(req.env.RATE_LIMITS, quota);
  return { video: await requireViewable(req.env.DB, req.viewer.iss, submissionid), quota };
}

/** Spends the hour's slot for a signed link: the `playback_access` or `download` event is the slot (429 when gone). */
export async function spendLink(
  req: LinkRequest,
  quota: HourlyQuota,
  video: VideoRow,
  eventType: 'playback_access' | 'download',
): Promise<void> {
  const { viewer, now } = req;
  await spendSlotOrRefuse(req.env.DB, req.env.RATE_LIMITS, quota, {
    table: 'events',
    row: eventRow({
      site: viewer.iss, userid: viewer.sub, user_role: viewer.role, event_type: eventType,
      assignmentid: video.assignmentid, submissionid: video.submissionid, s3_key: video.s3_key, file_size: video.file_size, timestamp: now,
    }),
  });
}
