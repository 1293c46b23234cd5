import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClaimResponse, PlaybackUrlResponse, VideoSummaryResponse } from '../../edge/src/contract';
import { errorOf, startStack, uploadVideo, type Stack } from '../support/stack';
import { token } from '../support/tokens';

let stack: Stack;
before(async () => {
  stack = await startStack({ RATE_LIMIT_PLAYBACKS_PER_HOUR: '5' });
});
after(async () => {
  await stack?.close();
});

const claimToken = (submissionid: number) => token(stack.secrets.sharedSecret, { scope: 'claim', sub: '2', role: 'admin', submissionid });
const viewToken = (submissionid: number, sub = '3') => token(stack.secrets.sharedSecret, { scope: 'view', sub, submissionid });

async function playing(submissionid: number): Promise<number> {
  const res = await stack.edge.fetch(`/api/playback-url?submissionid=${submissionid}`, { token: await viewToken(submissionid) });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as PlaybackUrlResponse).videoid;
}

describe('claim: a new video replaces the old one only when Moodle saves the form', () => {
  it('the teacher keeps seeing the claimed video until the replacement is claimed', async () => {
    const first = await uploadVideo(stack, { submissionid: 200 });
    assert.equal(await playing(200), first.videoid, 'before any claim: the newest confirmed video');
    const claimed = await stack.edge.fetch('/api/claim', { token: await claimToken(200), body: { receipt: first.receipt } });
    assert.deepEqual(await claimed.json(), { success: true, videoid: first.videoid, replaced_videoid: null } satisfies ClaimResponse);

    const second = await uploadVideo(stack, { submissionid: 200 });
    assert.equal(await playing(200), first.videoid, 'an unsaved replacement does not reach the teacher');

    const replace = await stack.edge.fetch('/api/claim', { token: await claimToken(200), body: { receipt: second.receipt } });
    assert.deepEqual(await replace.json(), { success: true, videoid: second.videoid, replaced_videoid: first.videoid });
    assert.equal(await playing(200), second.videoid);

    // Saving twice is harmless: the same answer, no second event.
    const again = await stack.edge.fetch('/api/claim', { token: await claimToken(200), body: { receipt: second.receipt } });
    assert.deepEqual(await again.json(), { success: true, videoid: second.videoid, replaced_videoid: first.videoid });
    const claimEvents = await stack.edge.db.prepare("SELECT COUNT(*) AS n FROM events WHERE event_type = 'upload_claimed' AND s3_key = ?").bind(second.key).first<{ n: number }>();
    assert.equal(claimEvents!.n, 1);
    // The replaced video's receipt can no longer be claimed back.
    const back = await errorOf(await stack.edge.fetch('/api/claim', { token: await claimToken(200), body: { receipt: first.receipt } }));
    assert.equal(back.status, 409);
    assert.equal(back.code, 'CLAIM_CONFLICT');
  });

  it('refuses a receipt for another submission, a forged one, and a browser upload token', async () => {
    const video = await uploadVideo(stack, { submissionid: 201 });
    const other = await errorOf(await stack.edge.fetch('/api/claim', { token: await claimToken(202), body: { receipt: video.receipt } }));
    assert.deepEqual([other.status, other.code], [403, 'FORBIDDEN']);
    const [h, p, s] = video.receipt.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims.videoid += 1;
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    const bad = await errorOf(await stack.edge.fetch('/api/claim', { token: await claimToken(201), body: { receipt: forged } }));
    assert.deepEqual([bad.status, bad.code], [401, 'INVALID_TOKEN']);
    const scope = await errorOf(await stack.edge.fetch('/api/claim', { token: video.token, body: { receipt: video.receipt } }));
    assert.deepEqual([scope.status, scope.code], [403, 'WRONG_SCOPE']);
    const missing = await errorOf(await stack.edge.fetch('/api/claim', { token: await claimToken(201), body: {} }));
    assert.deepEqual([missing.status, missing.code, missing.field], [400, 'INVALID_REQUEST', 'receipt']);
  });

  it('a second unsaved upload retires the first unsaved one', async () => {
    const a = await uploadVideo(stack, { submissionid: 203 });
    const b = await uploadVideo(stack, { submissionid: 203 });
    const row = await stack.edge.db.prepare('SELECT retired_timestamp FROM videos WHERE id = ?').bind(a.videoid).first<{ retired_timestamp: number | null }>();
    assert.ok(row!.retired_timestamp !== null);
    assert.equal(await playing(203), b.videoid);
  });
});

