// Proves the local S3 (local/s3/rgw.sh) does what the uploader and player rely on.
// Needs a running RGW and the env `rgw.sh env` prints:
//   set -a; eval "$(bash local/s3/rgw.sh env)"; set +a
//   node --import tsx --test test/local-s3.test.ts
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: source the output of 'local/s3/rgw.sh env'`);
  return value;
};

const endpoint = env('S3_ENDPOINT');
const Bucket = env('S3_BUCKET');
const s3 = new S3Client({
  endpoint,
  region: env('S3_REGION'),
  forcePathStyle: true,
  // RGW answers 411 to the SDK's default aws-chunked uploads with trailing checksums.
  requestChecksumCalculation: 'WHEN_REQUIRED',
});
// Each run writes under its own prefix, so runs don't see each other's objects.
const prefix = `test/local-s3/${Date.now()}-${randomBytes(4).toString('hex')}/`;

after(async () => {
  const left = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: prefix }));
  const keys = (left.Contents ?? []).map((o) => ({ Key: o.Key! }));
  if (keys.length) await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys } }));
  s3.destroy();
});

test('PutObject, then GetObject of a byte range answers 206 with those bytes', async () => {
  const Key = `${prefix}range.bin`;
  const body = randomBytes(1 << 20);
  await s3.send(new PutObjectCommand({ Bucket, Key, Body: body, ContentType: 'video/mp4' }));

  const got = await s3.send(new GetObjectCommand({ Bucket, Key, Range: 'bytes=1000-1999' }));
  assert.equal(got.$metadata.httpStatusCode, 206);
  assert.equal(got.ContentRange, `bytes 1000-1999/${body.length}`);
  assert.equal(got.ContentLength, 1000);
  assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), body.subarray(1000, 2000));
});

test('HeadObject reports the stored size and type', async () => {
  const Key = `${prefix}head.bin`;
  const size = 123_457;
  await s3.send(new PutObjectCommand({ Bucket, Key, Body: randomBytes(size), ContentType: 'video/webm' }));

  const head = await s3.send(new HeadObjectCommand({ Bucket, Key }));
  assert.equal(head.ContentLength, size);
  assert.equal(head.ContentType, 'video/webm');
  assert.match(head.ETag ?? '', /^"[0-9a-f]{32}"$/);
});

test('DeleteObjects removes both keys', async () => {
  const keys = [`${prefix}del-1.bin`, `${prefix}del-2.bin`];
  for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'x' }));

  const res = await s3.send(
    new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }),
  );
  assert.deepEqual(res.Errors ?? [], []);
  assert.deepEqual(res.Deleted?.map((d) => d.Key).sort(), keys);
  for (const Key of keys) {
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket, Key })), { name: 'NotFound' });
  }
});

test('the bucket answers a browser CORS preflight for a POST upload', async () => {
  const origin = 'http://localhost:8787';
  const res = await fetch(`${endpoint}/${Bucket}/${prefix}upload.mp4`, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type',
    },
  });
  assert.equal(res.status, 200);
  const allowed = res.headers.get('access-control-allow-origin');
  // The bucket rule allows `*` unless S3VIDEO_CORS_ORIGINS narrowed it.
  assert.ok(allowed === '*' || allowed === origin, `Access-Control-Allow-Origin: ${allowed}`);
  assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
});

test("a cross-origin part PUT's answer exposes ETag, which multipart completion needs", async () => {
  const Key = `${prefix}etag.bin`;
  // Unsigned, so refused: what matters here is the CORS headers on the answer, which the bucket
  // rule for the browser's PUTs (and only that rule) gives.
  const res = await fetch(`${endpoint}/${Bucket}/${Key}`, {
    method: 'PUT',
    body: 'etag',
    headers: { Origin: 'http://localhost:8787' },
  });
  assert.match(res.headers.get('access-control-expose-headers') ?? '', /etag/i);
});
