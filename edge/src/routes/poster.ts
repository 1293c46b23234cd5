import { Hono } from 'hono';
import { MAX_POSTER_BYTES } from '../contract';
import { ApiError } from '../errors';
import type { AppEnv } from '../http/app-env';
import { ownSubmissionInQuery, requireToken } from '../http/auth';
import { respond } from '../http/respond';
import { finalKeyOf, posterKeyOf } from '../services/object-keys';
import { putObject } from '../services/s3';
import { releasePoster, reservePoster } from '../services/video-states';
import { findOwnUpload } from '../services/videos';

/**
 * POST /api/poster?submissionid=&s3_key=<staging key>, body: the JPEG the uploader drew from an
 * early frame while the file travelled. The edge writes it itself, beside the final key
 * (`videos/…/poster.jpg`): the final prefix is never presigned, and a poster is small enough to
 * pass through the worker. Accepted once per upload, for the token's own upload while it is
 * pending: D1 reserves the key first (video-states.ts reservePoster) and only the request that
 * reserved it writes the object, so the key is written once and, whatever races confirm, the
 * poster is as fixed as the video. A second poster answers 409 POSTER_EXISTS. If the write
 * fails after the reservation the video simply has no poster (the player shows none); the
 * object, if any, is deleted with the video (video-objects.ts, the cleanup sweep).
 */
export const poster = new Hono<AppEnv>();

/** JPEG: SOI marker then a segment marker (JFIF/Exif/…), and EOI at the end (ISO/IEC 10918-1 B.1). */
function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
    && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
}

poster.post('/', requireToken('upload'), async (c) => {
  const { claims, s3 } = c.var;
  const submissionid = ownSubmissionInQuery(claims, c.req.query('submissionid'));
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
  if (video.poster_key) throw new ApiError('POSTER_EXISTS', 'This upload already has its poster.', 's3_key');
  const key = posterKeyOf(video.s3_key);
  if (!(await reservePoster(c.env.DB, video.id, key))) {
    // Confirmed, cancelled or given its poster by another request since the read above.
    const current = await findOwnUpload(c.env.DB, claims.iss, claims.sub, submissionid, final);
    if (current?.upload_status === 'pending') throw new ApiError('POSTER_EXISTS', 'This upload already has its poster.', 's3_key');
    throw new ApiError('UPLOAD_NOT_PENDING', 'A poster can only be added while the video is being uploaded.', 's3_key');
  }
  try {
    await putObject(s3, video.s3_bucket, key, bytes, 'image/jpeg');
  } catch (err) {
    await releasePoster(c.env.DB, video.id, key);
    throw err;
  }
  return respond<'POST /api/poster'>(c, { success: true, videoid: video.id });
});
