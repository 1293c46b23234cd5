import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { PlaybackUrlResponse } from '../../edge/src/contract';
import { checkInvariants } from '../support/invariants';
import { multipartOp, putPart, sendMultipart, signParts } from '../support/multipart';
import { errorOf, finalKey, postToS3, stageVideo, uploadVideo } from '../support/stack';
import { stackPerFile } from '../support/stack-per-file';
import { token } from '../support/tokens';
import { videoBytes } from '../support/video-bytes';

/**
 * Issue 8 §1: what is played can never be rewritten, and what is deleted never comes back.
 * Every kind of grant the edge issues is re-sent after confirm, after claim, after delete and
 * later; the teacher's signed URL, fetched through the CDN stand-in, keeps serving the very
 * bytes that were confirmed, and after the next cron run no object lacks a live record.
 */
const MIB = 1024 * 1024;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const stack = stackPerFile();

async function signedUrl(submissionid: number): Promise<string> {
  const view = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '3', role: 'teacher', submissionid });
  const res = await stack.edge.fetch(`/api/playback-url?submissionid=${submissionid}`, { token: view });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as PlaybackUrlResponse).signed_url;
}

async function served(url: string): Promise<{ status: number; sha: string }> {
  const res = await fetch(url);
  return { status: res.status, sha: sha256(new Uint8Array(await res.arrayBuffer())) };
}

async function exists(key: string): Promise<boolean> {
  return stack.s3client.send(new HeadObjectCommand({ Bucket: stack.s3.bucket, Key: key })).then(() => true, () => false);
}

const claim = async (submissionid: number, receipt: string) => {
  const tok = await token(stack.secrets.sharedSecret, { scope: 'claim', sub: '2', role: 'admin', submissionid });
  return stack.edge.fetch('/api/claim', { token: tok, body: { receipt } });
};
const adminDelete = async (videoid: number) => {
  const tok = await token(stack.secrets.sharedSecret, { scope: 'admin', sub: '2', role: 'admin' });
  return stack.edge.fetch(`/api/admin/videos/${videoid}`, { method: 'DELETE', token: tok });
};

