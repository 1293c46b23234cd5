import { Hono } from 'hono';
import {
  MAX_PARTS_PER_SIGN,
  partSizeFor,
  type MultipartCompleteResponse,
  type MultipartPartsResponse,
  type MultipartSignResponse,
  type MultipartStartResponse,
  type UploadClaims,
} from '../contract';
import { assertSameResource, requireToken } from '../http/auth';
import { ApiError } from '../http/errors';
import type { AppEnv } from '../http/app-env';
import { int, queryInt, readJsonObject, text, type Fields } from '../http/validate';
import { abortMultipart, completeMultipart, createMultipart, headObject, listParts, presignParts, s3Client } from '../services/s3';
import { beginUpload, parseUploadRequest } from '../services/upload-session';
import { findOwnUpload, type VideoRow } from '../services/videos';

/**
 * Large files as S3 multipart uploads: parts go straight to S3 on presigned
 * PUTs, in parallel, each retried alone, and an interrupted upload resumes
 * from the parts S3 already holds. S3 cannot pin a total size on multipart
 * the way a POST policy does, so `complete` checks every part against the
 * declared size before it assembles anything.
 */
export const multipart = new Hono<AppEnv>();
multipart.use('*', requireToken('upload'));

const partCount = (filesize: number) => Math.ceil(filesize / partSizeFor(filesize));
/** Cleanup abandons an upload idle past its last signature plus the grace: until then it resumes. */
const resumableUntil = (signedUntil: number, graceHours: number) => new Date((signedUntil + graceHours * 3600) * 1000).toISOString();

/** The token's own multipart upload that is still open, or the reason it is not. */
async function openUpload(db: D1Database, claims: UploadClaims, body: { submissionid: number; key: string }): Promise<VideoRow> {
  const video = await findOwnUpload(db, claims.iss, claims.sub, body.submissionid, body.key);
  if (!video || video.upload_status === 'deleted') {
    throw new ApiError('UPLOAD_NOT_FOUND', 'No upload of yours has this key; start the upload again.', 's3_key');
  }
  if (video.upload_status !== 'pending' || !video.multipart_upload_id) {
    const state = video.upload_status === 'pending' ? 'already assembled; confirm it' : video.upload_status;
    throw new ApiError('UPLOAD_NOT_PENDING', `This upload is no longer open (${state}).`, 's3_key');
  }
  return video;
}

function target(body: Fields, claims: UploadClaims): { submissionid: number; key: string } {
  const assignmentid = int(body, 'assignmentid', 1, Number.MAX_SAFE_INTEGER);
  const submissionid = int(body, 'submissionid', 1, Number.MAX_SAFE_INTEGER);
  assertSameResource(claims, { assignmentid, submissionid });
  return { submissionid, key: text(body, 's3_key', 1024) };
}

multipart.post('/start', async (c) => {
  const claims = c.var.claims as UploadClaims;
  const { config, now } = c.var;
  const req = parseUploadRequest(await readJsonObject(c), claims, 'multipart');
  const s3 = s3Client(config.s3);
  let uploadId = '';
  const { key, expires } = await beginUpload(c.env, config, claims, req, now, async (key) => {
    uploadId = await createMultipart(s3, config.s3.bucket, key, req.mimetype);
    return { multipartUploadId: uploadId };
  });
  return c.json<MultipartStartResponse>(
    {
      s3_key: key,
      upload_id: uploadId,
      part_size: partSizeFor(req.filesize),
      part_count: partCount(req.filesize),
      resumable_until: resumableUntil(expires, config.abandonedGraceHours),
    },
    201,
  );
});

