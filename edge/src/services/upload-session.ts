import type { S3Client } from '@aws-sdk/client-s3';
import type { UploadClaims } from '../contract';
import type { Config } from '../config';
import { newUploadKeys } from './object-keys';
import { rateLimited } from './rate-limit';
import { createMultipart, presignUpload, type PresignedUpload } from './s3';
import { fail, insertPending, setMultipartUploadId } from './video-states';

/** An upload request as the route checked it (http/upload-request.ts): ids the token's, the type canonical. */
export interface UploadRequest {
  assignmentid: number;
  submissionid: number;
  filename: string;
  filesize: number;
  mimetype: string;
}

/** How the bytes will travel: one presigned POST, or S3 multipart (the only way above MAX_POST_BYTES). */
export type Transport = 'post' | 'multipart';

/** An open session: the staging key the browser writes, and when its grants expire (Unix seconds). */
export interface OpenedSession {
  staging: string;
  expires: number;
}

/** Everything an upload session needs from its caller: bindings, configuration and who is asking. */
export interface SessionContext {
  db: D1Database;
  s3: S3Client;
  config: Config;
  claims: UploadClaims;
  now: number;
}

/** A session for one presigned POST of the whole file. */
export async function openPostUpload(ctx: SessionContext, req: UploadRequest): Promise<OpenedSession & { presigned: PresignedUpload }> {
  const { s3, config } = ctx;
  const session = await admit(ctx, req, 'post');
  try {
    const presigned = await presignUpload(s3, config.s3.bucket, session.staging, req.mimetype, req.filesize, config.uploadUrlTtl);
    return { staging: session.staging, expires: session.expires, presigned };
  } catch (err) {
    return release(ctx, session.id, err);
  }
}

/** A session for an S3 multipart upload, its upload id recorded with the session. */
export async function openMultipartUpload(ctx: SessionContext, req: UploadRequest): Promise<OpenedSession & { uploadId: string }> {
  const { s3, config, db } = ctx;
  const session = await admit(ctx, req, 'multipart');
  try {
    const uploadId = await createMultipart(s3, config.s3.bucket, session.staging, req.mimetype);
    await setMultipartUploadId(db, session.id, uploadId);
    return { staging: session.staging, expires: session.expires, uploadId };
  } catch (err) {
    return release(ctx, session.id, err);
  }
}

/**
 * Makes the session's keys and records it as pending (with `upload_start`) only if the user
 * has a session left this hour — one conditional statement, exact under any burst.
 */
async function admit(ctx: SessionContext, req: UploadRequest, transport: Transport): Promise<OpenedSession & { id: number }> {
  const { db, config, claims, now } = ctx;
  const keys = newUploadKeys(claims.sub, Date.now(), req.filename);
  const expires = now + config.uploadUrlTtl;
  const admission = await insertPending(
    db,
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
    { user_role: claims.role, multipart: transport === 'multipart' },
    config.limits.uploadsPerHour,
  );
  if (!admission.admitted) throw rateLimited('upload', admission.retryAfter);
  return { id: admission.id, staging: keys.staging, expires };
}

/** S3 could not prepare the session: it ends as `error` and gives its slot back (an outage spends no quota). */
async function release(ctx: SessionContext, id: number, err: unknown): Promise<never> {
  const message = `storage unavailable: ${err instanceof Error ? err.message : String(err)}`;
  await fail(ctx.db, id, { message, now: ctx.now, grace: ctx.config.abandonedGraceHours * 3600, uncount: true });
  throw err;
}
