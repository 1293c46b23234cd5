import { Hono } from 'hono';
import { EXPORT_URL_TTL_SECONDS, type ExportUrlResponse } from '../contract';
import { requireToken } from '../http/auth';
import { ApiError } from '../http/errors';
import type { AppEnv } from '../http/app-env';
import { int, readJsonObject } from '../http/validate';
import { tracksOf } from '../services/captions';
import { presignDownload } from '../services/download';
import { s3Client } from '../services/s3';
import { findById } from '../services/videos';

/**
 * Moodle's privacy export asks here for a link that lets the data subject download their
 * video: a presigned S3 GetObject (not the CDN: an export must work when playback is
 * restricted), answered as an attachment under the name they uploaded, valid 7 days; and one
 * such link for each of its caption files, saved as `{video name}.{language}.vtt`.
 */
export const exportUrl = new Hono<AppEnv>();

exportUrl.post('/export-url', requireToken('server'), async (c) => {
  const { config, now, claims } = c.var;
  const videoid = int(await readJsonObject(c), 'videoid', 1, Number.MAX_SAFE_INTEGER);
  const video = await findById(c.env.DB, claims.iss, videoid);
  if (!video) throw new ApiError('VIDEO_NOT_FOUND', `There is no video ${videoid}.`, 'videoid');
  if (video.upload_status === 'deleted') throw new ApiError('VIDEO_DELETED', `Video ${videoid} was deleted.`, 'videoid');
  if (video.upload_status !== 'ready') throw new ApiError('VIDEO_NOT_FOUND', `Video ${videoid} was never stored whole.`, 'videoid');
  const s3 = s3Client(config.s3);
  const url = await presignDownload(s3, video.s3_bucket, video.s3_key, video.filename, EXPORT_URL_TTL_SECONDS);
  const stem = video.filename.replace(/\.[^.]*$/, '');
  const captions = await Promise.all(
    (await tracksOf(c.env.DB, claims.iss, video.id)).map(async (t) => ({
      language: t.language,
      label: t.label,
      url: await presignDownload(s3, video.s3_bucket, t.s3_key, `${stem}.${t.language}.vtt`, EXPORT_URL_TTL_SECONDS),
    })),
  );
  return c.json<ExportUrlResponse>({
    url,
    expires_at: new Date((now + EXPORT_URL_TTL_SECONDS) * 1000).toISOString(),
    filename: video.filename,
    filesize: video.file_size,
    mimetype: video.mime_type,
    captions,
  });
});
