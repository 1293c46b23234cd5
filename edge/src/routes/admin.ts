import { Hono } from 'hono';
import { STATS_PERIODS, VIDEO_STATUSES, isOneOf } from '../contract';
import { ApiError } from '../errors';
import type { AppEnv } from '../http/app-env';
import { requireToken } from '../http/auth';
import { respond } from '../http/respond';
import { queryInt } from '../http/validate';
import { invalidate, signPlaybackUrl } from '../services/cdn';
import { stats } from '../services/stats';
import { storageChecks } from '../services/storage-health';
import { removeObjects } from '../services/video-objects';
import { fillSearchText, remove } from '../services/video-states';
import { findById, listVideos, toAdminVideo } from '../services/videos';

/** The site administrator's dashboard and video table: GET /api/admin/stats, videos, health; DELETE videos/:id. */
export const admin = new Hono<AppEnv>();

admin.get('/stats', requireToken('admin'), async (c) => {
  const raw = c.req.query('days') ?? '30';
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || !isOneOf(STATS_PERIODS, days)) {
    throw new ApiError('INVALID_REQUEST', `days must be one of ${STATS_PERIODS.join(', ')}.`, 'days');
  }
  return respond<'GET /api/admin/stats'>(c, await stats(c.env.DB, c.var.claims.iss, days, c.var.config.prices, c.var.now));
});

admin.get('/videos', requireToken('admin'), async (c) => {
  const q = c.req.query();
  const status = q.status || undefined;
  if (status !== undefined && !isOneOf(VIDEO_STATUSES, status)) {
    throw new ApiError('INVALID_REQUEST', `status must be one of ${VIDEO_STATUSES.join(', ')}.`, 'status');
  }
  const search = q.q?.trim() || undefined;
  if (search && search.length > 200) throw new ApiError('INVALID_REQUEST', 'q must be at most 200 characters.', 'q');
  const page = queryInt(q.page, 'page', 1, 100000, 1);
  const perpage = queryInt(q.perpage, 'perpage', 1, 100, 20);
  // Rows from before the folded search text existed are folded first, a batch per listing.
  if (search) await fillSearchText(c.env.DB);
  const { rows, total } = await listVideos(c.env.DB, {
    site: c.var.claims.iss,
    courseid: q.courseid ? queryInt(q.courseid, 'courseid', 1, Number.MAX_SAFE_INTEGER) : undefined,
    status,
    q: search,
    page,
    perpage,
  });
  const expires = c.var.now + c.var.config.playbackUrlTtl;
  const poster = async (row: (typeof rows)[number]) =>
    row.poster_key && row.upload_status === 'ready' ? signPlaybackUrl(c.var.config.cdn, row.poster_key, expires, undefined) : null;
  const videos = await Promise.all(rows.map(async (row) => toAdminVideo(row, await poster(row))));
  return respond<'GET /api/admin/videos'>(c, { videos, total, page, perpage });
});

/**
 * Deleting is idempotent: storage first (final key, staging key, an open multipart upload),
 * then the CDN (the invalidation's reference is derived from the key, so parallel deletes get
 * the same one), then the conditional transition, which logs `video_deletion` once. Every
 * caller — first, repeated or parallel — gets the same answer.
 */
admin.delete('/videos/:id', requireToken('admin'), async (c) => {
  const { config, now, claims, s3 } = c.var;
  const db = c.env.DB;
  const id = queryInt(c.req.param('id'), 'id', 1, Number.MAX_SAFE_INTEGER);
  const video = await findById(db, claims.iss, id);
  if (!video) throw new ApiError('VIDEO_NOT_FOUND', `There is no video ${id}.`);
  if (video.upload_status !== 'deleted') {
    // Storage first: a record marked deleted whose bytes remain would be a leak nobody sees.
    const served = await removeObjects(s3, db, video);
    // Only deletes a person asks for invalidate: a cached copy must stop being served now.
    // A refusal ("not now": CloudFront's in-progress limit) still deletes; the answer says so.
    const invalidation = await invalidate(config.cdn, config.s3, served);
    const invalidationId = invalidation.status === 'created' ? invalidation.id : null;
    const invalidationRefused = invalidation.status === 'refused' ? invalidation.reason : null;
    await remove(
      db, video.id,
      { now, grace: config.abandonedGraceHours * 3600, reason: 'admin', by: claims.sub, invalidationId, invalidationRefused },
      { user_role: claims.role },
    );
  }
  const current = (await findById(db, claims.iss, id))!;
  // Derived from what was stored, so a repeated or parallel delete gets the same answer.
  const invalidation = current.invalidation_id ? 'created' : config.cdn.distributionId ? 'refused' : 'none';
  return respond<'DELETE /api/admin/videos/:id'>(c, { success: true, videoid: current.id, invalidation_id: current.invalidation_id, invalidation });
});

/** The deployment against the live bucket: region and versioning, each with what to change. */
admin.get('/health', requireToken('admin'), async (c) => {
  const { bucket, region } = c.var.config.s3;
  const checks = await storageChecks(c.var.s3, c.var.config.s3);
  return respond<'GET /api/admin/health'>(c, { ok: checks.every((check) => check.ok), bucket, region, checks });
});
