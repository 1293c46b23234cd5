import { Hono } from 'hono';
import {
  MAX_POST_BYTES,
  MAX_UPLOAD_BYTES,
  type ConfirmUploadResponse,
  type UploadClaims,
  type UploadUrlResponse,
} from '../contract';
import { assertSameResource, requireToken } from '../http/auth';
import { ApiError } from '../http/errors';
import type { AppEnv } from '../http/app-env';
import { int, optionalNumber, readJsonObject, text } from '../http/validate';
import { logEvent, insertEvent } from '../services/events';
import { headObject, presignUpload, s3Client, type PresignedUpload } from '../services/s3';
import { beginUpload, parseUploadRequest } from '../services/upload-session';
import { signReceipt } from '../services/tokens';
import { confirmStatements, findOwnUpload, type VideoRow } from '../services/videos';

/** A day is longer than any browser will believably spend reading a file's duration. */
const MAX_DURATION_SECONDS = 86400;

export const uploads = new Hono<AppEnv>();

uploads.post('/upload-url', requireToken('upload'), async (c) => {
  const claims = c.var.claims as UploadClaims;
  const { config, now } = c.var;
  const req = parseUploadRequest(await readJsonObject(c), claims, 'post');
  let presigned: PresignedUpload | undefined;
  const { key, expires } = await beginUpload(c.env, config, claims, req, now, async (key) => {
    presigned = await presignUpload(s3Client(config.s3), config.s3.bucket, key, req.mimetype, Math.min(claims.maxbytes, MAX_POST_BYTES), config.uploadUrlTtl);
    return { multipartUploadId: null };
  });
  return c.json<UploadUrlResponse>(
    { presigned_url: presigned!.url, fields: presigned!.fields, s3_key: key, expires_at: new Date(expires * 1000).toISOString() },
    201,
  );
});

uploads.post('/confirm-upload', requireToken('upload'), async (c) => {
  const claims = c.var.claims as UploadClaims;
  const { config, now } = c.var;
  const db = c.env.DB;
  const body = await readJsonObject(c);
  const assignmentid = int(body, 'assignmentid', 1, Number.MAX_SAFE_INTEGER);
  const submissionid = int(body, 'submissionid', 1, Number.MAX_SAFE_INTEGER);
  assertSameResource(claims, { assignmentid, submissionid });
  const key = text(body, 's3_key', 1024);
  const filesize = int(body, 'filesize', 1, MAX_UPLOAD_BYTES);
  const duration = optionalNumber(body, 'duration', 0, MAX_DURATION_SECONDS) ?? null;

  const refuse = async (err: ApiError): Promise<never> => {
    await logEvent(db, {
      site: claims.iss, userid: claims.sub, user_role: claims.role, event_type: 'upload_failure',
      assignmentid, submissionid, s3_key: key, file_size: filesize, error_code: err.code,
      error_message: err.message, error_context: { stage: 'confirm' }, timestamp: now,
    });
    throw err;
  };

  const video = await findOwnUpload(db, claims.iss, claims.sub, submissionid, key);
  if (!video) return refuse(new ApiError('UPLOAD_NOT_FOUND', 'No upload of yours has this key; start the upload again.', 's3_key'));
  if (video.upload_status === 'ready') {
    // A repeated confirm (a retry after a lost answer) gets the same answer and writes nothing.
    if (video.file_size !== filesize) {
      return refuse(new ApiError('SIZE_MISMATCH', `The upload was confirmed with ${video.file_size} bytes, not ${filesize}.`, 'filesize'));
    }
    return c.json(await confirmed(video, config.secret, config.unclaimedGraceDays, now));
  }
  if (video.upload_status !== 'pending') {
    return refuse(new ApiError('UPLOAD_NOT_PENDING', `This upload can no longer be confirmed (it is ${video.upload_status}); upload again.`, 's3_key'));
  }

  const head = await headObject(s3Client(config.s3), config.s3.bucket, key);
  if (!head) return refuse(new ApiError('OBJECT_NOT_UPLOADED', 'The video has not reached storage yet; finish the upload first.', 's3_key'));
  if (head.size !== filesize) {
    return refuse(new ApiError('SIZE_MISMATCH', `Storage holds ${head.size} bytes but ${filesize} were declared; upload again.`, 'filesize'));
  }

  await db.batch([
    ...confirmStatements(db, video, head.size, duration, now),
    insertEvent(db, {
      site: claims.iss, userid: claims.sub, user_role: claims.role, event_type: 'upload_success',
      assignmentid, submissionid, s3_key: key, file_size: head.size, duration, timestamp: now,
    }),
  ]);
  const ready: VideoRow = { ...video, upload_status: 'ready', file_size: head.size, duration, confirmed_timestamp: now };
  return c.json(await confirmed(ready, config.secret, config.unclaimedGraceDays, now));
});

async function confirmed(video: VideoRow, secret: string, graceDays: number, now: number): Promise<ConfirmUploadResponse> {
  const receipt = await signReceipt(
    {
      site: video.site,
      sub: video.userid,
      videoid: video.id,
      s3_key: video.s3_key,
      filesize: video.file_size!,
      duration: video.duration,
      mimetype: video.mime_type,
      courseid: video.courseid,
      assignmentid: video.assignmentid,
      submissionid: video.submissionid,
      iat: now,
      // Good for as long as cleanup keeps an unclaimed upload: after that there is nothing to claim.
      exp: (video.confirmed_timestamp ?? now) + graceDays * 86400,
    },
    secret,
  );
  return { success: true, message: 'Upload complete!', videoid: video.id, receipt };
}
