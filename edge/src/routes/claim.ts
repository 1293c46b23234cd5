import { Hono } from 'hono';
import type { ClaimClaims, ClaimResponse } from '../contract';
import { requireToken } from '../http/auth';
import { ApiError } from '../http/errors';
import type { AppEnv } from '../http/app-env';
import { readJsonObject, text } from '../http/validate';
import { insertEvent } from '../services/events';
import { verifyReceipt } from '../services/tokens';
import { claimStatements, currentClaimed, findById } from '../services/videos';

/**
 * Moodle's server calls this when a student saves the submission form: only
 * then does the new video replace the one the teacher sees.
 */
export const claim = new Hono<AppEnv>();

claim.post('/claim', requireToken('claim'), async (c) => {
  const claims = c.var.claims as ClaimClaims;
  const { config, now } = c.var;
  const db = c.env.DB;
  const body = await readJsonObject(c);
  const receipt = await verifyReceipt(text(body, 'receipt', 8192), config.secret);
  if (receipt.site !== claims.iss || receipt.submissionid !== claims.submissionid || receipt.assignmentid !== claims.assignmentid) {
    throw new ApiError('FORBIDDEN', 'This receipt is for another submission.', 'receipt');
  }
  const video = await findById(db, claims.iss, receipt.videoid);
  if (!video || video.s3_key !== receipt.s3_key) throw new ApiError('VIDEO_NOT_FOUND', 'The video of this receipt does not exist.');
  if (video.upload_status === 'deleted') throw new ApiError('VIDEO_DELETED', 'The video of this receipt has been deleted; upload it again.');
  if (video.retired_timestamp !== null) {
    throw new ApiError('UPLOAD_NOT_PENDING', 'A newer video has replaced this one; save the page with the newer upload.');
  }
  const previous = await currentClaimed(db, claims.iss, claims.submissionid);
  if (previous?.id === video.id) {
    return c.json<ClaimResponse>({ success: true, videoid: video.id, replaced_videoid: null });
  }
  await db.batch([
    ...claimStatements(db, video, now),
    insertEvent(db, {
      site: claims.iss, userid: video.userid, user_role: claims.role, event_type: 'upload_claimed',
      assignmentid: video.assignmentid, submissionid: video.submissionid, s3_key: video.s3_key,
      file_size: video.file_size, error_context: previous ? { replaced_videoid: previous.id } : null, timestamp: now,
    }),
  ]);
  return c.json<ClaimResponse>({ success: true, videoid: video.id, replaced_videoid: previous?.id ?? null });
});