describe('playback-url', () => {
  it('404 VIDEO_NOT_FOUND when the submission has no video', async () => {
    const err = await errorOf(await stack.edge.fetch('/api/playback-url?submissionid=299', { token: await viewToken(299) }));
    assert.deepEqual([err.status, err.code], [404, 'VIDEO_NOT_FOUND']);
  });
  it('400 for a missing or malformed submissionid', async () => {
    for (const q of ['', '?submissionid=', '?submissionid=abc', '?submissionid=-1', '?submissionid=1e3']) {
      const err = await errorOf(await stack.edge.fetch(`/api/playback-url${q}`, { token: await viewToken(300) }));
      assert.deepEqual([err.status, err.code, err.field], [400, 'INVALID_REQUEST', 'submissionid'], q);
    }
  });
  it('a pending upload is not playable', async () => {
    const t = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 301 });
    await stack.edge.fetch('/api/upload-url', { token: t, body: { assignmentid: 10, submissionid: 301, filename: 'a.mp4', filesize: 10, mimetype: 'video/mp4' } });
    const err = await errorOf(await stack.edge.fetch('/api/playback-url?submissionid=301', { token: await viewToken(301) }));
    assert.deepEqual([err.status, err.code], [404, 'VIDEO_NOT_FOUND']);
  });
  it('100 an hour by default; here 5: the 6th → 429 with Retry-After', async () => {
    await uploadVideo(stack, { submissionid: 302 });
    const t = await viewToken(302, '55');
    for (let i = 0; i < 5; i++) assert.equal((await stack.edge.fetch('/api/playback-url?submissionid=302', { token: t })).status, 200);
    const sixth = await stack.edge.fetch('/api/playback-url?submissionid=302', { token: t });
    assert.ok(Number(sixth.headers.get('Retry-After')) > 0);
    assert.deepEqual((await errorOf(sixth)).code, 'RATE_LIMITED');
  });
  it('GET /api/video summarises the current video for the uploader', async () => {
    const v = await uploadVideo(stack, { submissionid: 303, filename: 'Talk.webm', mimetype: 'video/webm' });
    const res = await stack.edge.fetch('/api/video?submissionid=303', { token: v.token });
    const summary = ((await res.json()) as VideoSummaryResponse).video!;
    assert.equal(summary.videoid, v.videoid);
    assert.equal(summary.filename, 'Talk.webm');
    assert.equal(summary.filesize, v.bytes.length);
    assert.equal(summary.claimed, false);
    assert.equal(summary.deleted_at, null);
  });
  it('GET /api/video for a submission without a video: 200 {video: null}, an ordinary answer', async () => {
    const t = await viewToken(304, '56');
    const res = await stack.edge.fetch('/api/video?submissionid=304', { token: t });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { video: null });
  });
});

describe('IP-restricted playback (PLAYBACK_IP_RESTRICT)', () => {
  it("signs a custom policy for the viewer's IPv4 address, which the CDN enforces", async () => {
    const ip = await startStack({ PLAYBACK_IP_RESTRICT: 'true' });
    try {
      await uploadVideo(ip, { submissionid: 800 });
      const view = await token(ip.secrets.sharedSecret, { scope: 'view', submissionid: 800 });
      const res = await ip.edge.fetch('/api/playback-url?submissionid=800', { token: view, headers: { 'CF-Connecting-IP': '127.0.0.1' } });
      const { signed_url } = (await res.json()) as PlaybackUrlResponse;
      const url = new URL(signed_url);
      const policy = JSON.parse(Buffer.from(url.searchParams.get('Policy')!.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64').toString());
      assert.equal(policy.Statement[0].Condition.IpAddress['AWS:SourceIp'], '127.0.0.0/24', 'the viewer network, PLAYBACK_IP_PREFIX /24 by default');
      assert.equal((await fetch(signed_url)).status, 200, 'the viewer at that address may watch');
    } finally {
      await ip.close();
    }
  });
});

describe('client events', () => {
  it('stores a browser-reported failure with the identity from the token, not the body', async () => {
    const t = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '61', submissionid: 400 });
    const res = await stack.edge.fetch('/api/events', {
      token: t,
      body: { event_type: 'upload_retry', submissionid: 400, error_code: 'S3_5XX', error_message: 'S3 answered 503', retry_count: 2, error_context: { userAgent: 'test', userid: '999' } },
    });
    assert.equal(res.status, 201);
    const row = await stack.edge.db.prepare("SELECT * FROM events WHERE event_type = 'upload_retry' AND submissionid = 400").first<Record<string, unknown>>();
    assert.equal(row!.userid, '61');
    assert.equal(row!.retry_count, 2);
    assert.equal(row!.error_code, 'S3_5XX');
    assert.equal(row!.assignmentid, 10);
    assert.deepEqual(JSON.parse(row!.error_context as string), { userAgent: 'test', userid: '999' });
  });
  it('refuses server-only event types, bad fields and another submission', async () => {
    const t = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '62', submissionid: 401 });
    const before = await stack.edge.db.prepare('SELECT COUNT(*) AS n FROM events').first<{ n: number }>();
    const cases: Array<[unknown, number, string]> = [
      [{ event_type: 'upload_success' }, 400, 'INVALID_REQUEST'],
      [{ event_type: 'playback_failure', error_code: 'has spaces' }, 400, 'INVALID_REQUEST'],
      [{ event_type: 'playback_failure', error_context: [1, 2] }, 400, 'INVALID_REQUEST'],
      [{ event_type: 'playback_failure', error_context: { big: 'x'.repeat(5000) } }, 400, 'INVALID_REQUEST'],
      [{ event_type: 'playback_failure', retry_count: -1 }, 400, 'INVALID_REQUEST'],
      [{ event_type: 'playback_failure', submissionid: 402 }, 403, 'FORBIDDEN'],
      ['nope', 400, 'INVALID_JSON'],
    ];
    for (const [body, status, code] of cases) {
      const err = await errorOf(await stack.edge.fetch('/api/events', { token: t, body }));
      assert.deepEqual([err.status, err.code], [status, code], JSON.stringify(body));
    }
    const afterCount = await stack.edge.db.prepare('SELECT COUNT(*) AS n FROM events').first<{ n: number }>();
    assert.equal(afterCount!.n, before!.n);
  });
});
