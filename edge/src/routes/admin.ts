import { Hono } from 'hono';
import {
  STATS_PERIODS,
  VIDEO_STATUSES,
  type AdminDeleteResponse,
  type AdminVideosResponse,
  type HealthResponse,
  type PingResponse,
  type StatsPeriod,
  type VideoStatus,
} from '../contract';
import { requireToken } from '../http/auth';
import { ApiError } from '../http/errors';
import type { AppEnv } from '../http/app-env';
import { queryInt } from '../http/validate';
import { stats } from '../services/events';
import { invalidate, signPlaybackUrl } from '../services/cdn';
import { s3Client } from '../services/s3';
import { storageChecks } from '../services/storage-health';
import { removeObjects } from '../services/video-objects';
import { fillSearchText, remove } from '../services/video-states';
import { findById, listVideos, toAdminVideo } from '../services/videos';

export const admin = new Hono<AppEnv>();
admin.use('*', requireToken('admin'));

admin.get('/stats', async (c) => {
  const raw = c.req.query('days') ?? '30';
  const days = Number(raw) as StatsPeriod;
  if (!/^\d+$/.test(raw) || !STATS_PERIODS.includes(days)) {
    throw new ApiError('INVALID_REQUEST', `days must be one of ${STATS_PERIODS.join(', ')}.`, 'days');
  }
  return c.json(await stats(c.env.DB, c.var.claims.iss, days, c.var.config.prices, c.var.now));
});

admin.get('/videos', async (c) => {
  const q = c.req.query();
  const status = q.status || undefined;
  if (status !== undefined && !VIDEO_STATUSES.includes(status as VideoStatus)) {
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
    status: status as VideoStatus | undefined,
    q: search,
    page,
    perpage,
  });
  const expires = c.var.now + c.var.config.playbackUrlTtl;
  const poster = async (row: (typeof rows)[number]) =>
    row.poster_key && row.upload_status === 'ready' ? signPlaybackUrl(c.var.config.cdn, row.poster_key, expires, undefined) : null;
  const videos = await Promise.all(rows.map(async (row) => toAdminVideo(row, await poster(row))));
  return c.json<AdminVideosResponse>({ videos, total, page, perpage });
});

/**
 * Deleting is idempotent: storage first (final key, staging key, an open multipart upload),
 * then the CDN (the invalidation's reference is derived from the key, so parallel deletes get
 * the same one), then the conditional transition, which logs `video_deletion` once. Every
 * caller — first, repeated or parallel — gets the same answer.
 */
admin.delete('/videos/:id', async (c) => {
  const { config, now, claims } = c.var;
  const db = c.env.DB;
  const id = queryInt(c.req.param('id'), 'id', 1, Number.MAX_SAFE_INTEGER);
  const video = await findById(db, claims.iss, id);
  if (!video) throw new ApiError('VIDEO_NOT_FOUND', `There is no video ${id}.`);
  if (video.upload_status !== 'deleted') {
    // Storage first: a record marked deleted whose bytes remain would be a leak nobody sees.
    const served = await removeObjects(s3Client(config.s3), db, video);
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
  return c.json<AdminDeleteResponse>({ success: true, videoid: current.id, invalidation_id: current.invalidation_id, invalidation });
});

/** The deployment against the live bucket: region and versioning, each with what to change. */
admin.get('/health', async (c) => {
  const { s3 } = c.var.config;
  const checks = await storageChecks(s3);
  return c.json<HealthResponse>({ ok: checks.every((check) => check.ok), bucket: s3.bucket, region: s3.region, checks });
});

/** Lets Moodle's settings page prove the worker is reachable and shares its secret. */
export const ping = new Hono<AppEnv>();
ping.get('/ping', requireToken('admin'), (c) =>
  c.json<PingResponse>({ ok: true, issuer: c.var.claims.iss, time: new Date(c.var.now * 1000).toISOString() }),
);
