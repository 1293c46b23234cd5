import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { ownSubmissionInQuery, requireToken } from '../http/auth';
import { respond } from '../http/respond';
import { mediaOf } from '../media/facts';
import { checkSigningKey, signPlaybackUrl } from '../services/cdn';
import { releaseLink, spendViewableLink } from '../services/viewable';

/**
 * GET /api/playback-url?submissionid=: a signed CDN URL of the submission's video for a viewer,
 * within the hourly quota it shares with download-url, logged as `playback_access`.
 */
export const playback = new Hono<AppEnv>();

playback.get('/', requireToken('view'), async (c) => {
  const { config, now, claims } = c.var;
  const submissionid = ownSubmissionInQuery(claims, c.req.query('submissionid'));
  const link = { env: c.env, viewer: claims, perHour: config.limits.playbacksPerHour, now };
  // A key that cannot sign fails here, before the slot: a CDN_ERROR spends nothing.
  await checkSigningKey(config.cdn);
  // The video's read and its slot (the playback_access event): one D1 round trip.
  const spent = await spendViewableLink(link, submissionid, 'playback_access');
  const { video } = spent;
  const expires = now + config.playbackUrlTtl;
  const signed = await signPlaybackUrl(config.cdn, video.s3_key, expires, c.req.header('CF-Connecting-IP')).catch(async (err: unknown) => {
    await releaseLink(link, spent);
    throw err;
  });
  return respond<'GET /api/playback-url'>(c, {
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
