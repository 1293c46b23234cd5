import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { ConfirmUploadResponse, PlaybackUrlResponse, UploadUrlResponse } from '../../edge/src/contract';
import { countRows, errorOf, finalKey, md5Hex, postToS3, startStack } from '../support/stack';
import { stackPerFile } from '../support/stack-per-file';
import { SITE, token } from '../support/tokens';
import { verifyCloudFrontUrl, verifyHs256 } from '../support/verify';
import { videoBytes } from '../support/video-bytes';

const stack = stackPerFile();

const request = (overrides: Record<string, unknown> = {}) => ({
  assignmentid: 10,
  submissionid: 100,
  filename: 'My film (final).mp4',
  filesize: 4096,
  mimetype: 'video/mp4',
  ...overrides,
});

async function startUpload(tok: string, body = request()): Promise<UploadUrlResponse> {
  const res = await stack.edge.fetch('/api/upload-url', { token: tok, body });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as UploadUrlResponse;
}

describe('upload → confirm → receipt → playback, through the real S3 and CDN stand-in', () => {
  it('completes the happy path and every signature verifies independently', async () => {
    const bytes = videoBytes(4096);
    const upload = token(stack.secrets.sharedSecret, { scope: 'upload', sub: '7', submissionid: 100 });
    const asked = Date.now();
    const presign = await startUpload(await upload);
    const answered = Date.now();
    assert.match(presign.s3_key, /^uploads\/7\/\d{13}_[0-9a-f]{16}\/My_film_final\.mp4$/, 'grants name the staging key, never the played one');
    assert.equal(presign.fields.key, presign.s3_key);
    assert.equal(presign.fields['Content-Type'], 'video/mp4');
    const expires = Date.parse(presign.expires_at);
    // An hour from when the edge answered: between the request and its answer, to the second
    // (however long a busy machine took over it).
    assert.ok(expires >= asked + 3600_000 - 1000 && expires <= answered + 3600_000 + 1000, 'presign lives one hour');

    const s3res = await postToS3(presign.presigned_url, presign.fields, bytes);
    assert.ok(s3res.status === 204 || s3res.status === 201, `S3 POST answered ${s3res.status}: ${await s3res.text()}`);

    const confirm = await stack.edge.fetch('/api/confirm-upload', {
      token: await upload,
      body: { assignmentid: 10, submissionid: 100, s3_key: presign.s3_key, filesize: 4096, md5: md5Hex(bytes), duration: 12.5 },
    });
    assert.equal(confirm.status, 200);
    const confirmed = (await confirm.json()) as ConfirmUploadResponse;
    assert.equal(confirmed.success, true);
    assert.equal(confirmed.md5, md5Hex(bytes));
    const receipt = verifyHs256(confirmed.receipt, stack.secrets.sharedSecret);
    assert.equal(receipt.aud, 's3video-receipt');
    assert.equal(receipt.site, SITE);
    assert.equal(receipt.sub, '7');
    assert.equal(receipt.s3_key, finalKey(presign.s3_key));
    assert.equal(receipt.filesize, 4096);
    assert.equal(receipt.md5, md5Hex(bytes));
    assert.equal(receipt.duration, 12.5);
    assert.equal(receipt.submissionid, 100);
    assert.equal(receipt.videoid, confirmed.videoid);
    assert.ok((receipt.exp as number) > Date.now() / 1000 + 86400);

    // Confirming again (a retry after a lost answer) returns the same video and writes nothing.
    const before = await countRows(stack.edge.db);
    const again = await stack.edge.fetch('/api/confirm-upload', {
      token: await upload,
      body: { assignmentid: 10, submissionid: 100, s3_key: presign.s3_key, filesize: 4096, md5: md5Hex(bytes) },
    });
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), confirmed, 'the same answer, receipt included');
    assert.deepEqual(await countRows(stack.edge.db), before);

    const view = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '3', role: 'teacher', submissionid: 100 });
    const playAsked = Date.now();
    const play = await stack.edge.fetch('/api/playback-url?submissionid=100', { token: view });
    const playAnswered = Date.now();
    assert.equal(play.status, 200);
    const playback = (await play.json()) as PlaybackUrlResponse;
    assert.equal(playback.videoid, confirmed.videoid);
    assert.equal(playback.md5, md5Hex(bytes));
    const { keyPairId } = verifyCloudFrontUrl(playback.signed_url, stack.secrets.cloudfrontPublicKey);
    assert.equal(keyPairId, stack.secrets.keyPairId);
    const playExpires = Date.parse(playback.expires_at);
    assert.ok(playExpires >= playAsked + 86400_000 - 1000 && playExpires <= playAnswered + 86400_000 + 1000, 'URL lives 24 h');

    // The stand-in serves exactly the uploaded bytes, ranged, and refuses a tampered URL.
    const ranged = await fetch(playback.signed_url, { headers: { Range: 'bytes=100-199' } });
    assert.equal(ranged.status, 206);
    assert.deepEqual(Buffer.from(await ranged.arrayBuffer()), bytes.subarray(100, 200));
    const tampered = await fetch(playback.signed_url.replace('Signature=', 'Signature=A'));
    assert.equal(tampered.status, 403);

    const kinds = await stack.edge.db.prepare('SELECT event_type FROM events WHERE s3_key = ? ORDER BY id').bind(finalKey(presign.s3_key)).all<{ event_type: string }>();
    assert.deepEqual(kinds.results.map((r) => r.event_type), ['upload_start', 'upload_success', 'playback_access']);
    const row = await stack.edge.db.prepare('SELECT * FROM videos WHERE id = ?').bind(confirmed.videoid).first<Record<string, unknown>>();
    assert.equal(row!.upload_status, 'ready');
    assert.equal(row!.duration, 12.5);
    assert.equal(row!.fullname, 'Ada Student');
    assert.equal(row!.filename, 'My film (final).mp4');
    assert.equal(row!.md5, md5Hex(bytes));
  });
});

