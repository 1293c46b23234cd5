import { Hono } from 'hono';
import { DOWNLOAD_URL_TTL_SECONDS, type DownloadUrlResponse, type ViewClaims } from '../contract';
import { assertSameResource, requireToken } from '../http/auth';
import type { AppEnv } from '../http/app-env';
import { queryInt } from '../http/validate';
import { signPlaybackUrl } from '../services/cdn';
import { dispositionQuery } from '../services/download';
import { eventRow, playbackQuota } from '../services/events';
import { refuseIfBraked, spendSlotOrRefuse } from '../services/rate-limit';
import { requireViewable } from '../services/viewable';

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

download.get('/download-url', requireToken('view'), async (c) => {
  const claims = c.var.claims as ViewClaims;
  const { config, now } = c.var;
  const submissionid = queryInt(c.req.query('submissionid'), 'submissionid', 1, Number.MAX_SAFE_INTEGER);
  assertSameResource(claims, { submissionid });
  const quota = playbackQuota(claims, config.limits.playbacksPerHour, now);
  await refuseIfBraked(c.env.RATE_LIMITS, quota);
  const video = await requireViewable(c.env.DB, claims.iss, submissionid);

  // Signing can fail (CDN_ERROR): it comes before the slot, so a failure spends nothing.
  const expires = now + DOWNLOAD_URL_TTL_SECONDS;
  const url = await signPlaybackUrl(config.cdn, video.s3_key, expires, c.req.header('CF-Connecting-IP'), dispositionQuery(video.filename));
  await spendSlotOrRefuse(c.env.DB, c.env.RATE_LIMITS, quota, {
    table: 'events',
    row: eventRow({
      site: claims.iss, userid: claims.sub, user_role: claims.role, event_type: 'download',
      assignmentid: video.assignmentid, submissionid, s3_key: video.s3_key, file_size: video.file_size, timestamp: now,
    }),
  });
  return c.json<DownloadUrlResponse>({
    url,
    expires_at: new Date(expires * 1000).toISOString(),
    videoid: video.id,
    filename: video.filename,
    filesize: video.file_size ?? 0,
  });
});
