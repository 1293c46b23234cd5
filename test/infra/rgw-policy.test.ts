import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  CreateBucketCommand,
} from '@aws-sdk/client-s3';
import type { ConfirmUploadResponse, HealthResponse } from '../../edge/src/contract';
import { workerPolicyStatements } from '../../infra/worker-policy';
import { rgwWorkerBucketPolicy } from '../../local/s3/bucket-policy';
import { errorOf, startStack, uploadVideo } from '../support/stack';
import { sendMultipart, startMultipart } from '../support/multipart';
import { s3Env, testS3Client } from '../support/s3-env';
import { token } from '../support/tokens';
import { videoBytes } from '../support/video-bytes';

/**
 * The worker's least-privilege policy (infra/worker-policy.ts), enforced by Ceph RGW on a bucket
 * and a user of this test's own: the worker's flows work under it, every action in it is needed
 * by some call (taking it away makes that call fail), and nothing outside it is allowed.
 */

const ROOT = new URL('../../', import.meta.url).pathname;
const suffix = randomBytes(4).toString('hex');
const bucket = `s3video-i12pol-${suffix}`;
const uid = `s3video-i12pol-${suffix}`;
const owner = testS3Client();
let worker: S3Client;
let workerKeys: { accessKeyId: string; secretAccessKey: string };

const rgw = (...args: string[]) => execFileSync('bash', [`${ROOT}local/s3/rgw.sh`, ...args], { encoding: 'utf8' });

/** The policy with `drop` (an action on one statement) taken away. */
function policyWithout(drop?: { sid: string; action: string }): string {
  const full = JSON.parse(rgwWorkerBucketPolicy(bucket, uid)) as { Statement: Array<{ Sid: string; Action: string[] }> };
  if (drop) {
    for (const s of full.Statement) if (s.Sid === drop.sid) s.Action = s.Action.filter((a) => a !== drop.action);
    full.Statement = full.Statement.filter((s) => s.Action.length > 0);
  }
  return JSON.stringify(full);
}
const setPolicy = (policy: string) => owner.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));

const status = async (call: Promise<unknown>): Promise<number> => {
  try {
    await call;
    return 200;
  } catch (err) {
    return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
  }
};

before(async () => {
  await owner.send(new CreateBucketCommand({ Bucket: bucket }));
  const keys = Object.fromEntries(
    rgw('user-add', uid)
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
  workerKeys = { accessKeyId: keys.AWS_ACCESS_KEY_ID!, secretAccessKey: keys.AWS_SECRET_ACCESS_KEY! };
  worker = testS3Client({ ...s3Env(), ...workerKeys, bucket });
  await setPolicy(policyWithout());
});

after(async () => {
  // The worker's own objects and uploads go first (it holds the delete and abort grants).
  await setPolicy(policyWithout()).catch(() => {});
  const uploads = await worker.send(new ListMultipartUploadsCommand({ Bucket: bucket })).catch(() => owner.send(new ListMultipartUploadsCommand({ Bucket: bucket })));
  for (const u of uploads.Uploads ?? []) {
    await worker.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key!, UploadId: u.UploadId! })).catch(() => {});
  }
  const listed = await worker.send(new ListObjectsV2Command({ Bucket: bucket }));
  const objects = (listed.Contents ?? []).map((o) => ({ Key: o.Key! }));
  if (objects.length > 0) await worker.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
  await owner.send(new DeleteBucketPolicyCommand({ Bucket: bucket })).catch(() => {});
  await owner.send(new DeleteBucketCommand({ Bucket: bucket }));
  rgw('user-rm', uid);
  worker?.destroy();
});

