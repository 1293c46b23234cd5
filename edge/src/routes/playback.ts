import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { ownSubmissionInQuery, requireToken } from '../http/auth';
import { respond } from '../http/respond';
import { mediaOf } from '../media/facts';
import { signPlaybackUrl } from '../services/cdn';
import { signViewableLink } from '../services/viewable';

/**
 * GET /api/playback-url?submissionid=: a signed CDN URL of the submission's video for a viewer,
 * within the hourly quota it shares with download-url, logged as `playback_access`.
 */
export const playback = new Hono<AppEnv>();

playback.get('/', requireToken('view'), async (c) => {
  const { config, now, claims } = c.var;
  const submissionid = ownSubmissionInQuery(claims, c.req.query('submissionid'));
  const link = { env: c.env, viewer: claims, perHour: config.limits.playbacksPerHour, now };
  const expires = now + config.playbackUrlTtl;
  // The video's read and its slot (the playback_access event) are one D1 round trip; a CDN_ERROR spends nothing.
  const { video, url } = await signViewableLink(link, config.cdn, submissionid, 'playback_access', (v) =>
    signPlaybackUrl(config.cdn, v.s3_key, expires, c.req.header('CF-Connecting-IP')));
  return respond<'GET /api/playback-url'>(c, {
    signed_url: url,
    expires_at: new Date(expires * 1000).toISOString(),
    videoid: video.id,
    mimetype: video.mime_type,
    filesize: video.file_size ?? 0,
    duration: video.duration,
    md5: video.md5,
    media: mediaOf(video),
  });
});
