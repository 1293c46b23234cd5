import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { AdminDeleteResponse, AdminStatsResponse, AdminVideosResponse } from '../../edge/src/contract';
import { errorOf, stageVideo, startStack, uploadVideo, type Stack } from '../support/stack';
import { SITE, token } from '../support/tokens';

let stack: Stack;
let adminToken: string;
const videos: Array<Awaited<ReturnType<typeof uploadVideo>>> = [];

before(async () => {
  stack = await startStack();
  adminToken = await token(stack.secrets.sharedSecret, { scope: 'admin', sub: '2' });
  // Three courses, five students; course 3 has two videos.
  for (const [i, courseid] of [2, 3, 3, 4, 5].entries()) {
    videos.push(await uploadVideo(stack, { sub: String(50 + i), submissionid: 500 + i, courseid, size: 1000 * (i + 1), filename: i === 4 ? 'odd_100%.mp4' : i === 3 ? 'clip3_lecture_recording_week_one.mp4' : `clip${i}.mp4` }));
  }
  // One failure the browser reported, one confirm failure the edge logged.
  const t = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '60', submissionid: 600 });
  await stack.edge.fetch('/api/events', { token: t, body: { event_type: 'upload_failure', error_code: 'NETWORK', error_message: 'offline' } });
  await stack.edge.fetch('/api/confirm-upload', { token: t, body: { assignmentid: 10, submissionid: 600, s3_key: 'uploads/60/x/none.mp4', filesize: 10, md5: '0'.repeat(32) } });
});
after(async () => {
  await stack?.close();
});

const get = async <T>(path: string): Promise<T> => {
  const res = await stack.edge.fetch(path, { token: adminToken });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as T;
};

describe('admin stats', () => {
  it('counts uploads, storage, cost and failures for the period', async () => {
    const s = await get<AdminStatsResponse>('/api/admin/stats?days=7');
    assert.equal(s.days, 7);
    assert.equal(s.total_uploads, 5);
    assert.equal(s.successful_uploads, 5);
    assert.equal(s.success_rate, 1);
    assert.equal(s.total_storage_bytes, 1000 + 2000 + 3000 + 4000 + 5000);
    assert.equal(s.ready_videos, 5);
    assert.equal(s.estimated_monthly_cost.storage_price_per_gb_month, 0.023);
    assert.equal(s.estimated_monthly_cost.delivery_price_per_gb, 0.085);
    assert.equal(s.estimated_monthly_cost.currency, 'USD');
    assert.deepEqual(s.error_breakdown, [{ error_code: 'NETWORK', count: 1 }, { error_code: 'UPLOAD_NOT_FOUND', count: 1 }]);
    assert.equal(s.recent_failures.length, 2);
    assert.equal(s.recent_failures[0]!.event_type, 'upload_failure');
  });
  it('splits the uploads into completed, ended without a video and in progress, which add up (review: "30 · 1 failed", "50% · 15 of 30")', async () => {
    const own = await startStack();
    try {
      const admin = await token(own.secrets.sharedSecret, { scope: 'admin' });
      await uploadVideo(own, { submissionid: 1, sub: '1' });
      await uploadVideo(own, { submissionid: 2, sub: '2' });
      await stageVideo(own, { submissionid: 3, sub: '3' });
      // Started in parts, then cancelled: ended without a video.
      const upload = await token(own.secrets.sharedSecret, { scope: 'upload', sub: '4', submissionid: 4 });
      const started = await own.edge.fetch('/api/multipart/start', {
        token: upload, body: { assignmentid: 10, submissionid: 4, filename: 'a.mp4', filesize: 20 * 1024 * 1024, mimetype: 'video/mp4' },
      });
      const { s3_key } = (await started.json()) as { s3_key: string };
      const aborted = await own.edge.fetch('/api/multipart/abort', { token: upload, body: { assignmentid: 10, submissionid: 4, s3_key } });
      assert.equal(aborted.status, 200);
      // A refused confirm is an event, not an upload: it changes none of the upload figures.
      await own.edge.fetch('/api/confirm-upload', { token: upload, body: { assignmentid: 10, submissionid: 4, s3_key, filesize: 10, md5: '0'.repeat(32) } });

      const s = (await (await own.edge.fetch('/api/admin/stats?days=7', { token: admin })).json()) as AdminStatsResponse;
      assert.deepEqual(
        { total: s.total_uploads, ok: s.successful_uploads, failed: s.failed_uploads, pending: s.pending_uploads },
        { total: 4, ok: 2, failed: 1, pending: 1 },
      );
      assert.equal(s.successful_uploads + s.failed_uploads + s.pending_uploads, s.total_uploads);
      // Over the uploads that ended: the one in progress is neither a success nor a failure yet.
      assert.equal(s.success_rate, 2 / 3);
      assert.ok(s.error_breakdown.some((e) => e.error_code === 'UPLOAD_NOT_PENDING'));
    } finally {
      await own.close();
    }
  });

  it('prices the storage from configuration', async () => {
    const big = await startStack({ PRICE_STORAGE_GB_MONTH: '10' });
    try {
      await uploadVideo(big, { size: 1024 * 1024 });
      const res = await big.edge.fetch('/api/admin/stats?days=30', { token: await token(big.secrets.sharedSecret, { scope: 'admin' }) });
      const s = (await res.json()) as AdminStatsResponse;
      // 1 MiB at $10/GB-month = $0.0098 → rounded to cents.
      assert.equal(s.estimated_monthly_cost.storage, 0.01);
    } finally {
      await big.close();
    }
  });
  it('accepts only 7, 30, 90 or 365 days', async () => {
    for (const days of ['0', '14', 'abc', '7.0', '-7']) {
      const err = await errorOf(await stack.edge.fetch(`/api/admin/stats?days=${days}`, { token: adminToken }));
      assert.deepEqual([err.status, err.code, err.field], [400, 'INVALID_REQUEST', 'days'], days);
    }
  });
  it("another site's admin sees none of it", async () => {
    const other = await startStack({ MOODLE_ISSUERS: `${SITE},https://other.example` });
    try {
      await uploadVideo(other);
      const res = await other.edge.fetch('/api/admin/stats?days=7', { token: await token(other.secrets.sharedSecret, { scope: 'admin', iss: 'https://other.example' }) });
      assert.equal(((await res.json()) as AdminStatsResponse).total_uploads, 0);
    } finally {
      await other.close();
    }
  });
});

