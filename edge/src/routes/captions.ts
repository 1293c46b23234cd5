import { Hono } from 'hono';
import { MAX_CAPTION_BYTES, MAX_CAPTION_TRACKS, type UploadClaims, type ViewClaims } from '../contract';
import { ApiError } from '../errors';
import type { AppEnv } from '../http/app-env';
import { ownIdsInBody, ownSubmissionInQuery, requireToken } from '../http/auth';
import { respond } from '../http/respond';
import { int, queryInt, readJsonObject, text } from '../http/validate';
import { canonicalLanguageTag } from '../media/language-tag';
import { validateWebVtt } from '../media/webvtt';
import { attachTrack, detachTrack, toTrack, tracksOf } from '../services/captions';
import { signPlaybackUrl } from '../services/cdn';
import { newCaptionKey } from '../services/object-keys';
import { deleteObjects, putObject } from '../services/s3';
import { findById, type VideoRow } from '../services/videos';
import { requireViewable } from '../services/viewable';

/**
 * Caption tracks beside a video (WebVTT; the browser converts SubRip first), and what a player
 * needs besides the video itself: its poster and its tracks, as signed CDN URLs.
 *
 * Who may attach or remove: an upload token (Moodle issues one only to an owner who may edit
 * the submission now), or a view token carrying `captions: true`, which Moodle sets for a
 * grader of the submission and for its owner while they may still edit it (ViewClaims.captions).
 * Files are validated strictly (media/webvtt.ts, the same check the browser made) and written
 * by the edge itself under the video's prefix: no browser gets a grant to `videos/`.
 */
export const captions = new Hono<AppEnv>();

/** A JSON string of MAX_CAPTION_BYTES of text, escaped, plus the few other fields. */
const MAX_ATTACH_BODY = MAX_CAPTION_BYTES * 2 + 4096;
const MAX_LABEL = 100;

function mayEdit(claims: UploadClaims | ViewClaims): boolean {
  return claims.scope === 'upload' || (claims.scope === 'view' && claims.captions === true);
}

/** One of the submission's videos that captions belong to: confirmed, not deleted, not replaced. */
async function targetVideo(db: D1Database, claims: UploadClaims | ViewClaims, videoid: number): Promise<VideoRow> {
  const video = await findById(db, claims.iss, videoid);
  if (!video || video.submissionid !== claims.submissionid || video.confirmed_timestamp === null) {
    throw new ApiError('VIDEO_NOT_FOUND', `Submission ${claims.submissionid} has no video ${videoid}.`, 'videoid');
  }
  if (video.upload_status === 'deleted') throw new ApiError('VIDEO_DELETED', 'This video has been deleted.', 'videoid');
  if (video.retired_timestamp !== null) throw new ApiError('VIDEO_NOT_FOUND', 'This video has been replaced by a newer one.', 'videoid');
  return video;
}

function tooManyTracks(): ApiError {
  return new ApiError('INVALID_REQUEST', `A video carries at most ${MAX_CAPTION_TRACKS} caption tracks.`, 'language');
}

function language(raw: unknown): string {
  const tag = typeof raw === 'string' ? canonicalLanguageTag(raw) : null;
  if (!tag) throw new ApiError('INVALID_REQUEST', 'language must be a BCP 47 language tag such as en, fr or pt-BR.', 'language');
  return tag;
}

captions.get('/video-extras', requireToken('upload', 'view'), async (c) => {
  const { config, now, claims } = c.var;
  const submissionid = ownSubmissionInQuery(claims, c.req.query('submissionid'));
  const videoid = c.req.query('videoid');
  const video = videoid
    ? await targetVideo(c.env.DB, claims, queryInt(videoid, 'videoid', 1, Number.MAX_SAFE_INTEGER))
    : await requireViewable(c.env.DB, claims.iss, submissionid);
  const expires = now + config.playbackUrlTtl;
  const sign = (key: string) => signPlaybackUrl(config.cdn, key, expires, c.req.header('CF-Connecting-IP'));
  const rows = await tracksOf(c.env.DB, claims.iss, video.id);
  return respond<'GET /api/video-extras'>(c, {
    videoid: video.id,
    can_edit: mayEdit(claims),
    poster_url: video.poster_key ? await sign(video.poster_key) : null,
    tracks: await Promise.all(rows.map(async (row) => toTrack(row, await sign(row.s3_key)))),
  });
});

