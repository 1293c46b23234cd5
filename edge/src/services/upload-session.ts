import { canonicalVideoType, MAX_POST_BYTES, MAX_UPLOAD_BYTES, VIDEO_TYPE_NAMES, type UploadClaims } from '../contract';
import type { Config } from '../config';
import { assertSameResource } from '../http/auth';
import { ApiError } from '../errors';
import { rateLimited } from './rate-limit';
import { int, text, type Fields } from '../http/validate';
import { extensionOf, isVideoExtension } from './filenames';
import { newUploadKeys, type UploadKeys } from './object-keys';
import { fail, insertPending } from './video-states';

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
 * Opens an upload session: makes its keys, records it as pending (with `upload_start`) only
 * if the user has a session left this hour — one conditional statement, exact under any burst —
 * then lets `open` prepare S3 for the staging key (a POST policy or a multipart upload). If
 * that fails, the session ends as `error` and gives its slot back: an outage spends no quota.
 */
export async function beginUpload<T>(
  env: { DB: D1Database },
  config: Config,
  claims: UploadClaims,
  req: UploadRequest,
  now: number,
  kind: 'post' | 'multipart',
  open: (stagingKey: string, id: number) => Promise<T>,
): Promise<{ keys: UploadKeys; expires: number; opened: T }> {
  const keys = newUploadKeys(claims.sub, Date.now(), req.filename);
  const expires = now + config.uploadUrlTtl;
  const admission = await insertPending(
    env.DB,
    {
      site: claims.iss,
      courseid: claims.courseid,
      assignmentid: req.assignmentid,
      submissionid: req.submissionid,
      userid: claims.sub,
      s3_key: keys.final,
      s3_bucket: config.s3.bucket,
      filename: req.filename,
      file_size: req.filesize,
      mime_type: req.mimetype,
      coursename: claims.coursename ?? null,
      assignmentname: claims.assignmentname ?? null,
      fullname: claims.fullname ?? null,
      upload_timestamp: now,
      presign_expires: expires,
    },
    { user_role: claims.role, multipart: kind === 'multipart' },
    config.limits.uploadsPerHour,
  );
  if (!admission.admitted) throw rateLimited('upload', admission.retryAfter);
  try {
    return { keys, expires, opened: await open(keys.staging, admission.id) };
  } catch (err) {
    const message = `storage unavailable: ${err instanceof Error ? err.message : String(err)}`;
    await fail(env.DB, admission.id, { message, now, grace: config.abandonedGraceHours * 3600, uncount: true });
    throw err;
  }
}
