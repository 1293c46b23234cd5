import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CompleteMultipartUploadCommand, HeadObjectCommand, ListPartsCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import type {
  ConfirmUploadResponse,
  MultipartPartsResponse,
  MultipartSignResponse,
  MultipartStartResponse,
  PlaybackUrlResponse,
} from '../../edge/src/contract';
import { MAX_SIGNATURES_PER_PART, partSizeFor } from '../../edge/src/contract';
import { errorOf, finalKey, multipartEtag, startStack, type Stack } from '../support/stack';
import { stackPerFile } from '../support/stack-per-file';
import { multipartOp, sendMultipart } from '../support/multipart';
import { token } from '../support/tokens';
import { videoBytes } from '../support/video-bytes';

const MIB = 1024 * 1024;
const stack = stackPerFile();

async function start(tok: string, submissionid: number, size: number): Promise<MultipartStartResponse> {
  const res = await stack.edge.fetch('/api/multipart/start', {
    token: tok,
    body: { assignmentid: 10, submissionid, filename: 'lecture.mp4', filesize: size, mimetype: 'video/mp4' },
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as MultipartStartResponse;
}

/** Content-MD5 (RFC 1864): what the browser computes for each part. */
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('base64');

function signRequest(tok: string, submissionid: number, key: string, parts: Array<[number, Uint8Array]>): Promise<Response> {
  return stack.edge.fetch('/api/multipart/sign-parts', {
    token: tok,
    body: { assignmentid: 10, submissionid, s3_key: key, parts: parts.map(([part_number, bytes]) => ({ part_number, md5: md5(bytes) })) },
  });
}

async function sign(tok: string, submissionid: number, key: string, parts: Array<[number, Uint8Array]>): Promise<Record<string, string>> {
  const res = await signRequest(tok, submissionid, key, parts);
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as MultipartSignResponse;
  assert.ok(Date.parse(body.resumable_until) > Date.parse(body.expires_at), 'the upload outlives its part URLs');
  return body.urls;
}

/** A part PUT as the browser sends it: the body and the Content-MD5 header it was signed with. */
function put(url: string, bytes: Uint8Array, contentMd5 = md5(bytes)): Promise<Response> {
  return fetch(url, { method: 'PUT', body: new Uint8Array(bytes), headers: { 'Content-MD5': contentMd5 } });
}

async function putPart(url: string, bytes: Uint8Array): Promise<string> {
  const res = await put(url, bytes);
  assert.equal(res.status, 200, await res.clone().text());
  return res.headers.get('ETag')!;
}

const s3Code = async (res: Response) => /<Code>([^<]*)<\/Code>/.exec(await res.text())?.[1];

const op = (tok: string, path: string, submissionid: number, key: string) =>
  stack.edge.fetch(`/api/multipart/${path}`, { token: tok, body: { assignmentid: 10, submissionid, s3_key: key } });

describe('multipart upload through the real S3', () => {
  it('uploads in parts, resumes from what S3 holds, completes, confirms and plays', async () => {
    const size = 20 * MIB + 12345;
    const bytes = videoBytes(size);
    const tok = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 1000 });
    const s = await start(tok, 1000, size);
    assert.equal(s.part_size, 16 * MIB);
    assert.equal(s.part_count, 2);
    // An hour of signing plus the 6 h grace before cleanup would abandon it.
    assert.ok(Math.abs(Date.parse(s.resumable_until) - Date.now() - 7 * 3600_000) < 10_000, s.resumable_until);

    const first = await sign(tok, 1000, s.s3_key, [[1, bytes.subarray(0, s.part_size)]]);
    await putPart(first['1']!, bytes.subarray(0, s.part_size));

    // "The page reloaded": ask S3 what it already holds, then send only the rest.
    const listed = (await (await stack.edge.fetch(`/api/multipart/parts?submissionid=1000&s3_key=${encodeURIComponent(s.s3_key)}`, { token: tok })).json()) as MultipartPartsResponse;
    assert.deepEqual(listed.parts.map((p) => [p.part_number, p.size]), [[1, 16 * MIB]]);
    const rest = await sign(tok, 1000, s.s3_key, [[2, bytes.subarray(s.part_size)]]);
    await putPart(rest['2']!, bytes.subarray(s.part_size));

    const md5 = multipartEtag([bytes.subarray(0, s.part_size), bytes.subarray(s.part_size)]);
    const confirmEarly = await errorOf(await stack.edge.fetch('/api/confirm-upload', { token: tok, body: { assignmentid: 10, submissionid: 1000, s3_key: s.s3_key, filesize: size, md5 } }));
    assert.equal(confirmEarly.code, 'OBJECT_NOT_UPLOADED', 'nothing to confirm before completion');

    const done = await op(tok, 'complete', 1000, s.s3_key);
    assert.equal(done.status, 200, await done.clone().text());
    const again = await op(tok, 'complete', 1000, s.s3_key);
    assert.equal(again.status, 200, 'completing twice is harmless');

    const confirm = await stack.edge.fetch('/api/confirm-upload', { token: tok, body: { assignmentid: 10, submissionid: 1000, s3_key: s.s3_key, filesize: size, md5, duration: 60 } });
    assert.equal(confirm.status, 200, await confirm.clone().text());
    const confirmed = (await confirm.json()) as ConfirmUploadResponse;
    assert.ok(confirmed.receipt);
    assert.equal(confirmed.md5, md5, 'the composite ETag is what is checked and stored');

    const view = await token(stack.secrets.sharedSecret, { scope: 'view', submissionid: 1000 });
    const play = (await (await stack.edge.fetch('/api/playback-url?submissionid=1000', { token: view })).json()) as PlaybackUrlResponse;
    const across = await fetch(play.signed_url, { headers: { Range: `bytes=${16 * MIB - 10}-${16 * MIB + 9}` } });
    assert.deepEqual(Buffer.from(await across.arrayBuffer()), bytes.subarray(16 * MIB - 10, 16 * MIB + 10), 'the seam between parts is intact');
  });

  it('refuses to complete with a part missing or of the wrong size, and keeps the upload open', async () => {
    const size = 17 * MIB;
    const tok = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 1001 });
    const s = await start(tok, 1001, size);
    const [one, two] = [videoBytes(16 * MIB), videoBytes(1 * MIB)];
    const urls = await sign(tok, 1001, s.s3_key, [[1, one], [2, two]]);
    await putPart(urls['1']!, one);
    const missing = await errorOf(await op(tok, 'complete', 1001, s.s3_key));
    assert.deepEqual([missing.status, missing.code], [409, 'OBJECT_NOT_UPLOADED']);
    // A part URL no longer takes a wrong size (next test); a part stored some other way still must not pass.
    await stack.s3client.send(new UploadPartCommand({ Bucket: stack.s3.bucket, Key: s.s3_key, UploadId: s.upload_id, PartNumber: 2, Body: videoBytes(2 * MIB) }));
    const wrong = await errorOf(await op(tok, 'complete', 1001, s.s3_key));
    assert.deepEqual([wrong.status, wrong.code], [409, 'SIZE_MISMATCH']);
    assert.match(wrong.message, /Part 2/);
    // Re-sending the part with the right size fixes it.
    await putPart(urls['2']!, two);
    assert.equal((await op(tok, 'complete', 1001, s.s3_key)).status, 200);
  });

  it("signs each part URL with the part's exact length and MD5, so S3 refuses any other body", async () => {
    // The example: a 6 MiB upload whose part 1 once took a 48 MiB body.
    const size = 6 * MIB;
    const tok = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 1007 });
    const s = await start(tok, 1007, size);
    assert.equal(s.part_count, 1);
    const bytes = videoBytes(size);
    const url = (await sign(tok, 1007, s.s3_key, [[1, bytes]]))['1']!;
    assert.deepEqual(new URL(url).searchParams.get('X-Amz-SignedHeaders')!.split(';').sort(), ['content-length', 'content-md5', 'host']);

    const longer = Buffer.concat([bytes, videoBytes(42 * MIB)]);
    const tooLong = await put(url, longer, md5(bytes));
    assert.deepEqual([tooLong.status, await s3Code(tooLong)], [403, 'SignatureDoesNotMatch'], 'a 48 MiB body for a 6 MiB part');
    const tooShort = await put(url, bytes.subarray(0, size - 1), md5(bytes));
    assert.deepEqual([tooShort.status, await s3Code(tooShort)], [403, 'SignatureDoesNotMatch'], 'one byte short');
    const other = videoBytes(size);
    const otherDigest = await put(url, other, md5(other));
    assert.deepEqual([otherDigest.status, await s3Code(otherDigest)], [403, 'SignatureDoesNotMatch'], 'other bytes under their own Content-MD5');
    const noDigest = await fetch(url, { method: 'PUT', body: new Uint8Array(bytes) });
    assert.deepEqual([noDigest.status, await s3Code(noDigest)], [403, 'SignatureDoesNotMatch'], 'no Content-MD5 at all');
    const altered = Buffer.from(bytes);
    altered[3 * MIB]! ^= 0x01;
    const corrupted = await put(url, altered, md5(bytes));
    assert.deepEqual([corrupted.status, await s3Code(corrupted)], [400, 'BadDigest'], 'one bit flipped in flight');
    const listedBefore = await stack.s3client.send(new ListPartsCommand({ Bucket: stack.s3.bucket, Key: s.s3_key, UploadId: s.upload_id }));
    assert.equal(listedBefore.Parts?.length ?? 0, 0, 'S3 kept none of the refused bodies');

    const etag = await putPart(url, bytes);
    assert.equal(etag.replaceAll('"', ''), createHash('md5').update(bytes).digest('hex'));
    assert.equal((await op(tok, 'complete', 1007, s.s3_key)).status, 200);
  });

  it('signs the last part with its own length, not the part size', async () => {
    const size = 16 * MIB + 777;
    const tok = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 1008 });
    const s = await start(tok, 1008, size);
    const last = videoBytes(777);
    const url = (await sign(tok, 1008, s.s3_key, [[2, last]]))['2']!;
    const padded = await put(url, Buffer.concat([last, Buffer.alloc(16 * MIB - 777)]), md5(last));
    assert.equal(padded.status, 403, 'a full-size body for the short last part');
    await putPart(url, last);
  });

  it(`gives each part at most ${MAX_SIGNATURES_PER_PART} signatures over the session, counted exactly under parallel calls`, async () => {
    const tok = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 1009 });
    const s = await start(tok, 1009, 20 * MIB);
    const parts: Array<[number, Uint8Array]> = [[1, videoBytes(64)], [2, videoBytes(64)]];
    const budget = s.part_count * MAX_SIGNATURES_PER_PART;
    // More parallel single-part requests than the budget allows: exactly `budget` may pass.
    const answers = await Promise.all(Array.from({ length: budget + 8 }, (_, i) => signRequest(tok, 1009, s.s3_key, [parts[i % 2]!])));
    const statuses = answers.map((r) => r.status);
    assert.equal(statuses.filter((st) => st === 200).length, budget, statuses.join(','));
    const refused = await Promise.all(answers.filter((r) => r.status !== 200).map(errorOf));
    for (const err of refused) assert.deepEqual([err.status, err.code, err.field], [409, 'UPLOAD_NOT_PENDING', 'parts']);
    const row = await stack.edge.db.prepare('SELECT signatures FROM videos WHERE s3_key = ?').bind(finalKey(s.s3_key)).first<{ signatures: number }>();
    assert.equal(row?.signatures, budget);
    const more = await errorOf(await signRequest(tok, 1009, s.s3_key, parts));
    assert.deepEqual([more.status, more.code], [409, 'UPLOAD_NOT_PENDING'], 'the budget does not come back');
  });

  it('validates part numbers and ownership', async () => {
    const tok = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '70', submissionid: 1002 });
    const s = await start(tok, 1002, 40 * MIB);
    const digest = md5(videoBytes(16));
    const malformed: unknown[] = [
      undefined, 'all', [], [1], Array.from({ length: 101 }, (_, i) => ({ part_number: (i % 3) + 1, md5: digest })),
      [{ part_number: 0, md5: digest }], [{ part_number: 4, md5: digest }], [{ part_number: 1.5, md5: digest }], [{ part_number: '1', md5: digest }],
      [{ part_number: 1 }], [{ part_number: 1, md5: createHash('md5').update('x').digest('hex') }],
      [{ part_number: 1, md5: createHash('sha1').update('x').digest('base64') }], [{ part_number: 1, md5: `${digest.slice(0, 21)}B==` }],
      [{ part_number: 1, md5: digest.replace(/==$/, '') }], [{ part_number: 1, md5: digest }, { part_number: 1, md5: digest }],
    ];
    for (const parts of malformed) {
      const err = await errorOf(await stack.edge.fetch('/api/multipart/sign-parts', { token: tok, body: { assignmentid: 10, submissionid: 1002, s3_key: s.s3_key, parts } }));
      assert.deepEqual([err.status, err.code, err.field], [400, 'INVALID_REQUEST', 'parts'], JSON.stringify(parts));
    }
    const old = await errorOf(await stack.edge.fetch('/api/multipart/sign-parts', { token: tok, body: { assignmentid: 10, submissionid: 1002, s3_key: s.s3_key, part_numbers: [1] } }));
    assert.deepEqual([old.status, old.field], [400, 'parts'], 'a part number without its MD5 gets no URL');
    const row = await stack.edge.db.prepare('SELECT signatures FROM videos WHERE s3_key = ?').bind(finalKey(s.s3_key)).first<{ signatures: number }>();
    assert.equal(row?.signatures, 0, 'a refused request spends nothing');
    const other = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '71', submissionid: 1003 });
    const foreign = await errorOf(await stack.edge.fetch('/api/multipart/sign-parts', { token: other, body: { assignmentid: 10, submissionid: 1003, s3_key: s.s3_key, parts: [{ part_number: 1, md5: digest }] } }));
    assert.deepEqual([foreign.status, foreign.code], [404, 'UPLOAD_NOT_FOUND']);
    const tooBig = await errorOf(await stack.edge.fetch('/api/multipart/start', { token: await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 1004, maxbytes: 10 * MIB }), body: { assignmentid: 10, submissionid: 1004, filename: 'a.mp4', filesize: 11 * MIB, mimetype: 'video/mp4' } }));
    assert.deepEqual([tooBig.status, tooBig.code], [413, 'FILE_TOO_LARGE']);
  });

  it('abort removes the parts from S3 and closes the upload', async () => {
    const tok = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 1005 });
    const s = await start(tok, 1005, 20 * MIB);
    const part = videoBytes(16 * MIB);
    await putPart((await sign(tok, 1005, s.s3_key, [[1, part]]))['1']!, part);
    assert.equal((await op(tok, 'abort', 1005, s.s3_key)).status, 200);
    await assert.rejects(stack.s3client.send(new ListPartsCommand({ Bucket: stack.s3.bucket, Key: s.s3_key, UploadId: s.upload_id })));
    const after = await errorOf(await stack.edge.fetch('/api/multipart/sign-parts', { token: tok, body: { assignmentid: 10, submissionid: 1005, s3_key: s.s3_key, parts: [{ part_number: 2, md5: md5(part) }] } }));
    assert.deepEqual([after.status, after.code], [409, 'UPLOAD_NOT_PENDING']);
  });

  it('the cron aborts an idle multipart upload', async () => {
    const tok = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 1006 });
    const s = await start(tok, 1006, 20 * MIB);
    const part = videoBytes(16 * MIB);
    await putPart((await sign(tok, 1006, s.s3_key, [[1, part]]))['1']!, part);
    const day = 86400;
    await stack.edge.db.prepare('UPDATE videos SET presign_expires = presign_expires - ? WHERE s3_key = ?').bind(2 * day, finalKey(s.s3_key)).run();
    await stack.edge.scheduled(new Date());
    const row = await stack.edge.db.prepare('SELECT upload_status, multipart_upload_id FROM videos WHERE s3_key = ?').bind(finalKey(s.s3_key)).first();
    assert.deepEqual(row, { upload_status: 'error', multipart_upload_id: null });
    await assert.rejects(stack.s3client.send(new ListPartsCommand({ Bucket: stack.s3.bucket, Key: s.s3_key, UploadId: s.upload_id })));
  });
});