describe("the worker's flows under the least-privilege policy", () => {
  it('uploads, confirms, reports a missing object as not uploaded, runs multipart, checks health and deletes', async () => {
    const stack = await startStack({ S3_BUCKET: bucket, AWS_ACCESS_KEY_ID: workerKeys.accessKeyId, AWS_SECRET_ACCESS_KEY: workerKeys.secretAccessKey });
    try {
      const video = await uploadVideo(stack, { submissionid: 2100 });

      // A confirm before the bytes arrived: HeadObject must say 404 (it needs s3:ListBucket), not 403.
      const upload = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 2101 });
      const ids = { assignmentid: 10, submissionid: 2101 };
      const presign = await stack.edge.fetch('/api/upload-url', { token: upload, body: { ...ids, filename: 'a.mp4', filesize: 100, mimetype: 'video/mp4' } });
      const { s3_key } = (await presign.json()) as { s3_key: string };
      const early = await errorOf(await stack.edge.fetch('/api/confirm-upload', { token: upload, body: { ...ids, s3_key, filesize: 100, md5: '0'.repeat(32) } }));
      assert.equal(early.code, 'OBJECT_NOT_UPLOADED', early.message);

      // Multipart: two parts (16 MiB + 4 MiB), each signed with its Content-MD5, listed, completed, confirmed; another one aborted.
      const big = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 2102, maxbytes: 64 * 1024 ** 2 });
      const mp = { assignmentid: 10, submissionid: 2102 };
      const session = await sendMultipart(stack, big, mp, videoBytes(20 * 1024 ** 2));
      const started = session.start;
      const parts = await stack.edge.fetch(`/api/multipart/parts?submissionid=2102&s3_key=${encodeURIComponent(started.s3_key)}`, { token: big });
      assert.equal(parts.status, 200, await parts.clone().text());
      const completed = await stack.edge.fetch('/api/multipart/complete', { token: big, body: { ...mp, s3_key: started.s3_key } });
      assert.equal(completed.status, 200, await completed.clone().text());
      const confirmed = await stack.edge.fetch('/api/confirm-upload', { token: big, body: session.confirmBody });
      assert.equal(confirmed.status, 200, await confirmed.clone().text());
      assert.equal(((await confirmed.json()) as ConfirmUploadResponse).success, true);

      const other = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 2103, maxbytes: 64 * 1024 ** 2 });
      const mp2 = { assignmentid: 10, submissionid: 2103 };
      const second = await startMultipart(stack, other, mp2, videoBytes(20 * 1024 ** 2));
      const aborted = await stack.edge.fetch('/api/multipart/abort', { token: other, body: { ...mp2, s3_key: second.start.s3_key } });
      assert.equal(aborted.status, 200, await aborted.clone().text());

      const admin = await token(stack.secrets.sharedSecret, { scope: 'admin' });
      const health = (await (await stack.edge.fetch('/api/admin/health', { token: admin })).json()) as HealthResponse;
      assert.equal(health.ok, true, JSON.stringify(health.checks));
      const deleted = await stack.edge.fetch(`/api/admin/videos/${video.videoid}`, { method: 'DELETE', token: admin });
      assert.equal(deleted.status, 200, await deleted.clone().text());
      assert.equal(await status(worker.send(new HeadObjectCommand({ Bucket: bucket, Key: video.key }))), 404);
    } finally {
      await stack.close();
    }
  });
});

