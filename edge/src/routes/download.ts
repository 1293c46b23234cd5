import { Hono } from 'hono';
import { DOWNLOAD_URL_TTL_SECONDS } from '../contract';
import type { AppEnv } from '../http/app-env';
import { ownSubmissionInQuery, requireToken } from '../http/auth';
import { respond } from '../http/respond';
import { signPlaybackUrl } from '../services/cdn';
import { dispositionQuery } from '../services/download';
import { signViewableLink } from '../services/viewable';

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
  const expires = now + DOWNLOAD_URL_TTL_SECONDS;
  // As playback-url: one D1 round trip for the video and the slot; a CDN_ERROR spends nothing.
  const { video, url } = await signViewableLink(link, config.cdn, submissionid, 'download', (v) =>
    signPlaybackUrl(config.cdn, v.s3_key, expires, c.req.header('CF-Connecting-IP'), dispositionQuery(v.filename)));
  return respond<'GET /api/download-url'>(c, {
    url,
    expires_at: new Date(expires * 1000).toISOString(),
    videoid: video.id,
    filename: video.filename,
    filesize: video.file_size ?? 0,
  });
});