describe('no grant can change or revive what is played', () => {
  let post: Awaited<ReturnType<typeof uploadVideo>>;
  let deleted: Awaited<ReturnType<typeof uploadVideo>>;
  let multipartSha = '';

  it('the presigned POST, re-sent after confirm, after claim and beside a later grant, never reaches the played bytes', async () => {
    post = await uploadVideo(stack, { sub: '81', submissionid: 810, size: 4096 });
    assert.notEqual(post.key, post.stagingKey, 'the played key is never the presigned one');
    const url = await signedUrl(810);
    assert.deepEqual(await served(url), { status: 200, sha: sha256(post.bytes) });

    const resend = async () => {
      const res = await postToS3(post.presign.presigned_url, post.presign.fields, videoBytes(4096));
      assert.equal(res.status, 204, 'S3 still honours the hour-long grant — on the staging key');
    };
    await resend();
    assert.deepEqual(await served(url), { status: 200, sha: sha256(post.bytes) }, 'after confirm');

    assert.equal((await claim(810, post.receipt)).status, 200);
    await resend();
    assert.deepEqual(await served(url), { status: 200, sha: sha256(post.bytes) }, 'after claim');
    assert.deepEqual(await served(await signedUrl(810)), { status: 200, sha: sha256(post.bytes) }, 'a fresh URL too');

    // A grant issued later (a new upload session for the submission) names a key of its own.
    const later = await stageVideo(stack, { sub: '81', submissionid: 810, size: 4096 });
    assert.notEqual(finalKey(later.presign.s3_key), post.key);
    assert.deepEqual(await served(url), { status: 200, sha: sha256(post.bytes) }, 'beside a later grant');
  });

  it('part URLs, a second complete and an old multipart upload on the staging key never reach the played bytes', async () => {
    const bytes = videoBytes(17 * MIB);
    const tok = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '82', submissionid: 811 });
    const s = await sendMultipart(stack, tok, { assignmentid: 10, submissionid: 811 }, bytes);
    const urls = await signParts(stack, s, [1]);
    // Another multipart upload on the staging key, left open (as an old, unfinished one would be).
    const old = await stack.s3client.send(new CreateMultipartUploadCommand({ Bucket: stack.s3.bucket, Key: s.start.s3_key, ContentType: 'video/mp4' }));
    const oldPart = await stack.s3client.send(new UploadPartCommand({ Bucket: stack.s3.bucket, Key: s.start.s3_key, UploadId: old.UploadId, PartNumber: 1, Body: videoBytes(bytes.length) }));

    assert.equal((await multipartOp(stack, s, 'complete')).status, 200);
    const confirm = await stack.edge.fetch('/api/confirm-upload', { token: tok, body: s.confirmBody });
    assert.equal(confirm.status, 200, await confirm.clone().text());
    multipartSha = sha256(bytes);
    const url = await signedUrl(811);
    assert.deepEqual(await served(url), { status: 200, sha: multipartSha });

    const same = await putPart(urls['1']!, s.parts[0]!);
    assert.equal(same.status, 404, 'a part URL of a completed upload is refused, even with its own bytes (NoSuchUpload)');
    const other = await putPart(urls['1']!, Buffer.from(s.parts[0]!).reverse());
    assert.equal(other.status, 403, 'and other bytes do not even match its signature (Content-MD5 is signed)');
    assert.equal((await multipartOp(stack, s, 'complete')).status, 200, 'completing again is harmless');
    await stack.s3client.send(new CompleteMultipartUploadCommand({
      Bucket: stack.s3.bucket, Key: s.start.s3_key, UploadId: old.UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: oldPart.ETag }] },
    }));
    assert.ok(await exists(s.start.s3_key), 'the old upload rewrote the staging key');
    assert.deepEqual(await served(url), { status: 200, sha: multipartSha }, 'after confirm');
    assert.equal((await claim(811, ((await confirm.json()) as { receipt: string }).receipt)).status, 200);
    assert.deepEqual(await served(url), { status: 200, sha: multipartSha }, 'after claim');
  });

  it('after an admin delete, re-sending the grant cannot bring the video back', async () => {
    deleted = await uploadVideo(stack, { sub: '83', submissionid: 812, size: 4096 });
    const url = await signedUrl(812);
    assert.equal((await adminDelete(deleted.videoid)).status, 200);
    const res = await postToS3(deleted.presign.presigned_url, deleted.presign.fields, deleted.bytes);
    assert.equal(res.status, 204, 'the grant still writes — its staging key');
    assert.equal(await exists(deleted.key), false, 'the played key stays gone');
    assert.notEqual((await served(url)).status, 200, 'the old signed URL serves nothing');
    const view = await token(stack.secrets.sharedSecret, { scope: 'view', submissionid: 812 });
    const gone = await errorOf(await stack.edge.fetch('/api/playback-url?submissionid=812', { token: view }));
    assert.deepEqual([gone.status, gone.code], [410, 'VIDEO_DELETED']);
    const confirmAgain = await errorOf(await stack.edge.fetch('/api/confirm-upload', {
      token: deleted.token,
      body: { assignmentid: 10, submissionid: 812, s3_key: deleted.stagingKey, filesize: 4096, md5: createHash('md5').update(deleted.bytes).digest('hex') },
    }));
    assert.deepEqual([confirmAgain.status, confirmAgain.code], [409, 'UPLOAD_NOT_PENDING'], 'nor can a confirm');
  });

  it('later, after cron runs, nothing is left without a live record and the played bytes are unchanged', async () => {
    await stack.edge.scheduled(new Date());
    // Grants still live at the first run: re-sent once more, later.
    assert.equal((await postToS3(post.presign.presigned_url, post.presign.fields, videoBytes(4096))).status, 204);
    assert.equal((await postToS3(deleted.presign.presigned_url, deleted.presign.fields, deleted.bytes)).status, 204);
    assert.ok(await exists(deleted.stagingKey));

    // The run after every grant (1 h) and its grace (6 h) expired.
    await stack.edge.scheduled(new Date(Date.now() + 8 * 3600_000));
    await checkInvariants(stack, { bucketClean: true });
    assert.equal(await exists(post.stagingKey), false);
    assert.equal(await exists(deleted.stagingKey), false);
    assert.deepEqual(await served(await signedUrl(810)), { status: 200, sha: sha256(post.bytes) });
    assert.deepEqual(await served(await signedUrl(811)), { status: 200, sha: multipartSha });
  });
});
