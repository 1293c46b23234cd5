import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { MAX_TOKEN_LIFETIME_SECONDS, type ConfirmUploadResponse, type PlaybackUrlResponse, type Scope, type UploadUrlResponse } from '../../edge/src/contract';
import { errorOf, finalKey, md5Hex, postToS3 } from '../support/stack';
import { stackPerFile } from '../support/stack-per-file';
import { SITE } from '../support/tokens';
import { php, phpJson } from './php';
import { videoBytes } from '../support/video-bytes';

/**
 * The Moodle shell (PHP) against the real edge (workerd, local D1/KV, the local S3 and the CDN
 * stand-in): tokens the PHP token_issuer signs are accepted, receipts the edge signs pass the
 * PHP receipt_verifier (and forged ones fail with the right reason), and the PHP edge_client's
 * claim, delete and ping work.
 */

const stack = stackPerFile();

interface Resource {
  userid: number;
  courseid?: number;
  assignmentid?: number;
  submissionid?: number;
}

/** A token signed by moodle-plugin/classes/token_issuer.php. */
function phpToken(scope: 'upload' | 'view' | 'claim' | 'admin' | 'server', r: Resource, extra: Record<string, unknown> = {}): Promise<string> {
  return php('token', {
    secret: stack.secrets.sharedSecret,
    site: SITE,
    scope,
    courseid: 2,
    assignmentid: 10,
    coursename: 'Film 101',
    assignmentname: 'Final cut',
    fullname: 'Ada Student',
    ...r,
    ...extra,
  });
}

interface Verdict {
  ok: boolean;
  reason?: string;
  message?: string;
  receipt?: Record<string, unknown>;
}

function phpVerify(receipt: string, userid: number, submissionid: number, extra: Record<string, unknown> = {}): Promise<Verdict> {
  return phpJson<Verdict>('verify-receipt', { secret: stack.secrets.sharedSecret, site: SITE, receipt, userid, submissionid, ...extra });
}

interface EdgeResult {
  ok: boolean;
  result?: unknown;
  status?: number;
  code?: string | null;
  message?: string;
}

function phpEdge(action: 'claim' | 'delete' | 'ping' | 'statuses' | 'export', token: string, extra: Record<string, unknown> = {}): Promise<EdgeResult> {
  return phpJson<EdgeResult>('edge', { edge: stack.edge.url, token, action, ...extra });
}

/** A real upload: PHP upload token → presign → bytes to S3 → confirm; returns the edge's answer. */
async function upload(userid: number, submissionid: number, bytes = 2048): Promise<ConfirmUploadResponse & { s3_key: string }> {
  const token = await phpToken('upload', { userid, submissionid }, { maxbytes: 0 });
  const start = await stack.edge.fetch('/api/upload-url', {
    token,
    body: { assignmentid: 10, submissionid, filename: 'Final cut.mp4', filesize: bytes, mimetype: 'video/mp4' },
  });
  assert.equal(start.status, 201, await start.clone().text());
  const presign = (await start.json()) as UploadUrlResponse;
  const content = videoBytes(bytes);
  const s3 = await postToS3(presign.presigned_url, presign.fields, content);
  assert.ok(s3.status === 201 || s3.status === 204, `S3 answered ${s3.status}`);
  const confirm = await stack.edge.fetch('/api/confirm-upload', {
    token,
    body: { assignmentid: 10, submissionid, s3_key: presign.s3_key, filesize: bytes, md5: md5Hex(content), duration: 3.5 },
  });
  assert.equal(confirm.status, 200, await confirm.clone().text());
  // The receipt names the played (final) key, which the staging key is copied to.
  return { ...((await confirm.json()) as ConfirmUploadResponse), s3_key: finalKey(presign.s3_key) };
}

