import { Hono } from 'hono';
import { MAX_POSTER_BYTES, type PosterResponse, type UploadClaims } from '../contract';
import { assertSameResource, requireToken } from '../http/auth';
import { ApiError } from '../http/errors';
import type { AppEnv } from '../http/app-env';
import { queryInt } from '../http/validate';
import { finalKeyOf, posterKeyOf } from '../services/object-keys';
import { deleteObjects, putObject, s3Client } from '../services/s3';
import { attachPoster } from '../services/video-states';
import { findOwnUpload } from '../services/videos';

/**
 * POST /api/poster?submissionid=&s3_key=<staging key>, body: the JPEG the uploader drew from an
 * early frame while the file travelled. The edge writes it itself, beside the final key
 * (`videos/…/poster.jpg`): the final prefix is never presigned, and a poster is small enough to
 * pass through the worker. Accepted only for the token's own upload while it is pending, so
 * once confirmed the poster is as fixed as the video; deleted with the video (video-objects.ts,
 * the cleanup sweep).
 */
export const poster = new Hono<AppEnv>();

/** JPEG: SOI marker then a segment marker (JFIF/Exif/…), and EOI at the end (ISO/IEC 10918-1 B.1). */
function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
    && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
}

poster.post('/poster', requireToken('upload'), async (c) => {
  const claims = c.var.claims as UploadClaims;
  const submissionid = queryInt(c.req.query('submissionid'), 'submissionid', 1, Number.MAX_SAFE_INTEGER);
  assertSameResource(claims, { submissionid });
  const final = finalKeyOf(c.req.query('s3_key') ?? '');
  if (!final) throw new ApiError('INVALID_REQUEST', 's3_key must be the upload\'s key.', 's3_key');
  const declared = Number(c.req.header('Content-Length') ?? 0);
  if (declared > MAX_POSTER_BYTES) throw new ApiError('INVALID_POSTER', `A poster is at most ${MAX_POSTER_BYTES} bytes.`);
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length > MAX_POSTER_BYTES || !isJpeg(bytes)) {
    throw new ApiError('INVALID_POSTER', `A poster is a JPEG image of at most ${MAX_POSTER_BYTES} bytes.`);
  }
  const video = await findOwnUpload(c.env.DB, claims.iss, claims.sub, submissionid, final);
  if (!video) throw new ApiError('UPLOAD_NOT_FOUND', 'There is no such upload for this token.', 's3_key');
  if (video.upload_status !== 'pending') {
    throw new ApiError('UPLOAD_NOT_PENDING', 'A poster can only be added while the video is being uploaded.', 's3_key');
  }
  const s3 = s3Client(c.var.config.s3);
  const key = posterKeyOf(video.s3_key);
  await putObject(s3, video.s3_bucket, key, bytes, 'image/jpeg');
  if (!(await attachPoster(c.env.DB, video.id, key))) {
    // Confirmed, cancelled or deleted meanwhile: a confirmed video keeps what it had; otherwise
    // the poster must not outlive the session (the sweep would remove it too).
    const current = await findOwnUpload(c.env.DB, claims.iss, claims.sub, submissionid, final);
    if (current?.poster_key !== key) await deleteObjects(s3, video.s3_bucket, [key]);
    throw new ApiError('UPLOAD_NOT_PENDING', 'A poster can only be added while the video is being uploaded.', 's3_key');
  }
  return c.json<PosterResponse>({ success: true, videoid: video.id });
});