describe('admin video list', () => {
  it('lists newest first with names from the upload tokens', async () => {
    const page = await get<AdminVideosResponse>('/api/admin/videos');
    assert.equal(page.total, 5);
    assert.deepEqual(page.videos.map((v) => v.id), videos.map((v) => v.videoid).reverse());
    const v = page.videos[0]!;
    assert.equal(v.coursename, 'Film 101');
    assert.equal(v.assignmentname, 'Final cut');
    assert.equal(v.fullname, 'Ada Student');
    assert.equal(v.status, 'ready');
  });
  it('filters by course, status and text; % is a literal character', async () => {
    assert.equal((await get<AdminVideosResponse>('/api/admin/videos?courseid=3')).total, 2);
    assert.equal((await get<AdminVideosResponse>('/api/admin/videos?status=ready')).total, 5);
    assert.equal((await get<AdminVideosResponse>('/api/admin/videos?status=deleted&courseid=99')).total, 0);
    const odd = await get<AdminVideosResponse>('/api/admin/videos?q=100%25');
    assert.deepEqual(odd.videos.map((v) => v.filename), ['odd_100%.mp4']);
    assert.equal((await get<AdminVideosResponse>('/api/admin/videos?q=%25')).total, 1);
    assert.equal((await get<AdminVideosResponse>('/api/admin/videos?q=clip2')).total, 1);
    assert.equal((await get<AdminVideosResponse>('/api/admin/videos?q=CLIP2')).total, 1, 'case does not matter');
  });
  it('finds a video by its whole S3 key, as the table shows it', async () => {
    const key = videos[3]!.key;
    assert.ok(key.length > 50, 'longer than D1 allows a LIKE pattern');
    const found = await get<AdminVideosResponse>(`/api/admin/videos?q=${encodeURIComponent(key)}`);
    assert.deepEqual(found.videos.map((v) => v.s3_key), [key]);
  });
  it('pages without gaps or repeats', async () => {
    const seen: number[] = [];
    for (let page = 1; page <= 3; page++) {
      const p = await get<AdminVideosResponse>(`/api/admin/videos?perpage=2&page=${page}`);
      assert.equal(p.total, 5);
      assert.equal(p.perpage, 2);
      seen.push(...p.videos.map((v) => v.id));
    }
    assert.deepEqual(seen, videos.map((v) => v.videoid).reverse());
    assert.deepEqual((await get<AdminVideosResponse>('/api/admin/videos?perpage=2&page=4')).videos, []);
  });
  it('refuses malformed filters', async () => {
    for (const [q, field] of [['status=lost', 'status'], ['page=0', 'page'], ['perpage=101', 'perpage'], ['courseid=x', 'courseid'], [`q=${'a'.repeat(201)}`, 'q']]) {
      const err = await errorOf(await stack.edge.fetch(`/api/admin/videos?${q}`, { token: adminToken }));
      assert.deepEqual([err.status, err.code, err.field], [400, 'INVALID_REQUEST', field], q);
    }
  });
});

