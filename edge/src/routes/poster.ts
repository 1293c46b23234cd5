import { Hono } from 'hono';
import { MAX_POSTER_BYTES } from '../contract';
import { ApiError } from '../errors';
import type { AppEnv } from '../http/app-env';
import { ownSubmissionInQuery, requireToken } from '../http/auth';
import { readBodyAtMost } from '../http/bounded-body';
import { respond } from '../http/respond';
import { finalKeyOf, posterKeyOf } from '../services/object-keys';
import { headObject, putObject } from '../services/s3';
import { releasePoster, reservePoster } from '../services/video-states';
import { findOwnUpload, type VideoRow } from '../services/videos';

/** Lower-case hex MD5, the form of a single PutObject's ETag. */
async function md5Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest('MD5', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * POST /api/poster?submissionid=&s3_key=<staging key>, body: the JPEG the uploader drew from an
 * early frame while the file travelled. The edge writes it itself, beside the final key
 * (`videos/…/poster.jpg`): the final prefix is never presigned, and a poster is small enough to
 * pass through the worker. Accepted once per upload, for the token's own upload while it is
 * pending: D1 reserves the key first (video-states.ts reservePoster) and only the request that
 * reserved it writes the object, so the key is written once and, whatever races confirm, the
 * poster is as fixed as the video. A second, different poster answers 409 POSTER_EXISTS (or
 * UPLOAD_NOT_PENDING once confirmed); the same image sent again once the first is stored answers
 * 200 as the first did (a retry whose answer was lost). A copy sent in parallel while the first
 * is still being written cannot tell yet and answers POSTER_EXISTS. If the write
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
  const bytes = await readBodyAtMost(c.req.raw.body, MAX_POSTER_BYTES);
  if (!bytes || !isJpeg(bytes)) {
    throw new ApiError('INVALID_POSTER', `A poster is a JPEG image of at most ${MAX_POSTER_BYTES} bytes.`);
  }
  const video = await findOwnUpload(c.env.DB, claims.iss, claims.sub, submissionid, final);
  if (!video) throw new ApiError('UPLOAD_NOT_FOUND', 'There is no such upload for this token.', 's3_key');
  const done = () => respond<'POST /api/poster'>(c, { success: true, videoid: video.id });
  /**
   * Why this request may not write the poster — unless the poster stored is this very image
   * (a repeat whose first answer was lost): then it answers what the first did. The stored
   * object's ETag is the MD5 of the edge's own single PutObject.
   */
  const refuse = async (current: VideoRow | null): Promise<Response> => {
    if (current?.poster_key && current.upload_status !== 'deleted' && current.upload_status !== 'error') {
      const stored = await headObject(s3, current.s3_bucket, current.poster_key);
      if (stored && stored.etag === (await md5Hex(bytes))) return done();
    }
    if (current?.upload_status === 'pending') throw new ApiError('POSTER_EXISTS', 'This upload already has its poster.', 's3_key');
    throw new ApiError('UPLOAD_NOT_PENDING', 'A poster can only be added while the video is being uploaded.', 's3_key');
  };
  if (video.upload_status !== 'pending' || video.poster_key) return refuse(video);
  const key = posterKeyOf(video.s3_key);
  if (!(await reservePoster(c.env.DB, video.id, key))) {
    // Confirmed, cancelled or given its poster by another request since the read above.
    return refuse(await findOwnUpload(c.env.DB, claims.iss, claims.sub, submissionid, final));
  }
  try {
    await putObject(s3, video.s3_bucket, key, bytes, 'image/jpeg');
  } catch (err) {
    await releasePoster(c.env.DB, video.id, key);
    throw err;
  }
  return done();
});
