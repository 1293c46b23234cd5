import { Hono } from 'hono';
import { MAX_PARTS_PER_SIGN, MAX_SIGNATURES_PER_PART, partSizeFor, type UploadClaims } from '../contract';
import { ApiError } from '../errors';
import type { AppEnv } from '../http/app-env';
import { ownIdsInBody, ownSubmissionInQuery, requireToken } from '../http/auth';
import { respond } from '../http/respond';
import { parseUploadRequest } from '../http/upload-request';
import { readJsonObject, text, type Fields } from '../http/validate';
import { finalKeyOf, stagingKeyOf } from '../services/object-keys';
import { completeMultipart, headObject, listParts, presignParts, type PartToSign } from '../services/s3';
import { openMultipartUpload } from '../services/upload-session';
import { removeObjects } from '../services/video-objects';
import { CANCELLED, cancel, clearMultipartUploadId, markAssembled, spendSignatures } from '../services/video-states';
import { findOwnUpload, type VideoRow } from '../services/videos';

/**
 * Large files as S3 multipart uploads: parts go straight to S3 on presigned
 * PUTs, in parallel, each retried alone, and an interrupted upload resumes
 * from the parts S3 already holds. Each part URL is signed with the part's
 * exact length and the MD5 the browser computed, so S3 itself refuses any
 * other body; `complete` still checks every part against the declared size
 * before it assembles anything. Everything here works on the staging key
 * (`s3_key` in requests and answers); confirm copies it to the final key.
 * Records change only through `video-states`.
 */
export const multipart = new Hono<AppEnv>();

const partCount = (filesize: number) => Math.ceil(filesize / partSizeFor(filesize));
/**
 * Cleanup abandons an upload idle past its last signature plus the grace: until then it resumes,
 * but never past the bucket's AbortIncompleteMultipartUpload rule, which counts days from the
 * upload's start however active it is (S3 User Guide, "Configuring a bucket lifecycle
 * configuration to delete incomplete multipart uploads"). Seconds in, ISO 8601 out.
 */
const resumableUntil = (signedUntil: number, graceHours: number, startedAt: number, abortAfterDays: number) =>
  new Date(Math.min(signedUntil + graceHours * 3600, startedAt + abortAfterDays * 86400) * 1000).toISOString();

/** The token's own upload of this staging key, if any. */
async function ownUpload(db: D1Database, claims: UploadClaims, body: { submissionid: number; key: string }): Promise<VideoRow | null> {
  const final = finalKeyOf(body.key);
  return final ? findOwnUpload(db, claims.iss, claims.sub, body.submissionid, final) : null;
}

/** A part's exact length: the part size for all but the last, the remainder for the last. */
const partLength = (filesize: number, n: number) => Math.min(partSizeFor(filesize), filesize - (n - 1) * partSizeFor(filesize));
/** Content-MD5 (RFC 1864): the base64 of 16 bytes, canonical (the 2 spare bits zero), so one digest has one spelling. */
const CONTENT_MD5 = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

function refuseParts(message: string): never {
  throw new ApiError('INVALID_REQUEST', message, 'parts');
}

/** `parts` of a sign-parts request: 1…MAX_PARTS_PER_SIGN distinct parts of this upload, each with its Content-MD5. */
function partsToSign(value: unknown, filesize: number): PartToSign[] {
  const count = partCount(filesize);
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_PARTS_PER_SIGN) refuseParts(`parts must list 1 to ${MAX_PARTS_PER_SIGN} parts.`);
  const seen = new Set<number>();
  return value.map((item: unknown) => {
    const { part_number: n, md5 } = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > count) refuseParts(`Each part_number must be a whole number from 1 to ${count}.`);
    if (typeof md5 !== 'string' || !CONTENT_MD5.test(md5)) refuseParts('Each md5 must be the base64 MD5 of the part (24 characters, RFC 1864).');
    if (seen.has(n)) refuseParts(`Part ${n} is listed twice.`);
    seen.add(n);
    return { number: n, length: partLength(filesize, n), md5 };
  });
}

/** The token's own multipart upload that is still open, or the reason it is not. */
async function openUpload(db: D1Database, claims: UploadClaims, body: { submissionid: number; key: string }): Promise<VideoRow> {
  return requireOpen(await ownUpload(db, claims, body));
}

