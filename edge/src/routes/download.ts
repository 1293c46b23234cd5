import { Hono } from 'hono';
import { DOWNLOAD_URL_TTL_SECONDS } from '../contract';
import type { AppEnv } from '../http/app-env';
import { ownSubmissionInQuery, requireToken } from '../http/auth';
import { respond } from '../http/respond';
import { checkSigningKey, signPlaybackUrl } from '../services/cdn';
import { dispositionQuery } from '../services/download';
import { releaseLink, spendViewableLink } from '../services/viewable';

/**
 * GET /api/download-url?submissionid=: the teacher's (or owner's) way to keep the file, and the
 * way out when their browser cannot play it. Allowed exactly when playback-url is — the same
 * view token, the same video (services/viewable.ts), the same hourly quota (a download and a
 * playback are one budget: services/events.ts) — and logged as a `download` event, which is the
 * quota's slot. The URL is a CloudFront one, like playback's, whose signed query carries
 * `response-content-disposition`: the distribution forwards that one parameter to S3 (README,
 * "CloudFront"), and S3 answers `Content-Disposition: attachment` with the uploaded name.
 */
export const download = new Hono<AppEnv>();

download.get('/', requireToken('view'), async (c) => {
  const { config, now, claims } = c.var;
  const submissionid = ownSubmissionInQuery(claims, c.req.query('submissionid'));
  const link = { env: c.env, viewer: claims, perHour: config.limits.playbacksPerHour, now };
  // As playback-url: a key that cannot sign fails before the slot, and a signature that fails
  // anyway gives the slot back, so a CDN_ERROR spends nothing.
  await checkSigningKey(config.cdn);
  const spent = await spendViewableLink(link, submissionid, 'download');
  const { video } = spent;
  const expires = now + DOWNLOAD_URL_TTL_SECONDS;
  const url = await signPlaybackUrl(config.cdn, video.s3_key, expires, c.req.header('CF-Connecting-IP'), dispositionQuery(video.filename)).catch(async (err: unknown) => {
    await releaseLink(link, spent);
    throw err;
  });
  return respond<'GET /api/download-url'>(c, {
    url,
    expires_at: new Date(expires * 1000).toISOString(),
    videoid: video.id,
    filename: video.filename,
    filesize: video.file_size ?? 0,
  });
});