describe('tokens signed by the PHP token_issuer are accepted by the edge', () => {
  it('view tokens carry the captions claim only when Moodle allows it, and the edge honours exactly that', async () => {
    const confirmed = await upload(47, 540);
    const vtt = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n';
    const attach = (token: string) =>
      stack.edge.fetch('/api/captions', { token, body: { submissionid: 540, videoid: confirmed.videoid, language: 'en', label: 'English', vtt } });
    const plain = await phpToken('view', { userid: 3, submissionid: 540 }, { role: 'teacher' });
    assert.equal((await errorOf(await attach(plain))).code, 'FORBIDDEN');
    const grader = await phpToken('view', { userid: 3, submissionid: 540 }, { role: 'teacher', captions: true });
    assert.equal((await attach(grader)).status, 201);
  });

  it('upload → /api/upload-url, view → /api/playback-url, admin → /api/ping, claim → /api/claim', async () => {
    const confirmed = await upload(41, 500);

    const view = await phpToken('view', { userid: 3, submissionid: 500 }, { role: 'teacher' });
    const play = await stack.edge.fetch('/api/playback-url?submissionid=500', { token: view });
    assert.equal(play.status, 200, await play.clone().text());
    assert.equal(((await play.json()) as PlaybackUrlResponse).videoid, confirmed.videoid);

    const admin = await phpToken('admin', { userid: 2 });
    const ping = await stack.edge.fetch('/api/ping', { token: admin });
    assert.equal(ping.status, 200);
    assert.equal(((await ping.json()) as { issuer: string }).issuer, SITE);

    const claim = await phpToken('claim', { userid: 41, submissionid: 500 });
    const claimed = await stack.edge.fetch('/api/claim', { token: claim, body: { receipt: confirmed.receipt } });
    assert.equal(claimed.status, 200, await claimed.clone().text());
    assert.deepEqual(await claimed.json(), { success: true, videoid: confirmed.videoid, replaced_videoid: null });
  });

  it('accepts a site configured with a trailing slash: the issuer drops it', async () => {
    const admin = await php('token', { secret: stack.secrets.sharedSecret, site: `${SITE}/`, scope: 'admin', userid: 2 });
    assert.equal((await stack.edge.fetch('/api/ping', { token: admin })).status, 200);
  });

  it('refuses every PHP token signed with another secret: 401 INVALID_TOKEN', async () => {
    const wrong = { secret: randomBytes(32).toString('base64url'), site: SITE, courseid: 2, assignmentid: 10, submissionid: 501, userid: 42 };
    const calls: Array<[string, string, unknown]> = [
      ['upload', '/api/upload-url', { assignmentid: 10, submissionid: 501, filename: 'a.mp4', filesize: 10, mimetype: 'video/mp4' }],
      ['view', '/api/playback-url?submissionid=501', undefined],
      ['admin', '/api/ping', undefined],
      ['claim', '/api/claim', { receipt: 'x.y.z' }],
    ];
    for (const [scope, path, body] of calls) {
      const token = await php('token', { ...wrong, scope });
      const res = await stack.edge.fetch(path, { token, body });
      const err = await errorOf(res);
      assert.deepEqual([err.status, err.code], [401, 'INVALID_TOKEN'], `${scope} token with the wrong secret`);
    }
  });

  it('issues no token of any scope longer than the edge accepts (MAX_TOKEN_LIFETIME_SECONDS)', async () => {
    for (const scope of Object.keys(MAX_TOKEN_LIFETIME_SECONDS) as Scope[]) {
      const issued = await phpToken(scope, { userid: 5, submissionid: 503 }, { maxbytes: 1000 });
      const { iat, exp } = JSON.parse(Buffer.from(issued.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };
      assert.ok(exp > iat, `${scope}: exp after iat`);
      assert.ok(exp - iat <= MAX_TOKEN_LIFETIME_SECONDS[scope], `${scope}: PHP issues ${exp - iat} s, the edge accepts at most ${MAX_TOKEN_LIFETIME_SECONDS[scope]} s`);
    }
  });

  it('refuses a PHP token of the wrong scope for an endpoint: 403 WRONG_SCOPE', async () => {
    const view = await phpToken('view', { userid: 3, submissionid: 502 }, { role: 'teacher' });
    const err = await errorOf(await stack.edge.fetch('/api/ping', { token: view }));
    assert.deepEqual([err.status, err.code], [403, 'WRONG_SCOPE']);
  });
});

describe('receipts the edge signs pass the PHP receipt_verifier, forged ones do not', () => {
  let confirmed: ConfirmUploadResponse & { s3_key: string };
  before(async () => {
    confirmed = await upload(43, 510, 3000);
  });

  it('accepts the real receipt for its user and submission, with what the edge vouched for', async () => {
    const verdict = await phpVerify(confirmed.receipt, 43, 510);
    assert.equal(verdict.ok, true, verdict.message);
    assert.deepEqual(
      { ...verdict.receipt, issuedat: undefined, expiresat: undefined },
      {
        videoid: confirmed.videoid,
        s3key: confirmed.s3_key,
        filesize: 3000,
        duration: 3.5,
        mimetype: 'video/mp4',
        userid: 43,
        courseid: 2,
        assignmentid: 10,
        submissionid: 510,
        site: SITE,
        filename: 'Final_cut.mp4',
        issuedat: undefined,
        expiresat: undefined,
      },
    );
  });

  it('refuses a tampered receipt: tampered', async () => {
    const [head, body, signature] = confirmed.receipt.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, filesize: 1 })).toString('base64url');
    assert.deepEqual(await phpVerify(`${head}.${forged}.${signature}`, 43, 510).then((v) => v.reason), 'tampered');
    const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
    assert.equal((await phpVerify(`${head}.${body}.${flipped}`, 43, 510)).reason, 'tampered');
  });

  it('refuses an expired receipt: expired', async () => {
    const exp = JSON.parse(Buffer.from(confirmed.receipt.split('.')[1]!, 'base64url').toString()).exp as number;
    assert.equal((await phpVerify(confirmed.receipt, 43, 510, { now: exp + 3600 })).reason, 'expired');
  });

  it("refuses another user's receipt: foreign_user", async () => {
    assert.equal((await phpVerify(confirmed.receipt, 44, 510)).reason, 'foreign_user');
  });

  it("refuses another submission's receipt: foreign_submission", async () => {
    assert.equal((await phpVerify(confirmed.receipt, 43, 511)).reason, 'foreign_submission');
  });

  it("refuses a receipt on another site: foreign_site", async () => {
    const verdict = await phpVerify(confirmed.receipt, 43, 510, { site: 'https://other-moodle.example.edu' });
    assert.equal(verdict.reason, 'foreign_site');
  });

  it('refuses a token the PHP side signed passed off as a receipt: malformed', async () => {
    const upload = await phpToken('upload', { userid: 43, submissionid: 510 });
    assert.equal((await phpVerify(upload, 43, 510)).reason, 'malformed');
  });
});