describe('admin delete', () => {
  it('removes the object, invalidates the CDN path, marks the record and logs it', async () => {
    const victim = videos[1]!;
    const res = await stack.edge.fetch(`/api/admin/videos/${victim.videoid}`, { method: 'DELETE', token: adminToken });
    assert.equal(res.status, 200);
    const body = (await res.json()) as AdminDeleteResponse;
    assert.equal(body.videoid, victim.videoid);
    assert.ok(body.invalidation_id);

    await assert.rejects(stack.s3client.send(new HeadObjectCommand({ Bucket: stack.s3.bucket, Key: victim.key })), { name: 'NotFound' });
    await assert.rejects(stack.s3client.send(new HeadObjectCommand({ Bucket: stack.s3.bucket, Key: victim.stagingKey })), { name: 'NotFound' });
    const recorded = stack.cdn.invalidations.find((i) => i.id === body.invalidation_id);
    assert.deepEqual(recorded?.paths, [`/${victim.key}`]);
    const row = await stack.edge.db.prepare('SELECT upload_status, deleted_timestamp FROM videos WHERE id = ?').bind(victim.videoid).first<{ upload_status: string; deleted_timestamp: number }>();
    assert.equal(row!.upload_status, 'deleted');
    assert.ok(Math.abs(row!.deleted_timestamp - Date.now() / 1000) < 10);
    const event = await stack.edge.db.prepare("SELECT * FROM events WHERE event_type = 'video_deletion' AND s3_key = ?").bind(victim.key).first<Record<string, unknown>>();
    assert.equal(JSON.parse(event!.error_context as string).by, '2');

    // The teacher now gets 410, and a second delete gets the same answer and changes nothing.
    const view = await token(stack.secrets.sharedSecret, { scope: 'view', submissionid: 501 });
    const gone = await errorOf(await stack.edge.fetch('/api/playback-url?submissionid=501', { token: view }));
    assert.deepEqual([gone.status, gone.code], [410, 'VIDEO_DELETED']);
    const again = await stack.edge.fetch(`/api/admin/videos/${victim.videoid}`, { method: 'DELETE', token: adminToken });
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), body);
    const deletions = await stack.edge.db.prepare("SELECT COUNT(*) AS n FROM events WHERE event_type = 'video_deletion' AND s3_key = ?").bind(victim.key).first<{ n: number }>();
    assert.equal(deletions!.n, 1);
    assert.equal(stack.cdn.invalidations.filter((i) => i.paths.includes(`/${victim.key}`)).length, 1);
  });
  it('404 for an unknown id, 400 for a malformed one', async () => {
    const missing = await errorOf(await stack.edge.fetch('/api/admin/videos/999999', { method: 'DELETE', token: adminToken }));
    assert.deepEqual([missing.status, missing.code], [404, 'VIDEO_NOT_FOUND']);
    const bad = await errorOf(await stack.edge.fetch('/api/admin/videos/abc', { method: 'DELETE', token: adminToken }));
    assert.deepEqual([bad.status, bad.code], [400, 'INVALID_REQUEST']);
  });
  it('a teacher token cannot delete', async () => {
    const view = await token(stack.secrets.sharedSecret, { scope: 'view', submissionid: 500 });
    const err = await errorOf(await stack.edge.fetch(`/api/admin/videos/${videos[0]!.videoid}`, { method: 'DELETE', token: view }));
    assert.deepEqual([err.status, err.code], [403, 'WRONG_SCOPE']);
  });
});

describe('ping', () => {
  it('answers an admin token with the issuer it saw', async () => {
    const res = await stack.edge.fetch('/api/ping', { token: adminToken });
    const body = (await res.json()) as { ok: boolean; issuer: string };
    assert.deepEqual([body.ok, body.issuer], [true, SITE]);
  });
});
