import { Hono } from 'hono';
import { ApiError } from '../errors';
import type { AppEnv } from '../http/app-env';
import { requireToken } from '../http/auth';
import { respond } from '../http/respond';
import { readJsonObject, text } from '../http/validate';
import { verifyReceipt } from '../services/tokens';
import { claim as claimVideo } from '../services/video-states';
import { findById, replacedBy } from '../services/videos';

/**
 * POST /api/claim: Moodle's server calls this when a student saves the submission form: only
 * then does the new video replace the one the teacher sees. The answer is
 * decided by the state after the (conditional) transition: 200 means this video
 * is the submission's one claimed, unretired video; a claim that lost a race
 * (a newer confirm retired it, an admin deleted it) is 409 and Moodle keeps
 * its old link. Repeated and parallel claims get the same answer and one event.
 */
export const claim = new Hono<AppEnv>();

claim.post('/', requireToken('claim'), async (c) => {
  const { config, now, claims } = c.var;
  const db = c.env.DB;
  const body = await readJsonObject(c);
  const receipt = await verifyReceipt(text(body, 'receipt', 8192), config.secret);
  if (receipt.site !== claims.iss || receipt.submissionid !== claims.submissionid || receipt.assignmentid !== claims.assignmentid) {
    throw new ApiError('FORBIDDEN', 'This receipt is for another submission.', 'receipt');
  }
  const video = await findById(db, claims.iss, receipt.videoid);
  if (!video || video.s3_key !== receipt.s3_key) throw new ApiError('VIDEO_NOT_FOUND', 'The video of this receipt does not exist.');
  if (video.upload_status === 'deleted') throw new ApiError('VIDEO_DELETED', 'The video of this receipt has been deleted; upload it again.');

  await claimVideo(db, video, now, { user_role: claims.role });
  const current = (await findById(db, claims.iss, video.id))!;
  if (current.upload_status === 'ready' && current.claimed_timestamp !== null && current.retired_timestamp === null) {
    return respond<'POST /api/claim'>(c, { success: true, videoid: current.id, replaced_videoid: await replacedBy(db, current.id) });
  }
  if (current.upload_status === 'deleted') throw new ApiError('VIDEO_DELETED', 'The video of this receipt has been deleted; upload it again.');
  throw new ApiError('CLAIM_CONFLICT', 'A newer video has replaced this one; save the page with the newer upload.');
});
