import { Hono } from 'hono';
import {
  MAX_UPLOAD_BYTES,
  VIDEO_TYPE_NAMES,
  type ConfirmUploadResponse,
  type VideoExtension,
} from '../contract';
import { ApiError } from '../errors';
import type { AppEnv } from '../http/app-env';
import { ownIdsInBody, requireToken } from '../http/auth';
import { respond } from '../http/respond';
import { parseUploadRequest } from '../http/upload-request';
import { int, optionalNumber, readJsonObject, text, type Fields } from '../http/validate';
import { logRefusal } from '../services/events';
import { containerFitsExtension, sniffContainer, SNIFF_BYTES } from '../media/container';
import { parseMediaFacts } from '../http/media-request';
import { checkedMedia } from '../media/checked-facts';
import { extensionOf } from '../services/filenames';
import { finalKeyOf } from '../services/object-keys';
import { deleteObject, deleteObjects, readStart } from '../services/s3';
import { copyIfMatch, type CopyOutcome } from '../services/s3-copy';
import { openPostUpload } from '../services/upload-session';
import { signReceipt } from '../services/tokens';
import { confirm, releaseConfirm } from '../services/video-states';
import { copyDeadlineMs, takeConfirmLease } from '../services/confirm-lease';
import { findById, findOwnUpload, type VideoRow } from '../services/videos';

/** A day is longer than any browser will believably spend reading a file's duration. */
const MAX_DURATION_SECONDS = 86400;
/** S3's ETag forms: the MD5 of a single upload, or MD5-of-part-MD5s `-` part count (≤ 10 000). */
const ETAG_FORM = /^[0-9a-f]{32}(-[1-9][0-9]{0,4})?$/;

export const uploads = new Hono<AppEnv>();

uploads.post('/upload-url', requireToken('upload'), async (c) => {
  const { config, now, claims, s3 } = c.var;
  const req = parseUploadRequest(await readJsonObject(c), claims, 'post');
  const { staging, expires, presigned } = await openPostUpload({ db: c.env.DB, s3, config, claims, now }, req);
  return respond<'POST /api/upload-url'>(
    c,
    { presigned_url: presigned.url, fields: presigned.fields, s3_key: staging, expires_at: new Date(expires * 1000).toISOString() },
    201,
  );
});

function checksum(body: Fields): string {
  const md5 = text(body, 'md5', 40).toLowerCase();
  if (!ETAG_FORM.test(md5)) {
    throw new ApiError('INVALID_REQUEST', 'md5 must be 32 hex digits, or for a multipart upload 32 hex digits, "-" and the part count.', 'md5');
  }
  return md5;
}

/**
 * Confirm: the staging object must hold exactly the declared size and the checksum the browser
 * computed; its bytes are then copied server-side, on the condition that they are still those
 * bytes (ETag), to the final key that is played and never presigned; only then does the record
 * become ready. Repeated and parallel confirms get the same answer and log one upload_success.
 */