describe('the PHP edge_client against the edge', () => {
  it('pings with an admin token, and a wrong secret is a 401 the settings check can name', async () => {
    const ok = await phpEdge('ping', await phpToken('admin', { userid: 2 }));
    assert.equal(ok.ok, true);
    assert.equal((ok.result as { issuer: string }).issuer, SITE);
    const wrong = await php('token', { secret: randomBytes(32).toString('base64url'), site: SITE, scope: 'admin', userid: 2 });
    assert.deepEqual(await phpEdge('ping', wrong), { ok: false, status: 401, code: 'INVALID_TOKEN', message: 'The token is invalid.' });
  });

  it('claims a receipt, then a replacement, which retires the first', async () => {
    const first = await upload(45, 520);
    const claim = await phpToken('claim', { userid: 45, submissionid: 520 });
    assert.deepEqual(await phpEdge('claim', claim, { receipt: first.receipt }), {
      ok: true,
      result: { videoid: first.videoid, replaced_videoid: null },
    });
    const second = await upload(45, 520);
    assert.deepEqual(await phpEdge('claim', claim, { receipt: second.receipt }), {
      ok: true,
      result: { videoid: second.videoid, replaced_videoid: first.videoid },
    });
    const view = await phpToken('view', { userid: 45, submissionid: 520 }, { role: 'student' });
    const play = await stack.edge.fetch('/api/playback-url?submissionid=520', { token: view });
    assert.equal(((await play.json()) as PlaybackUrlResponse).videoid, second.videoid);
  });

  it('a claim token for another submission cannot claim the receipt: 403 FORBIDDEN', async () => {
    const video = await upload(46, 530);
    const other = await phpToken('claim', { userid: 46, submissionid: 531 });
    const result = await phpEdge('claim', other, { receipt: video.receipt });
    assert.deepEqual([result.ok, result.status, result.code], [false, 403, 'FORBIDDEN']);
  });

  it('deletes a video with an admin token; deleting it again counts as done', async () => {
    const video = await upload(47, 540);
    const admin = await phpToken('admin', { userid: 2 });
    assert.deepEqual(await phpEdge('delete', admin, { videoid: video.videoid }), { ok: true, result: true });
    // The edge's delete is idempotent (issue 8): a repeated delete gets the same 200 answer.
    assert.deepEqual(await phpEdge('delete', admin, { videoid: video.videoid }), { ok: true, result: true });
    const row = await stack.edge.db.prepare('SELECT upload_status FROM videos WHERE id = ?').bind(video.videoid).first<{ upload_status: string }>();
    assert.equal(row!.upload_status, 'deleted');
  });
});

