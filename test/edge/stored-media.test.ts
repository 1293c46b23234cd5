import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DeleteObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getObjectRange, s3Client } from '../../edge/src/services/s3';
import { sniffStoredObject } from '../../edge/src/services/stored-media';
import { makeLegacyMov, makeMedia, makeTextAsVideo } from '../support/media-files';
import { s3Env, testS3Client } from '../support/s3-env';

/**
 * Confirm's second look, against the local Ceph RGW: the stored object's first
 * bytes, fetched with a ranged GET by the worker's own S3 client, name its container.
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

describe('getObjectRange', () => {
  it('returns exactly the bytes asked for, fewer at the end, none past it, null for no object', async () => {
    const path = makeMedia(dir, 'mp4', 'range.mp4');
    const whole = readFileSync(path);
    const key = await store(path);
    assert.deepEqual(Buffer.from((await getObjectRange(edgeS3, env.bucket, key, 4, 11))!), whole.subarray(4, 12));
    assert.deepEqual(Buffer.from((await getObjectRange(edgeS3, env.bucket, key, whole.length - 3, whole.length + 100))!), whole.subarray(-3));
    assert.equal((await getObjectRange(edgeS3, env.bucket, key, whole.length + 10, whole.length + 20))!.length, 0);
    assert.equal(await getObjectRange(edgeS3, env.bucket, `${prefix}missing.mp4`, 0, 10), null);
  });
});

describe('sniffStoredObject names what storage really holds', () => {
  for (const kind of ['mp4', 'mov', 'mkv', 'webm', 'avi'] as const) {
    it(`a real ${kind.toUpperCase()}`, async () => {
      const expected = { mp4: 'mp4', mov: 'mov', mkv: 'matroska', webm: 'webm', avi: 'avi' }[kind];
      assert.equal(await sniffStoredObject(edgeS3, env.bucket, await store(makeMedia(dir, kind))), expected);
    });
  }
  it('a QuickTime file without ftyp', async () => {
    assert.equal(await sniffStoredObject(edgeS3, env.bucket, await store(makeLegacyMov(dir))), 'mov');
  });
  it('20 bytes of text stored as video/mp4 → null (confirm answers 415 NOT_A_VIDEO)', async () => {
    assert.equal(await sniffStoredObject(edgeS3, env.bucket, await store(makeTextAsVideo(dir))), null);
  });
  it("no object → 'missing' (confirm then re-reads the record: a parallel confirm or a delete won)", async () => {
    assert.equal(await sniffStoredObject(edgeS3, env.bucket, `${prefix}never-uploaded.mp4`), 'missing');
  });
});