describe('multipart complete across a crash between S3 and the record', () => {
  /** The worker died after S3 assembled the object but before D1 heard of it. */
  async function assembledBehindTheEdge(submissionid: number): Promise<{ s: MultipartStartResponse; tok: string; bytes: Buffer }> {
    const size = 17 * MIB;
    const bytes = videoBytes(size);
    const tok = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid });
    const s = await start(tok, submissionid, size);
    const urls = await sign(tok, submissionid, s.s3_key, [[1, bytes.subarray(0, s.part_size)], [2, bytes.subarray(s.part_size)]]);
    const etags = [await putPart(urls['1']!, bytes.subarray(0, s.part_size)), await putPart(urls['2']!, bytes.subarray(s.part_size))];
    await stack.s3client.send(new CompleteMultipartUploadCommand({
      Bucket: stack.s3.bucket, Key: s.s3_key, UploadId: s.upload_id,
      MultipartUpload: { Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) },
    }));
    return { s, tok, bytes };
  }

  it('completing again finds the assembled object and answers success; confirm then works', async () => {
    const { s, tok, bytes } = await assembledBehindTheEdge(1010);
    const done = await op(tok, 'complete', 1010, s.s3_key);
    assert.equal(done.status, 200, await done.clone().text());
    const row = await stack.edge.db.prepare('SELECT upload_status, multipart_upload_id, assembled_timestamp FROM videos WHERE s3_key = ?').bind(finalKey(s.s3_key)).first<Record<string, unknown>>();
    assert.equal(row!.upload_status, 'pending');
    assert.equal(row!.multipart_upload_id, null);
    assert.ok(row!.assembled_timestamp, 'recorded as assembled');
    assert.equal((await op(tok, 'complete', 1010, s.s3_key)).status, 200, 'and again');
    const md5 = multipartEtag([bytes.subarray(0, s.part_size), bytes.subarray(s.part_size)]);
    const confirm = await stack.edge.fetch('/api/confirm-upload', { token: tok, body: { assignmentid: 10, submissionid: 1010, s3_key: s.s3_key, filesize: bytes.length, md5 } });
    assert.equal(confirm.status, 200, await confirm.clone().text());
  });

  it('the cron marks such an upload, never completed through the edge, error and removes its object', async () => {
    const { s } = await assembledBehindTheEdge(1011);
    await stack.edge.scheduled(new Date(Date.parse(s.resumable_until) + 60_000));
    const row = await stack.edge.db.prepare('SELECT upload_status, multipart_upload_id FROM videos WHERE s3_key = ?').bind(finalKey(s.s3_key)).first();
    assert.deepEqual(row, { upload_status: 'error', multipart_upload_id: null });
    await assert.rejects(stack.s3client.send(new HeadObjectCommand({ Bucket: stack.s3.bucket, Key: s.s3_key })), /NotFound/);
  });
});