/** The record, if it is a multipart upload still open, or the reason it is not. */
function requireOpen(video: VideoRow | null): VideoRow {
  if (!video || video.upload_status === 'deleted') {
    throw new ApiError('UPLOAD_NOT_FOUND', 'No upload of yours has this key; start the upload again.', 's3_key');
  }
  if (video.upload_status !== 'pending' || !video.multipart_upload_id) {
    const state = video.upload_status !== 'pending' ? video.upload_status
      : video.assembled_timestamp !== null ? 'already assembled; confirm it' : 'not a multipart upload';
    throw new ApiError('UPLOAD_NOT_PENDING', `This upload is no longer open (${state}).`, 's3_key');
  }
  return video;
}

/** Cancelled by its uploader's abort (the row is the token's own: ownUpload). */
const isCancelled = (video: VideoRow): boolean => video.upload_status === 'error' && video.error_message === CANCELLED;

/** The reason a record that could not move on is not open (rows never return to open). */
function notOpen(video: VideoRow | null): never {
  requireOpen(video);
  throw new ApiError('UPLOAD_NOT_PENDING', 'This upload is no longer open.', 's3_key');
}

/** The upload a body names ({@link MultipartUploadRequest}): the token's submission, by its staging key. */
function target(body: Fields, claims: UploadClaims): { submissionid: number; key: string } {
  const { submissionid } = ownIdsInBody(claims, body, 'assignmentid', 'submissionid');
  return { submissionid, key: text(body, 's3_key', 1024) };
}

multipart.post('/start', requireToken('upload'), async (c) => {
  const { config, now, claims, s3 } = c.var;
  const req = parseUploadRequest(await readJsonObject(c), claims, 'multipart');
  const { staging, expires, uploadId } = await openMultipartUpload({ db: c.env.DB, s3, config, claims, now }, req);
  return respond<'POST /api/multipart/start'>(
    c,
    {
      s3_key: staging,
      upload_id: uploadId,
      part_size: partSizeFor(req.filesize),
      part_count: partCount(req.filesize),
      resumable_until: resumableUntil(expires, config.abandonedGraceHours, now, config.multipartAbortAfterDays),
    },
    201,
  );
});

multipart.post('/sign-parts', requireToken('upload'), async (c) => {
  const { config, now, claims, s3 } = c.var;
  const body = await readJsonObject(c);
  const video = await openUpload(c.env.DB, claims, target(body, claims));
  const parts = partsToSign(body.parts, video.file_size!);
  const urls = await presignParts(s3, config.s3.bucket, stagingKeyOf(video.s3_key), video.multipart_upload_id!, parts, config.uploadUrlTtl);
  // An upload that keeps asking for parts is alive: cleanup only abandons idle ones.
  const expires = now + config.uploadUrlTtl;
  const budget = partCount(video.file_size!) * MAX_SIGNATURES_PER_PART;
  if (!(await spendSignatures(c.env.DB, video.id, parts.length, budget, expires))) {
    // Not 429: no wait would help, the budget lasts the session's life. A new session starts afresh
    // (the uploader does that by itself once), and sessions are what the hourly upload limit counts.
    throw new ApiError('UPLOAD_NOT_PENDING', `This upload has used the ${MAX_SIGNATURES_PER_PART} signatures each of its parts may get (or was closed meanwhile); start it again.`, 'parts');
  }
  return respond<'POST /api/multipart/sign-parts'>(c, {
    urls,
    expires_at: new Date(expires * 1000).toISOString(),
    resumable_until: resumableUntil(Math.max(expires, video.presign_expires), config.abandonedGraceHours, video.upload_timestamp, config.multipartAbortAfterDays),
  });
});

multipart.get('/parts', requireToken('upload'), async (c) => {
  const { claims, s3 } = c.var;
  const submissionid = ownSubmissionInQuery(claims, c.req.query('submissionid'));
  const key = c.req.query('s3_key');
  if (!key) throw new ApiError('INVALID_REQUEST', 's3_key is required.', 's3_key');
  const video = await openUpload(c.env.DB, claims, { submissionid, key });
  const parts = await listParts(s3, video.s3_bucket, stagingKeyOf(video.s3_key), video.multipart_upload_id!);
  if (!parts) throw new ApiError('UPLOAD_NOT_PENDING', 'Storage no longer holds this upload; start again.', 's3_key');
  return respond<'GET /api/multipart/parts'>(c, { parts });
});

/**
 * Assembles the parts once every one is present with the size the declared file size implies.
 * Idempotent, also across a crash between S3's answer and the record: when S3 no longer has
 * the upload but the staging object exists with the declared size, that object is this
 * upload's (no other grant names the key), so it is recorded as assembled.
 */