multipart.post('/sign-parts', async (c) => {
  const claims = c.var.claims as UploadClaims;
  const { config, now } = c.var;
  const body = await readJsonObject(c);
  const video = await openUpload(c.env.DB, claims, target(body, claims));
  const numbers = body.part_numbers;
  const count = partCount(video.file_size!);
  if (!Array.isArray(numbers) || numbers.length < 1 || numbers.length > MAX_PARTS_PER_SIGN) {
    throw new ApiError('INVALID_REQUEST', `part_numbers must list 1 to ${MAX_PARTS_PER_SIGN} parts.`, 'part_numbers');
  }
  if (!numbers.every((n) => Number.isSafeInteger(n) && n >= 1 && n <= count)) {
    throw new ApiError('INVALID_REQUEST', `part_numbers must be whole numbers from 1 to ${count}.`, 'part_numbers');
  }
  const urls = await presignParts(s3Client(config.s3), config.s3.bucket, video.s3_key, video.multipart_upload_id!, numbers as number[], config.uploadUrlTtl);
  // An upload that keeps asking for parts is alive: cleanup only abandons idle ones.
  const expires = now + config.uploadUrlTtl;
  await c.env.DB.prepare('UPDATE videos SET presign_expires = MAX(presign_expires, ?) WHERE id = ?').bind(expires, video.id).run();
  return c.json<MultipartSignResponse>({
    urls,
    expires_at: new Date(expires * 1000).toISOString(),
    resumable_until: resumableUntil(Math.max(expires, video.presign_expires), config.abandonedGraceHours),
  });
});

multipart.get('/parts', async (c) => {
  const claims = c.var.claims as UploadClaims;
  const submissionid = queryInt(c.req.query('submissionid'), 'submissionid', 1, Number.MAX_SAFE_INTEGER);
  assertSameResource(claims, { submissionid });
  const key = c.req.query('s3_key');
  if (!key) throw new ApiError('INVALID_REQUEST', 's3_key is required.', 's3_key');
  const video = await openUpload(c.env.DB, claims, { submissionid, key });
  const parts = await listParts(s3Client(c.var.config.s3), video.s3_bucket, video.s3_key, video.multipart_upload_id!);
  if (!parts) throw new ApiError('UPLOAD_NOT_PENDING', 'Storage no longer holds this upload; start again.', 's3_key');
  return c.json<MultipartPartsResponse>({ parts });
});

multipart.post('/complete', async (c) => {
  const claims = c.var.claims as UploadClaims;
  const { config } = c.var;
  const s3 = s3Client(config.s3);
  const where = target(await readJsonObject(c), claims);
  const existing = await findOwnUpload(c.env.DB, claims.iss, claims.sub, where.submissionid, where.key);
  // Completing twice (a retry after a lost answer) finds the object already assembled.
  if (existing && existing.upload_status === 'pending' && !existing.multipart_upload_id && (await headObject(s3, existing.s3_bucket, existing.s3_key))) {
    return c.json<MultipartCompleteResponse>({ success: true, s3_key: existing.s3_key, part_count: partCount(existing.file_size!) });
  }
  const video = await openUpload(c.env.DB, claims, where);
  const parts = await listParts(s3, video.s3_bucket, video.s3_key, video.multipart_upload_id!);
  if (!parts) throw new ApiError('UPLOAD_NOT_PENDING', 'Storage no longer holds this upload; start again.', 's3_key');
  const count = partCount(video.file_size!);
  const size = partSizeFor(video.file_size!);
  const missing = count - new Set(parts.map((p) => p.part_number)).size;
  if (missing > 0) throw new ApiError('OBJECT_NOT_UPLOADED', `${missing} of ${count} parts have not reached storage yet.`, 's3_key');
  for (const p of parts) {
    const expected = p.part_number < count ? size : video.file_size! - size * (count - 1);
    if (p.size !== expected) {
      throw new ApiError('SIZE_MISMATCH', `Part ${p.part_number} holds ${p.size} bytes, not ${expected}; send it again.`, 's3_key');
    }
  }
  await completeMultipart(s3, video.s3_bucket, video.s3_key, video.multipart_upload_id!, parts);
  await c.env.DB.prepare('UPDATE videos SET multipart_upload_id = NULL WHERE id = ?').bind(video.id).run();
  return c.json<MultipartCompleteResponse>({ success: true, s3_key: video.s3_key, part_count: count });
});

multipart.post('/abort', async (c) => {
  const claims = c.var.claims as UploadClaims;
  const video = await openUpload(c.env.DB, claims, target(await readJsonObject(c), claims));
  await abortMultipart(s3Client(c.var.config.s3), video.s3_bucket, video.s3_key, video.multipart_upload_id!);
  await c.env.DB.prepare(`UPDATE videos SET upload_status = 'error', error_message = 'cancelled', multipart_upload_id = NULL WHERE id = ?`)
    .bind(video.id).run();
  return c.json({ success: true });
});
