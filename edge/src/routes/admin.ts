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
import { insertEvent, stats } from '../services/events';
import { invalidate } from '../services/cdn';
import { deleteObjects, s3Client } from '../services/s3';
import { storageChecks } from '../services/storage-health';
import { findById, listVideos, markDeleted, toAdminVideo } from '../services/videos';

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
  const { rows, total } = await listVideos(c.env.DB, {
    site: c.var.claims.iss,
    courseid: q.courseid ? queryInt(q.courseid, 'courseid', 1, Number.MAX_SAFE_INTEGER) : undefined,
    status: status as VideoStatus | undefined,
    q: search,
    page,
    perpage,
  });
  return c.json<AdminVideosResponse>({ videos: rows.map(toAdminVideo), total, page, perpage });
});

admin.delete('/videos/:id', async (c) => {
  const { config, now, claims } = c.var;
  const id = queryInt(c.req.param('id'), 'id', 1, Number.MAX_SAFE_INTEGER);
  const video = await findById(c.env.DB, claims.iss, id);
  if (!video) throw new ApiError('VIDEO_NOT_FOUND', `There is no video ${id}.`);
  if (video.upload_status === 'deleted') throw new ApiError('VIDEO_DELETED', `Video ${id} was already deleted.`);
  // Storage first: a record marked deleted whose bytes remain would be a leak nobody sees.
  const { failed } = await deleteObjects(s3Client(config.s3), video.s3_bucket, [video.s3_key]);
  if (failed.size > 0) {
    throw new ApiError('STORAGE_ERROR', `Storage refused to delete the video (${[...failed.values()].join(', ')}).`);
  }
  // Only admin (and privacy) deletes invalidate: the person asking wants the video gone now.
  // A refusal ("not now": CloudFront's in-progress limit) still deletes; the answer says so.
  const invalidation = await invalidate(config.cdn, config.s3, [video.s3_key]);
  const invalidationId = invalidation.status === 'created' ? invalidation.id : null;
  await c.env.DB.batch([
    markDeleted(c.env.DB, video.id, now),
    insertEvent(c.env.DB, {
      site: claims.iss, userid: video.userid, user_role: claims.role, event_type: 'video_deletion',
      assignmentid: video.assignmentid, submissionid: video.submissionid, s3_key: video.s3_key,
      file_size: video.file_size, error_context: {
        by: claims.sub, reason: 'admin', invalidation: invalidationId,
        ...(invalidation.status === 'refused' ? { invalidation_refused: invalidation.reason } : {}),
      },
      timestamp: now,
    }),
  ]);
  return c.json<AdminDeleteResponse>({
    success: true, videoid: video.id, invalidation_id: invalidationId, invalidation: invalidation.status,
  });
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