describe('part size', () => {
  it('stays at 16 MiB until a file would need more than 10 000 parts', () => {
    assert.equal(partSizeFor(1), 16 * MIB);
    assert.equal(partSizeFor(5 * 1024 * MIB), 16 * MIB);
    assert.equal(partSizeFor(200 * 1024 * MIB), 21 * MIB);
    assert.ok(Math.ceil((200 * 1024 * MIB) / partSizeFor(200 * 1024 * MIB)) <= 10_000);
  });
});

describe('confirm copies large objects part by part (UploadPartCopy)', () => {
  let small: Stack;
  before(async () => {
    // Thresholds far below S3's 5 GiB so a test-sized file takes the multipart-copy path.
    small = await startStack({ S3_COPY_MULTIPART_ABOVE_BYTES: String(8 * MIB), S3_COPY_PART_BYTES: String(5 * MIB) });
  });
  after(async () => {
    await small?.close();
  });

  it('a 17 MiB upload is copied in 4 parts and plays byte for byte', async () => {
    const bytes = videoBytes(17 * MIB);
    const tok = await token(small.secrets.sharedSecret, { scope: 'upload', submissionid: 1020 });
    const s = await sendMultipart(small, tok, { assignmentid: 10, submissionid: 1020 }, bytes);
    assert.equal((await multipartOp(small, s, 'complete')).status, 200);
    const confirm = await small.edge.fetch('/api/confirm-upload', { token: tok, body: s.confirmBody });
    assert.equal(confirm.status, 200, await confirm.clone().text());
    const head = await small.s3client.send(new HeadObjectCommand({ Bucket: small.s3.bucket, Key: finalKey(s.start.s3_key) }));
    assert.match(head.ETag ?? '', /-4"$/, 'assembled from 4 copied parts');
    assert.equal(head.ContentType, 'video/mp4');
    const view = await token(small.secrets.sharedSecret, { scope: 'view', submissionid: 1020 });
    const play = (await (await small.edge.fetch('/api/playback-url?submissionid=1020', { token: view })).json()) as PlaybackUrlResponse;
    assert.deepEqual(Buffer.from(await (await fetch(play.signed_url)).arrayBuffer()).equals(bytes), true);
  });
});