describe('S3 enforces the presigned policy', () => {
  it('refuses a POST larger than the token allows', async () => {
    const upload = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '8', submissionid: 101, maxbytes: 1000 });
    const presign = await startUpload(upload, request({ submissionid: 101, filesize: 1000 }));
    const res = await postToS3(presign.presigned_url, presign.fields, videoBytes(1001));
    assert.equal(res.status, 400);
    assert.match(await res.text(), /EntityTooLarge/);
  });

  it('refuses a POST of any size but the declared one', async () => {
    const upload = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '8', submissionid: 105 });
    const presign = await startUpload(upload, request({ submissionid: 105, filesize: 1000 }));
    for (const size of [999, 1, 1001]) {
      const res = await postToS3(presign.presigned_url, presign.fields, videoBytes(size));
      assert.equal(res.status, 400, `${size} bytes`);
      assert.match(await res.text(), size < 1000 ? /EntityTooSmall/ : /EntityTooLarge/);
    }
    assert.equal((await postToS3(presign.presigned_url, presign.fields, videoBytes(1000))).status, 204);
  });

  it('refuses a POST to another key', async () => {
    const upload = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '8', submissionid: 102 });
    const presign = await startUpload(upload, request({ submissionid: 102 }));
    const res = await postToS3(presign.presigned_url, presign.fields, videoBytes(100), 'x.mp4', { key: 'videos/1/other.mp4' });
    assert.equal(res.status, 403);
    await assert.rejects(stack.s3client.send(new GetObjectCommand({ Bucket: stack.s3.bucket, Key: 'videos/1/other.mp4' })));
  });

  it('refuses a POST with another Content-Type', async () => {
    const upload = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '8', submissionid: 103 });
    const presign = await startUpload(upload, request({ submissionid: 103 }));
    const res = await postToS3(presign.presigned_url, presign.fields, videoBytes(100), 'x.mp4', { 'Content-Type': 'text/html' });
    assert.equal(res.status, 403);
  });

  it('refuses a POST after the policy expired', async () => {
    const short = await startStack({ UPLOAD_URL_TTL_SECONDS: '1' });
    try {
      const upload = await token(short.secrets.sharedSecret, { scope: 'upload', sub: '8', submissionid: 104 });
      const res = await short.edge.fetch('/api/upload-url', { token: upload, body: request({ submissionid: 104 }) });
      const presign = (await res.json()) as UploadUrlResponse;
      // Past the policy's own stated expiry (S3 judges it to the second), however long the presign took.
      await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(presign.expires_at) + 1000 - Date.now())));
      const late = await postToS3(presign.presigned_url, presign.fields, videoBytes(100));
      assert.equal(late.status, 403);
      assert.match(await late.text(), /AccessDenied|expired/i);
    } finally {
      await short.close();
    }
  });
});