describe('the PHP edge_client reads the true state of videos and signs privacy export links', () => {
  it('tells ready, replaced, deleted by an admin (with who and when) and missing, in one call', async () => {
    const first = await upload(61, 700);
    const server = await phpToken('server', { userid: 2 });
    const claim = await phpToken('claim', { userid: 61, submissionid: 700 });
    assert.equal((await phpEdge('claim', claim, { receipt: first.receipt })).ok, true);
    const second = await upload(61, 700);
    assert.equal((await phpEdge('claim', claim, { receipt: second.receipt })).ok, true);
    const other = await upload(62, 701);
    const admin = await phpToken('admin', { userid: 5 });
    assert.equal((await phpEdge('delete', admin, { videoid: other.videoid })).ok, true);

    const answer = await phpEdge('statuses', server, { videoids: [first.videoid, second.videoid, other.videoid, 99_999_999] });
    assert.equal(answer.ok, true, answer.message);
    const videos = answer.result as Record<string, { status: string; reason: string | null; submissionid: number | null; deleted_by: string | null; replaced_by: number | null; deleted_at: string | null }>;
    assert.deepEqual([videos[first.videoid]!.status, videos[first.videoid]!.reason, videos[first.videoid]!.replaced_by], ['replaced', 'replaced', second.videoid]);
    assert.deepEqual([videos[second.videoid]!.status, videos[second.videoid]!.submissionid], ['ready', 700]);
    assert.deepEqual([videos[other.videoid]!.status, videos[other.videoid]!.reason, videos[other.videoid]!.deleted_by], ['deleted', 'admin', '5']);
    assert.ok(videos[other.videoid]!.deleted_at);
    assert.equal(videos[99_999_999]!.status, 'missing');
  });

  it('refuses a browser-held scope and more than 1000 ids', async () => {
    const admin = await phpToken('admin', { userid: 2 });
    const refused = await phpEdge('statuses', admin, { videoids: [1] });
    assert.deepEqual([refused.status, refused.code], [403, 'WRONG_SCOPE']);
    const server = await phpToken('server', { userid: 2 });
    const many = await phpEdge('statuses', server, { videoids: Array.from({ length: 1001 }, (_, i) => i + 1) });
    assert.deepEqual([many.status, many.code], [400, 'INVALID_REQUEST']);
  });

  it('signs a 7-day download of the stored video named as uploaded, and refuses a deleted one', async () => {
    const video = await upload(63, 710, 4096);
    const server = await phpToken('server', { userid: 2 });
    const link = await phpEdge('export', server, { videoid: video.videoid });
    assert.equal(link.ok, true, link.message);
    const { url, expires_at, filename } = link.result as { url: string; expires_at: string; filename: string };
    assert.equal(filename, 'Final cut.mp4');
    assert.match(url, /X-Amz-Expires=604800/);
    assert.ok(Date.parse(expires_at) - Date.now() > 6.9 * 86400 * 1000);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal((await res.arrayBuffer()).byteLength, 4096);
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="Final cut.mp4"; filename*=UTF-8''Final%20cut.mp4`);

    const admin = await phpToken('admin', { userid: 2 });
    assert.equal((await phpEdge('delete', admin, { videoid: video.videoid })).ok, true);
    const gone = await phpEdge('export', server, { videoid: video.videoid });
    assert.deepEqual([gone.status, gone.code], [410, 'VIDEO_DELETED']);
  });
});
