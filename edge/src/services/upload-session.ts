import { canonicalVideoType, MAX_POST_BYTES, MAX_UPLOAD_BYTES, VIDEO_TYPE_NAMES, type UploadClaims } from '../contract';
import type { Config } from '../config';
import { assertSameResource } from '../http/auth';
import { ApiError } from '../http/errors';
import { int, text, type Fields } from '../http/validate';
import { insertEvent } from './events';
import { extensionOf, isVideoExtension, objectKey } from './filenames';
import { enforceHourly } from './rate-limit';
import { insertPending } from './videos';

export interface UploadRequest {
  assignmentid: number;
  submissionid: number;
  filename: string;
  filesize: number;
  mimetype: string;
}

/** How the bytes will travel: one presigned POST, or S3 multipart (the only way above MAX_POST_BYTES). */
export type Transport = 'post' | 'multipart';

/**
 * The checks every upload session passes, whichever way its bytes then travel.
 * The type is the extension's one canonical type (`canonicalVideoType`): a listed alias,
 * an empty type or `application/octet-stream` map to it, a type contradicting the
 * extension is refused. Whether the bytes are a video is checked at confirm, on the object.
 */
export function parseUploadRequest(body: Fields, claims: UploadClaims, transport: Transport): UploadRequest {
  const assignmentid = int(body, 'assignmentid', 1, Number.MAX_SAFE_INTEGER);
  const submissionid = int(body, 'submissionid', 1, Number.MAX_SAFE_INTEGER);
  assertSameResource(claims, { assignmentid, submissionid });
  const filename = text(body, 'filename', 255);
  // An empty type is what a browser sends for a file its system has no type for.
  const reported = body.mimetype === '' ? '' : text(body, 'mimetype', 100);
  const filesize = int(body, 'filesize', 0, Number.MAX_SAFE_INTEGER);
  if (filesize < 1) throw new ApiError('INVALID_REQUEST', 'The file is empty.', 'filesize');
  if (filesize > claims.maxbytes) {
    const limit = claims.maxbytes === MAX_UPLOAD_BYTES ? '5 GB' : `${Math.floor(claims.maxbytes / 1024 ** 2)} MB`;
    throw new ApiError('FILE_TOO_LARGE', `The file is larger than this assignment's limit of ${limit}.`, 'filesize');
  }
  const ext = extensionOf(filename);
  const mimetype = isVideoExtension(ext) ? canonicalVideoType(ext, reported) : null;
  if (mimetype === null) {
    throw new ApiError('UNSUPPORTED_TYPE', `Only video files are allowed: ${VIDEO_TYPE_NAMES}.`, isVideoExtension(ext) ? 'mimetype' : 'filename');
  }
  // The store counts the whole POST body against its single-upload limit: never grant a POST it would refuse.
  if (transport === 'post' && filesize > MAX_POST_BYTES) {
    throw new ApiError('USE_MULTIPART', `Files over ${MAX_POST_BYTES / 1024 ** 3} GB are sent in parts: use /api/multipart/start.`, 'filesize');
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