multipart.post('/complete', requireToken('upload'), async (c) => {
  const { now, claims, s3 } = c.var;
  const db = c.env.DB;
  const where = target(await readJsonObject(c), claims);
  const video = await ownUpload(db, claims, where);
  if (!video || video.upload_status === 'deleted') {
    throw new ApiError('UPLOAD_NOT_FOUND', 'No upload of yours has this key; start the upload again.', 's3_key');
  }
  const count = partCount(video.file_size!);
  const done = () => respond<'POST /api/multipart/complete'>(c, { success: true, s3_key: where.key, part_count: count });
  const isAssembled = (v: VideoRow) => v.upload_status === 'ready' || (v.upload_status === 'pending' && v.assembled_timestamp !== null);
  if (isAssembled(video)) return done();
  /**
   * S3 assembled the upload: 200 only if the record says so now (this call's markAssembled or a
   * parallel one's); when an abort cancelled it first, the upload is not complete, and this call
   * answers what a later one would (its object goes with the cancelled record).
   */
  const recorded = async (): Promise<Response> => {
    if (await markAssembled(db, video.id, now)) return done();
    const current = await ownUpload(db, claims, where);
    if (current && isAssembled(current)) return done();
    if (current) await removeObjects(s3, db, current);
    return notOpen(current);
  };
  /** S3 says the upload is gone: assembled already (by us, before a crash or in parallel) or aborted. */
  const assembledAlready = async (): Promise<boolean> => {
    const head = await headObject(s3, video.s3_bucket, where.key);
    return head !== null && head.size === video.file_size;
  };
  // The record read above, not a second read: a parallel complete may assemble the upload in
  // between, and S3 (NoSuchUpload below) then says so rather than a stale "no longer open".
  const open = requireOpen(video);
  const parts = await listParts(s3, open.s3_bucket, where.key, open.multipart_upload_id!);
  if (!parts) {
    if (await assembledAlready()) return recorded();
    throw new ApiError('UPLOAD_NOT_PENDING', 'Storage no longer holds this upload; start again.', 's3_key');
  }
  const size = partSizeFor(open.file_size!);
  const missing = count - new Set(parts.map((p) => p.part_number)).size;
  if (missing > 0) throw new ApiError('OBJECT_NOT_UPLOADED', `${missing} of ${count} parts have not reached storage yet.`, 's3_key');
  for (const p of parts) {
    const expected = p.part_number < count ? size : open.file_size! - size * (count - 1);
    if (p.size !== expected) {
      throw new ApiError('SIZE_MISMATCH', `Part ${p.part_number} holds ${p.size} bytes, not ${expected}; send it again.`, 's3_key');
    }
  }
  try {
    await completeMultipart(s3, open.s3_bucket, where.key, open.multipart_upload_id!, parts);
  } catch (err) {
    // A parallel complete may have assembled it first; S3's state is the truth.
    if (await assembledAlready()) return recorded();
    // Or an abort cancelled it meanwhile: answer what any later complete will.
    const current = await ownUpload(db, claims, where);
    if (current && isAssembled(current)) return done();
    if (!current || current.upload_status !== 'pending') notOpen(current);
    throw err;
  }
  return recorded();
});

/**
 * Cancels the upload and removes its parts. Idempotent: an upload this user already cancelled
 * answers 200 again (its objects removed again, so every 200 means they are gone), so repeated
 * and parallel aborts get the same answer. An abort that loses to a complete (S3 assembled the
 * upload first) changes nothing and answers 409 `UPLOAD_NOT_PENDING`, as a later one would:
 * the upload is complete and confirm or cleanup ends it.
 */
multipart.post('/abort', requireToken('upload'), async (c) => {
  const { config, now, claims, s3 } = c.var;
  const db = c.env.DB;
  const where = target(await readJsonObject(c), claims);
  let video = await ownUpload(db, claims, where);
  if (!video || !isCancelled(video)) {
    const open = requireOpen(video);
    // The record first: once it is `error` no complete or confirm can move it on; then its objects go.
    if (await cancel(db, open.id, { now, grace: config.abandonedGraceHours * 3600 })) {
      video = open;
    } else {
      // Changed since the read: a parallel abort cancelled it (same answer) or a complete assembled it.
      video = await ownUpload(db, claims, where);
      if (!video || !isCancelled(video)) notOpen(video);
    }
  }
  const cancelled = video!;
  await removeObjects(s3, db, cancelled);
  if (cancelled.multipart_upload_id) await clearMultipartUploadId(db, cancelled.id, cancelled.multipart_upload_id);
  return respond<'POST /api/multipart/abort'>(c, { success: true });
});