describe('confirm refuses what is not a finished upload of this token', () => {
  it('before the upload reached S3: 409 OBJECT_NOT_UPLOADED, logged, record stays pending', async () => {
    const upload = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '9', submissionid: 110 });
    const presign = await startUpload(upload, request({ submissionid: 110 }));
    const res = await stack.edge.fetch('/api/confirm-upload', {
      token: upload,
      body: { assignmentid: 10, submissionid: 110, s3_key: presign.s3_key, filesize: 4096, md5: md5Hex(videoBytes(1)) },
    });
    assert.deepEqual(await errorOf(res), { status: 409, code: 'OBJECT_NOT_UPLOADED', message: 'The video has not reached storage yet; finish the upload first.', field: 's3_key' });
    const row = await stack.edge.db.prepare('SELECT upload_status FROM videos WHERE s3_key = ?').bind(finalKey(presign.s3_key)).first<{ upload_status: string }>();
    assert.equal(row!.upload_status, 'pending');
    const failure = await stack.edge.db.prepare("SELECT error_code FROM events WHERE s3_key = ? AND event_type = 'upload_failure'").bind(presign.s3_key).first<{ error_code: string }>();
    assert.equal(failure!.error_code, 'OBJECT_NOT_UPLOADED');
  });

  it('with a size or checksum other than what S3 holds: 409, logged, and a correct retry then succeeds', async () => {
    const upload = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '9', submissionid: 111 });
    const presign = await startUpload(upload, request({ submissionid: 111, filesize: 3000 }));
    const bytes = videoBytes(3000);
    await postToS3(presign.presigned_url, presign.fields, bytes);
    const confirm = (filesize: number, md5: string) =>
      stack.edge.fetch('/api/confirm-upload', { token: upload, body: { assignmentid: 10, submissionid: 111, s3_key: presign.s3_key, filesize, md5 } });
    const wrongSize = await errorOf(await confirm(4096, md5Hex(bytes)));
    assert.deepEqual([wrongSize.status, wrongSize.code], [409, 'SIZE_MISMATCH']);
    const wrongSum = await errorOf(await confirm(3000, md5Hex(videoBytes(3000))));
    assert.deepEqual([wrongSum.status, wrongSum.code, wrongSum.field], [409, 'CHECKSUM_MISMATCH', 'md5']);
    const logged = await stack.edge.db.prepare("SELECT error_code FROM events WHERE s3_key = ? AND event_type = 'upload_failure' ORDER BY id").bind(presign.s3_key).all<{ error_code: string }>();
    assert.deepEqual(logged.results.map((r) => r.error_code), ['SIZE_MISMATCH', 'CHECKSUM_MISMATCH']);
    for (const bad of ['', 'abc', md5Hex(bytes).toUpperCase() + 'x', `${md5Hex(bytes)}-0`]) {
      const err = await errorOf(await confirm(3000, bad));
      assert.deepEqual([err.status, err.code, err.field], [400, 'INVALID_REQUEST', 'md5'], bad);
    }
    assert.equal((await confirm(3000, md5Hex(bytes))).status, 200);
  });

  it('an object replaced behind the edge\'s back (same size) is refused at confirm', async () => {
    const upload = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '9', submissionid: 112 });
    const presign = await startUpload(upload, request({ submissionid: 112, filesize: 2000 }));
    const sent = videoBytes(2000);
    await postToS3(presign.presigned_url, presign.fields, sent);
    await stack.s3client.send(new PutObjectCommand({ Bucket: stack.s3.bucket, Key: presign.s3_key, Body: videoBytes(2000), ContentType: 'video/mp4' }));
    const res = await stack.edge.fetch('/api/confirm-upload', { token: upload, body: { assignmentid: 10, submissionid: 112, s3_key: presign.s3_key, filesize: 2000, md5: md5Hex(sent) } });
    const err = await errorOf(res);
    assert.deepEqual([err.status, err.code], [409, 'CHECKSUM_MISMATCH']);
    const row = await stack.edge.db.prepare('SELECT upload_status, md5 FROM videos WHERE s3_key = ?').bind(finalKey(presign.s3_key)).first();
    assert.deepEqual(row, { upload_status: 'pending', md5: null });
  });

  it("another user's key: 404 UPLOAD_NOT_FOUND, and that upload is untouched", async () => {
    const owner = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '20', submissionid: 120 });
    const presign = await startUpload(owner, request({ submissionid: 120 }));
    await postToS3(presign.presigned_url, presign.fields, videoBytes(4096));
    const thief = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '21', submissionid: 121 });
    const res = await stack.edge.fetch('/api/confirm-upload', {
      token: thief,
      body: { assignmentid: 10, submissionid: 121, s3_key: presign.s3_key, filesize: 4096, md5: md5Hex(videoBytes(1)) },
    });
    const err = await errorOf(res);
    assert.equal(err.status, 404);
    assert.equal(err.code, 'UPLOAD_NOT_FOUND');
    const row = await stack.edge.db.prepare('SELECT upload_status, submissionid FROM videos WHERE s3_key = ?').bind(finalKey(presign.s3_key)).first<{ upload_status: string; submissionid: number }>();
    assert.deepEqual(row, { upload_status: 'pending', submissionid: 120 });
  });
});
