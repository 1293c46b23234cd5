import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { ownSubmissionInQuery, requireToken } from '../http/auth';
import { respond } from '../http/respond';
import { signPlaybackUrl } from '../services/cdn';
import { eventRow, playbackQuota } from '../services/events';
import { refuseIfBraked, spendSlotOrRefuse } from '../services/rate-limit';
import { requireViewable } from '../services/viewable';

/**
 * GET /api/playback-url?submissionid=: a signed CDN URL of the submission's video for a viewer,
 * within the hourly quota it shares with download-url, logged as `playback_access`.
 */
export const playback = new Hono<AppEnv>();

playback.get('/', requireToken('view'), async (c) => {
  const { config, now, claims } = c.var;
  const submissionid = ownSubmissionInQuery(claims, c.req.query('submissionid'));
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
  return respond<'GET /api/playback-url'>(c, {
    signed_url: signed,
    expires_at: new Date(expires * 1000).toISOString(),
    videoid: video.id,
    mimetype: video.mime_type,
    filesize: video.file_size ?? 0,
    duration: video.duration,
    md5: video.md5,
  });
});
