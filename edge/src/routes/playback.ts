import { Hono } from 'hono';
import type { PlaybackUrlResponse, UploadClaims, VideoSummaryResponse, ViewClaims } from '../contract';
import { assertSameResource, requireToken } from '../http/auth';
import type { AppEnv } from '../http/app-env';
import { queryInt } from '../http/validate';
import { mediaOf } from '../media/facts';
import { eventRow, playbackQuota } from '../services/events';
import { signPlaybackUrl } from '../services/cdn';
import { refuseIfBraked, spendSlotOrRefuse } from '../services/rate-limit';
import { currentVideo } from '../services/videos';
import { requireViewable } from '../services/viewable';

export const playback = new Hono<AppEnv>();

playback.get('/playback-url', requireToken('view'), async (c) => {
  const claims = c.var.claims as ViewClaims;
  const { config, now } = c.var;
  const submissionid = queryInt(c.req.query('submissionid'), 'submissionid', 1, Number.MAX_SAFE_INTEGER);
  assertSameResource(claims, { submissionid });
  const quota = playbackQuota(claims, config.limits.playbacksPerHour, now);
  // A flood stops here, at KV, before it costs a D1 read.
  await refuseIfBraked(c.env.RATE_LIMITS, quota);
  const video = await requireViewable(c.env.DB, claims.iss, submissionid);

  // Everything that can fail comes before the slot: a CDN_ERROR must spend nothing.
  const expires = now + config.playbackUrlTtl;
  const signed = await signPlaybackUrl(config.cdn, video.s3_key, expires, c.req.header('CF-Connecting-IP'));
  await spendSlotOrRefuse(c.env.DB, c.env.RATE_LIMITS, quota, {
    table: 'events',
    row: eventRow({
      site: claims.iss, userid: claims.sub, user_role: claims.role, event_type: 'playback_access',
      assignmentid: video.assignmentid, submissionid, s3_key: video.s3_key, file_size: video.file_size, timestamp: now,
    }),
  });
  return c.json<PlaybackUrlResponse>({
    signed_url: signed,
    expires_at: new Date(expires * 1000).toISOString(),
    videoid: video.id,
    mimetype: video.mime_type,
    filesize: video.file_size ?? 0,
    duration: video.duration,
    md5: video.md5,
    media: mediaOf(video),
  });
});

/**
 * What the uploader shows before a replace: the submission's current video, without a link
 * to it. No video is `{video: null}` and a deleted one comes with its status, both 200: an
 * empty form asks this every time, and an error status would be a red line in its console.
 */
playback.get('/video', requireToken('upload', 'view'), async (c) => {
  const claims = c.var.claims as UploadClaims | ViewClaims;
  const submissionid = queryInt(c.req.query('submissionid'), 'submissionid', 1, Number.MAX_SAFE_INTEGER);
  assertSameResource(claims, { submissionid });
  const video = await currentVideo(c.env.DB, claims.iss, submissionid);
  if (!video) return c.json<VideoSummaryResponse>({ video: null });
  return c.json<VideoSummaryResponse>({
    video: {
      videoid: video.id,
      filename: video.filename,
      filesize: video.file_size ?? 0,
      duration: video.duration,
      mimetype: video.mime_type,
      status: video.upload_status,
      uploaded_at: new Date((video.confirmed_timestamp ?? video.upload_timestamp) * 1000).toISOString(),
      claimed: video.claimed_timestamp !== null,
      md5: video.md5,
      deleted_at: video.deleted_timestamp === null ? null : new Date(video.deleted_timestamp * 1000).toISOString(),
      media: mediaOf(video),
    },
  });
});
