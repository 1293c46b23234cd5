import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CopyObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { deleteObjects } from '../../edge/src/services/s3';
import { createTestBucket, dropTestBucket, listKeys } from '../support/bucket';
import { s3Env, testS3Client } from '../support/s3-env';

/**
 * The edge's deleteObjects against RGW while copies write the same key — what an admin delete
 * meets when it races confirm's server-side copy (review rv/race5.mjs: one delete of 20 answered
 * 502 STORAGE_ERROR). RGW refuses such a key in DeleteObjects' per-key Errors (`UnknownError`);
 * deleteObjects must still delete it, so parallel deletes of one video all succeed.
 */
const s3 = testS3Client();
const bucket = `s3v-test-${randomBytes(6).toString('hex')}`;
before(async () => {
  await createTestBucket(s3, bucket);
});
after(async () => {
  await dropTestBucket(s3, bucket);
});

describe('deleteObjects racing copies to the same key (RGW)', () => {
  it('20 parallel deletes of a video\'s keys racing 10 copies to its final key, 6 rounds: no key refused', async () => {
    assert.ok(s3Env().endpoint, 'the local RGW');
    const refused: string[] = [];
    for (let round = 0; round < 6; round++) {
      const staging = `uploads/42/${round}_race/clip.mp4`;
      const final = staging.replace(/^uploads\//, 'videos/');
      const poster = final.replace(/[^/]+$/, 'poster.jpg');
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: staging, Body: randomBytes(256 * 1024) }));
      const copies = Array.from({ length: 10 }, () => s3.send(new CopyObjectCommand({ Bucket: bucket, Key: final, CopySource: `${bucket}/${staging}` })));
      const deletes = Array.from({ length: 20 }, () => deleteObjects(s3, bucket, [final, staging, poster]));
      const [, results] = await Promise.all([Promise.all(copies), Promise.all(deletes)]);
      for (const r of results) refused.push(...[...r.failed].map(([key, code]) => `${key}: ${code}`));
      // Whatever a copy that finished after the last delete wrote, one more delete removes it.
      assert.equal((await deleteObjects(s3, bucket, [final, staging, poster])).failed.size, 0);
    }
    assert.deepEqual(refused, []);
    assert.deepEqual(await listKeys(s3, bucket), []);
  });

  it('keys that never existed count as deleted', async () => {
    const { deleted, failed } = await deleteObjects(s3, bucket, ['videos/none/a.mp4', 'videos/none/poster.jpg']);
    assert.equal(failed.size, 0);
    assert.deepEqual([...deleted].sort(), ['videos/none/a.mp4', 'videos/none/poster.jpg']);
  });
});