uploads.post('/confirm-upload', requireToken('upload'), async (c) => {
  const { config, now, claims, s3 } = c.var;
  const db = c.env.DB;
  const body = await readJsonObject(c);
  const { assignmentid, submissionid } = ownIdsInBody(claims, body, 'assignmentid', 'submissionid');
  const key = text(body, 's3_key', 1024);
  const filesize = int(body, 'filesize', 1, MAX_UPLOAD_BYTES);
  const md5 = checksum(body);
  const duration = optionalNumber(body, 'duration', 0, MAX_DURATION_SECONDS) ?? null;
  const media = parseMediaFacts(body.media);

  const refuse = async (err: ApiError): Promise<never> => {
    await logRefusal(c.env, config.limits.eventsPerHour, {
      site: claims.iss, userid: claims.sub, user_role: claims.role, event_type: 'upload_failure',
      assignmentid, submissionid, s3_key: key, file_size: filesize, error_code: err.code,
      error_message: err.message, error_context: { stage: 'confirm' }, timestamp: now,
    });
    throw err;
  };
  /** The answer for a ready video: the same for every confirm of it, first, repeated or parallel. */
  const answer = async (video: VideoRow) => {
    if (video.file_size !== filesize) {
      return refuse(new ApiError('SIZE_MISMATCH', `The upload was confirmed with ${video.file_size} bytes, not ${filesize}.`, 'filesize'));
    }
    if (video.md5 !== null && video.md5 !== md5) {
      return refuse(new ApiError('CHECKSUM_MISMATCH', 'The upload was confirmed with another checksum.', 'md5'));
    }
    return respond<'POST /api/confirm-upload'>(c, await confirmed(video, config.secret, config.unclaimedGraceDays));
  };

  const final = finalKeyOf(key);
  const video = final ? await findOwnUpload(db, claims.iss, claims.sub, submissionid, final) : null;
  if (!video) return refuse(new ApiError('UPLOAD_NOT_FOUND', 'No upload of yours has this key; start the upload again.', 's3_key'));
  if (video.upload_status === 'ready') return answer(video);
  if (video.upload_status !== 'pending') return refuse(notPending(video.upload_status));

  /**
   * What the staging object says is only the answer while nobody has confirmed the upload: a
   * parallel confirm may have confirmed it (and a grant rewritten the staging object since), and
   * then every confirm gets that confirm's answer.
   */
  const settledOr = async (err: ApiError): Promise<never | Response> => {
    const current = await findById(db, claims.iss, video.id);
    if (current?.upload_status === 'ready') return answer(current);
    return refuse(err);
  };

  // Size, ETag and the first bytes in one ranged GET: one S3 round trip fewer than HEAD + GET.
  const head = await readStart(s3, video.s3_bucket, key, SNIFF_BYTES);
  if (!head) return settledOr(new ApiError('OBJECT_NOT_UPLOADED', 'The video has not reached storage yet; finish the upload first.', 's3_key'));
  if (head.size !== filesize) {
    return settledOr(new ApiError('SIZE_MISMATCH', `Storage holds ${head.size} bytes but ${filesize} were declared; upload again.`, 'filesize'));
  }
  if (head.etag !== md5) {
    return settledOr(new ApiError('CHECKSUM_MISMATCH', 'The stored video is not the file your browser sent (its checksum differs); upload it again.', 'md5'));
  }

  // The browser checked the bytes before sending, but a browser can be bypassed: the stored
  // object's own first bytes must be a container of the family its name says. (They come from
  // the same response as the ETag; a rewrite after it is caught by the copy's If-Match below.)
  const container = sniffContainer(head.first);
  if (!container || !containerFitsExtension(container, extensionOf(video.filename) as VideoExtension)) {
    return refuse(new ApiError('NOT_A_VIDEO', `The uploaded file is not a video (${VIDEO_TYPE_NAMES}).`, 's3_key'));
  }

  // Only the holder of the confirm lease copies to the final key (services/confirm-lease.ts): a
  // confirm that would lose the transition must not write the bytes the winner confirmed.
  const lease = await takeConfirmLease(db, video, head.size);
  if (lease.kind === 'busy') throw inProgress(lease.retryAfter);
  if (lease.kind === 'settled') {
    if (lease.row?.upload_status === 'ready') return answer(lease.row);
    return refuse(notPending(lease.row?.upload_status ?? 'gone'));
  }
  let copied: CopyOutcome | null = null;
  try {
    copied = await copyIfMatch(s3, video.s3_bucket, key, video.s3_key, head, config.s3.copy, AbortSignal.timeout(copyDeadlineMs(head.size)));
  } finally {
    // Nothing was copied (a grant rewrote the staging object after the check, it is gone, or the
    // copy failed): the next confirm need not wait for the lease to run out.
    if (copied !== 'copied') await releaseConfirm(db, video.id, lease.token);
  }
  if (copied !== 'copied') {
    if (copied === 'source-changed') {
      return settledOr(new ApiError('CHECKSUM_MISMATCH', 'The stored video changed while it was being confirmed; upload it again.', 'md5'));
    }
    return settledOr(new ApiError('OBJECT_NOT_UPLOADED', 'The video has not reached storage yet; finish the upload first.', 's3_key'));
  }

  // What the browser reported, set against the same first bytes: the bytes win (checked-facts.ts).
  const facts = checkedMedia(head.first, container, { duration, media });
  const checked = {
    size: head.size, md5, duration: facts.duration, media: facts.media, now, grace: config.abandonedGraceHours * 3600, lease: lease.token,
  };
  const current = (await confirm(db, video, checked, { user_role: claims.role })).row!;
  if (current.upload_status === 'ready' && current.md5 !== md5) {
    // Only if this confirm's lease ran out while its copy was still running and another confirm
    // took over: its copy may have landed over that confirm's bytes. Say so loudly; the copy
    // deadline inside the lease is what keeps this from happening.
    console.error(`confirm: lease of video ${video.id} ran out during its copy; the final key may not hold md5 ${current.md5}`);
  }
  if (current.upload_status === 'pending') {
    // This confirm's lease ran out and another confirm holds it now: that one's copy is the one
    // that counts, so nothing of the final key is touched here.
    throw inProgress(5);
  }
  if (current.upload_status !== 'ready') {
    // The session ended (cancelled, abandoned, deleted) while its bytes were copied: the copy
    // must not outlive it. (Cleanup's sweep removes it again in any case.)
    await deleteObjects(s3, video.s3_bucket, [video.s3_key]);
    return refuse(notPending(current.upload_status));
  }
  // The staging copy has served its purpose. Deleted after the answer (waitUntil): losing this
  // delete is acceptable, since the sweep deletes every staging key again once no grant can write it.
  c.executionCtx.waitUntil(deleteObject(s3, video.s3_bucket, key).catch(() => undefined));
  return answer(current);
});

function notPending(state: string): ApiError {
  return new ApiError('UPLOAD_NOT_PENDING', `This upload can no longer be confirmed (it is ${state}); upload again.`, 's3_key');
}

/** Another confirm of the upload holds its lease (services/confirm-lease.ts): come back after `retryAfter` seconds. */
function inProgress(retryAfter: number): ApiError {
  return new ApiError('CONFIRM_IN_PROGRESS', 'Another request is confirming this upload; ask again shortly.', 's3_key', {
    'Retry-After': String(retryAfter),
  });
}

/** Deterministic for a given record (iat is the confirm time), so every confirm of it gets the same receipt. */
async function confirmed(video: VideoRow, secret: string, graceDays: number): Promise<ConfirmUploadResponse> {
  const confirmedAt = video.confirmed_timestamp!;
  const receipt = await signReceipt(
    {
      site: video.site,
      sub: video.userid,
      videoid: video.id,
      s3_key: video.s3_key,
      filesize: video.file_size!,
      md5: video.md5 ?? '',
      duration: video.duration,
      mimetype: video.mime_type,
      courseid: video.courseid,
      assignmentid: video.assignmentid,
      submissionid: video.submissionid,
      iat: confirmedAt,
      // Good for as long as cleanup keeps an unclaimed upload: after that there is nothing to claim.
      exp: confirmedAt + graceDays * 86400,
    },
    secret,
  );
  return { success: true, message: 'Upload complete!', videoid: video.id, md5: video.md5 ?? '', receipt };
}
