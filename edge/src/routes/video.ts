import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { ownSubmissionInQuery, requireToken } from '../http/auth';
import { respond } from '../http/respond';
import { mediaOf } from '../media/facts';
import { currentVideo } from '../services/videos';

/**
 * GET /api/video?submissionid=: what the uploader shows before a replace, the submission's
 * current video without a link to it. No video is `{video: null}` and a deleted one comes with its status, both 200: an
 * empty form asks this every time, and an error status would be a red line in its console.
 */
export const video = new Hono<AppEnv>();

video.get('/', requireToken('upload', 'view'), async (c) => {
  const { claims } = c.var;
  const submissionid = ownSubmissionInQuery(claims, c.req.query('submissionid'));
  const current = await currentVideo(c.env.DB, claims.iss, submissionid);
  if (!current) return respond<'GET /api/video'>(c, { video: null });
  return respond<'GET /api/video'>(c, {
    video: {
      videoid: current.id,
      filename: current.filename,
      filesize: current.file_size ?? 0,
      duration: current.duration,
      mimetype: current.mime_type,
      status: current.upload_status,
      uploaded_at: new Date((current.confirmed_timestamp ?? current.upload_timestamp) * 1000).toISOString(),
      claimed: current.claimed_timestamp !== null,
      md5: current.md5,
      deleted_at: current.deleted_timestamp === null ? null : new Date(current.deleted_timestamp * 1000).toISOString(),
      media: mediaOf(current),
    },
  });
});