describe('every action in the policy is needed, and nothing else is allowed', () => {
  const body = () => videoBytes(16);
  // Objects and uploads the probes read are the owner's: on RGW an object's writer may always
  // use it through its ACL, which would hide a missing policy grant (on AWS, Object Ownership
  // "bucket owner enforced" turns ACLs off and the policy alone decides).
  const newUpload = async (key: string) =>
    (await owner.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))).UploadId!;
  const ownerPut = async (Key: string) => void (await owner.send(new PutObjectCommand({ Bucket: bucket, Key, Body: body() })));

  /** For each action: the call that needs it, on a key under `prefix`; resolves to the HTTP status. */
  const probes: Record<string, (prefix: string) => Promise<{ prepare: () => Promise<void>; call: () => Promise<number> }>> = {
    's3:PutObject': async (prefix) => ({
      prepare: async () => {},
      call: () => status(worker.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/put-${suffix}`, Body: body() }))),
    }),
    's3:GetObject': async (prefix) => {
      const Key = `${prefix}/get-${suffix}`;
      return {
        prepare: () => ownerPut(Key),
        call: () => status(worker.send(new HeadObjectCommand({ Bucket: bucket, Key }))),
      };
    },
    's3:DeleteObject': async (prefix) => {
      const Key = `${prefix}/delete-${suffix}`;
      return {
        prepare: () => ownerPut(Key),
        call: async () => {
          const out = await worker.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key }] } }));
          return out.Errors?.length ? 403 : 200;
        },
      };
    },
    's3:ListMultipartUploadParts': async (prefix) => {
      const Key = `${prefix}/parts-${suffix}`;
      let UploadId = '';
      return {
        prepare: async () => void (UploadId = await newUpload(Key)),
        call: () => status(worker.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId }))),
      };
    },
    's3:AbortMultipartUpload': async (prefix) => {
      const Key = `${prefix}/abort-${suffix}`;
      let UploadId = '';
      return {
        prepare: async () => void (UploadId = await newUpload(Key)),
        call: () => status(worker.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }))),
      };
    },
    // HeadObject of a missing key: 404 with s3:ListBucket, 403 without.
    's3:ListBucket': async () => ({
      prepare: async () => {},
      call: async () => {
        const code = await status(worker.send(new HeadObjectCommand({ Bucket: bucket, Key: `videos/missing-${suffix}` })));
        return code === 404 ? 200 : code;
      },
    }),
    's3:GetBucketVersioning': async () => ({
      prepare: async () => {},
      call: () => status(worker.send(new GetBucketVersioningCommand({ Bucket: bucket }))),
    }),
  };

  const s3Statements = workerPolicyStatements(`arn:aws:s3:::${bucket}`, 'x').filter((s) => s.Action.every((a) => a.startsWith('s3:')));

  it('has a probe for exactly the actions the policy grants', () => {
    assert.deepEqual([...new Set(s3Statements.flatMap((s) => s.Action))].sort(), Object.keys(probes).sort());
  });

  for (const statement of s3Statements) {
    const prefix = /\/(uploads|videos)\/\*$/.exec(String(statement.Resource))?.[1] ?? 'videos';
    for (const action of statement.Action) {
      it(`${statement.Sid}: without ${action} its call is refused, with it the call works`, async () => {
        const probe = await probes[action]!(prefix);
        await setPolicy(policyWithout());
        await probe.prepare();
        await setPolicy(policyWithout({ sid: statement.Sid, action }));
        try {
          assert.equal(await probe.call(), 403, `${action} on ${prefix}/ should be needed`);
        } finally {
          await setPolicy(policyWithout());
        }
        assert.equal(await probe.call(), 200, `${action} on ${prefix}/ with the full policy`);
      });
    }
  }

  it('refuses everything outside the policy', async () => {
    await setPolicy(policyWithout());
    const outside = `other/${suffix}`;
    assert.equal(await status(worker.send(new PutObjectCommand({ Bucket: bucket, Key: outside, Body: body() }))), 403);
    await owner.send(new PutObjectCommand({ Bucket: bucket, Key: outside, Body: body() }));
    try {
      assert.equal(await status(worker.send(new HeadObjectCommand({ Bucket: bucket, Key: outside }))), 403);
      const del = await worker.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: outside }] } }));
      assert.equal(del.Errors?.[0]?.Code, 'AccessDenied');
    } finally {
      await owner.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: outside }] } }));
    }
    assert.equal(await status(worker.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policyWithout() }))), 403);
    assert.equal(
      await status(worker.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [{ AllowedMethods: ['GET'], AllowedOrigins: ['*'] }] } }))),
      403,
    );
    assert.equal(await status(worker.send(new DeleteBucketCommand({ Bucket: bucket }))), 403);
  });
});
