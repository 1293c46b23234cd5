import { MAX_UPLOAD_BYTES, VIDEO_TYPE_NAMES, type UploadClaims } from '../contract';
import type { Config } from '../config';
import { assertSameResource } from '../http/auth';
import { ApiError } from '../http/errors';
import { int, text, type Fields } from '../http/validate';
import { insertEvent } from './events';
import { extensionOf, isVideoExtension, objectKey, typeMatchesExtension } from './filenames';
import { enforceHourly } from './rate-limit';
import { insertPending } from './videos';

export interface UploadRequest {
  assignmentid: number;
  submissionid: number;
  filename: string;
  filesize: number;
  mimetype: string;
}

/** The checks every upload session passes, whichever way its bytes then travel. */
export function parseUploadRequest(body: Fields, claims: UploadClaims): UploadRequest {
  const assignmentid = int(body, 'assignmentid', 1, Number.MAX_SAFE_INTEGER);
  const submissionid = int(body, 'submissionid', 1, Number.MAX_SAFE_INTEGER);
  assertSameResource(claims, { assignmentid, submissionid });
  const filename = text(body, 'filename', 255);
  const mimetype = text(body, 'mimetype', 100).toLowerCase();
  const filesize = int(body, 'filesize', 0, Number.MAX_SAFE_INTEGER);
  if (filesize < 1) throw new ApiError('INVALID_REQUEST', 'The file is empty.', 'filesize');
  if (filesize > claims.maxbytes) {
    const limit = claims.maxbytes === MAX_UPLOAD_BYTES ? '5 GB' : `${Math.floor(claims.maxbytes / 1024 ** 2)} MB`;
    throw new ApiError('FILE_TOO_LARGE', `The file is larger than this assignment's limit of ${limit}.`, 'filesize');
  }
  const ext = extensionOf(filename);
  if (!isVideoExtension(ext) || !typeMatchesExtension(ext, mimetype)) {
    throw new ApiError('UNSUPPORTED_TYPE', `Only video files are allowed: ${VIDEO_TYPE_NAMES}.`, isVideoExtension(ext) ? 'mimetype' : 'filename');
  }
  return { assignmentid, submissionid, filename, filesize, mimetype };
}

/**
 * Opens an upload session: spends one of the user's hourly sessions, makes
 * the key, lets `open` prepare S3 for it (a POST policy or a multipart
 * upload), then records it as pending with an `upload_start` event.
 */
export async function beginUpload(
  env: { DB: D1Database; RATE_LIMITS: KVNamespace },
  config: Config,
  claims: UploadClaims,
  req: UploadRequest,
  now: number,
  open: (key: string) => Promise<{ multipartUploadId: string | null }>,
): Promise<{ key: string; expires: number }> {
  await enforceHourly(env.RATE_LIMITS, 'upload', claims, config.limits.uploadsPerHour, now);
  const key = objectKey(claims.sub, Date.now(), req.filename);
  const { multipartUploadId } = await open(key);
  const expires = now + config.uploadUrlTtl;
  await env.DB.batch([
    insertPending(env.DB, {
      site: claims.iss,
      courseid: claims.courseid,
      assignmentid: req.assignmentid,
      submissionid: req.submissionid,
      userid: claims.sub,
      s3_key: key,
      s3_bucket: config.s3.bucket,
      filename: req.filename,
      file_size: req.filesize,
      mime_type: req.mimetype,
      coursename: claims.coursename ?? null,
      assignmentname: claims.assignmentname ?? null,
      fullname: claims.fullname ?? null,
      upload_timestamp: now,
      presign_expires: expires,
      multipart_upload_id: multipartUploadId,
    }),
    insertEvent(env.DB, {
      site: claims.iss, userid: claims.sub, user_role: claims.role, event_type: 'upload_start',
      assignmentid: req.assignmentid, submissionid: req.submissionid, s3_key: key, file_size: req.filesize,
      error_context: multipartUploadId ? { multipart: true } : null, timestamp: now,
    }),
  ]);
  return { key, expires };
}
