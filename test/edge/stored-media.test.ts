import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DeleteObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SNIFF_BYTES, sniffContainer, type Container } from '../../edge/src/media/container';
import { readStart, s3Client } from '../../edge/src/services/s3';
import { makeLegacyMov, makeMedia, makeTextAsVideo } from '../support/media-files';
import { s3Env, testS3Client } from '../support/s3-env';

/**
 * Confirm's second look, against the local Ceph RGW: the stored object's first
 * bytes, fetched with one ranged GET by the worker's own S3 client (which also gives its size
 * and ETag), name its container.
 * Objects go under a prefix of this run's own and are removed afterwards.
 */

const env = s3Env();
const admin = testS3Client(env);
const edgeS3 = s3Client({ ...env, forcePathStyle: true, copy: { multipartAbove: 5 * 1024 ** 3, partBytes: 512 * 1024 ** 2 } });
const prefix = `test-stored-media/${randomUUID()}/`;
const dir = mkdtempSync(join(tmpdir(), 's3video-stored-'));
const keys: string[] = [];

async function store(path: string, contentType = 'video/mp4'): Promise<string> {
  const key = `${prefix}${path.split('/').pop()}`;
  await admin.send(new PutObjectCommand({ Bucket: env.bucket, Key: key, Body: readFileSync(path), ContentType: contentType }));
  keys.push(key);
  return key;
}

after(async () => {
  if (keys.length) await admin.send(new DeleteObjectsCommand({ Bucket: env.bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
  rmSync(dir, { recursive: true, force: true });
});

/** What confirm does: one ranged GET of the first SNIFF_BYTES, then the sniff. */
async function sniffStored(key: string): Promise<Container | null> {
  const start = await readStart(edgeS3, env.bucket, key, SNIFF_BYTES);
  assert.ok(start, `${key} is stored`);
  return sniffContainer(start.first);
}

describe('readStart', () => {
  it('gives the whole size, the ETag and exactly the first bytes in one ranged GET; null for no object', async () => {
    const path = makeMedia(dir, 'mp4', 'range.mp4');
    const whole = readFileSync(path);
    const key = await store(path);
    const start = (await readStart(edgeS3, env.bucket, key, 12))!;
    assert.equal(start.size, whole.length);
    assert.equal(start.etag, createHash('md5').update(whole).digest('hex'));
    assert.deepEqual(Buffer.from(start.first), whole.subarray(0, 12));
    const past = (await readStart(edgeS3, env.bucket, key, whole.length + 100))!;
    assert.deepEqual(Buffer.from(past.first), whole, 'a short object: all of it');
    assert.equal(await readStart(edgeS3, env.bucket, `${prefix}missing.mp4`, 10), null);
  });
});

describe('the sniff names what storage really holds', () => {
  for (const kind of ['mp4', 'mov', 'mkv', 'webm', 'avi'] as const) {
    it(`a real ${kind.toUpperCase()}`, async () => {
      const expected = { mp4: 'mp4', mov: 'mov', mkv: 'matroska', webm: 'webm', avi: 'avi' }[kind];
      assert.equal(await sniffStored(await store(makeMedia(dir, kind))), expected);
    });
  }
  it('a QuickTime file without ftyp', async () => {
    assert.equal(await sniffStored(await store(makeLegacyMov(dir))), 'mov');
  });
  it('20 bytes of text stored as video/mp4 → null (confirm answers 415 NOT_A_VIDEO)', async () => {
    assert.equal(await sniffStored(await store(makeTextAsVideo(dir))), null);
  });
});