captions.post('/captions', requireToken('upload', 'view'), async (c) => {
  const { config, now, claims, s3 } = c.var;
  if (!mayEdit(claims)) throw new ApiError('FORBIDDEN', 'This token may watch the video but not add captions to it.');
  const body = await readJsonObject(c, MAX_ATTACH_BODY);
  ownIdsInBody(claims, body, 'submissionid');
  const videoid = int(body, 'videoid', 1, Number.MAX_SAFE_INTEGER);
  const tag = language(body.language);
  const label = text(body, 'label', MAX_LABEL).trim();
  if (typeof body.vtt !== 'string') throw new ApiError('INVALID_REQUEST', 'vtt must be the caption file as text.', 'vtt');
  const verdict = validateWebVtt(body.vtt);
  if (!verdict.ok) {
    const where = verdict.line === null ? '' : ` (line ${verdict.line})`;
    throw new ApiError('INVALID_CAPTIONS', `This is not a valid WebVTT caption file: ${verdict.fault}${where}.`, verdict.fault);
  }
  const video = await targetVideo(c.env.DB, claims, videoid);
  // A fast refusal before writing an object; attachTrack's insert is what holds the limit exactly.
  const existing = await tracksOf(c.env.DB, claims.iss, video.id);
  if (existing.length >= MAX_CAPTION_TRACKS && !existing.some((t) => t.language.toLowerCase() === tag.toLowerCase())) throw tooManyTracks();

  const bytes = new Uint8Array(new TextEncoder().encode(body.vtt));
  const key = newCaptionKey(video.s3_key, tag);
  await putObject(s3, video.s3_bucket, key, bytes, 'text/vtt; charset=utf-8');
  const result = await attachTrack(c.env.DB, {
    site: claims.iss, videoid: video.id, language: tag, label, s3_key: key, file_size: bytes.length,
    created_timestamp: now, created_by: claims.sub, created_role: claims.role,
  }, MAX_CAPTION_TRACKS);
  // The replaced file, or ours when the video went meanwhile: the sweep would not know either key.
  const orphans = [...(result.replaced ? [result.replaced.s3_key] : []), ...(result.attached ? [] : [key])];
  if (orphans.length > 0) await deleteObjects(s3, video.s3_bucket, orphans);
  if (!result.attached && result.reason === 'too_many') throw tooManyTracks();
  if (!result.attached) throw new ApiError('VIDEO_DELETED', 'The video was deleted or replaced while its captions were saved.', 'videoid');
  const sign = await signPlaybackUrl(config.cdn, key, now + config.playbackUrlTtl, c.req.header('CF-Connecting-IP'));
  return respond<'POST /api/captions'>(c, { success: true, track: toTrack(result.row, sign), replaced_id: result.replaced?.id ?? null }, 201);
});

/**
 * Removes the video's track of one language. Idempotent, as an HTTP DELETE is: when the video has
 * no such track (a repeated or parallel delete removed it) the answer is the same 200, so every
 * caller learns the one thing that matters, that the track is gone. Of parallel deletes only the
 * one whose D1 delete returned the row deletes its object.
 */
captions.delete('/captions', requireToken('upload', 'view'), async (c) => {
  const { claims, s3 } = c.var;
  if (!mayEdit(claims)) throw new ApiError('FORBIDDEN', 'This token may watch the video but not change its captions.');
  ownSubmissionInQuery(claims, c.req.query('submissionid'));
  const video = await targetVideo(c.env.DB, claims, queryInt(c.req.query('videoid'), 'videoid', 1, Number.MAX_SAFE_INTEGER));
  const tag = language(c.req.query('language'));
  const key = await detachTrack(c.env.DB, claims.iss, video.id, tag);
  if (key) await deleteObjects(s3, video.s3_bucket, [key]);
  return respond<'DELETE /api/captions'>(c, { success: true });
});
