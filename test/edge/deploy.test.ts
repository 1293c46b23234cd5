import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
} from '@aws-sdk/client-s3';
import type { AdminDeleteResponse, HealthResponse, MultipartStartResponse, PlaybackUrlResponse } from '../../edge/src/contract';
import { ipv4Network } from '../../edge/src/services/cdn';
import { errorOf, startStack, uploadVideo, type Stack } from '../support/stack';
import { token } from '../support/tokens';

/**
 * What a real deployment on AWS and Cloudflare does differently from the happy local path,
 * made to happen here: CloudFront's invalidation limit, a versioned bucket, a wrong region,
 * a bucket name with dots, the multipart lifecycle rule, viewers behind NAT.
 */

const decodePolicy = (signedUrl: string) =>
  JSON.parse(
    Buffer.from(new URL(signedUrl).searchParams.get('Policy')!.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64').toString(),
  ) as { Statement: Array<{ Condition: { IpAddress?: { 'AWS:SourceIp': string } } }> };

describe('admin delete while CloudFront refuses invalidations (3,000 paths in progress)', () => {
  let stack: Stack;
  before(async () => {
    // Invalidations stay in progress for an hour, as real ones do for minutes.
    stack = await startStack({}, { invalidationMs: 3600_000 });
  });
  after(async () => stack?.close());

  it('still deletes the bytes and the record, and answers that the invalidation was refused', async () => {
    const video = await uploadVideo(stack, { submissionid: 1200 });
    // Someone else's invalidations fill the distribution's budget.
    const cloudfront = new CloudFrontClient({
      region: 'us-east-1',
      endpoint: stack.cdn.url,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    });
    for (let batch = 0; batch < 3; batch++) {
      const items = Array.from({ length: 1000 }, (_, i) => `/videos/other/${batch}-${i}.mp4`);
      await cloudfront.send(
        new CreateInvalidationCommand({
          DistributionId: stack.distributionId,
          InvalidationBatch: { CallerReference: `fill-${batch}`, Paths: { Quantity: items.length, Items: items } },
        }),
      );
    }
    cloudfront.destroy();

    const admin = await token(stack.secrets.sharedSecret, { scope: 'admin', sub: '2' });
    const res = await stack.edge.fetch(`/api/admin/videos/${video.videoid}`, { method: 'DELETE', token: admin });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as AdminDeleteResponse;
    assert.deepEqual(body, { success: true, videoid: video.videoid, invalidation_id: null, invalidation: 'refused' });

    await assert.rejects(stack.s3client.send(new HeadObjectCommand({ Bucket: stack.s3.bucket, Key: video.key })), { name: 'NotFound' });
    const row = await stack.edge.db.prepare('SELECT upload_status FROM videos WHERE id = ?').bind(video.videoid).first<{ upload_status: string }>();
    assert.equal(row?.upload_status, 'deleted');
    const event = await stack.edge.db
      .prepare("SELECT error_context FROM events WHERE event_type = 'video_deletion' AND s3_key = ?")
      .bind(video.key)
      .first<{ error_context: string }>();
    assert.equal(JSON.parse(event!.error_context).invalidation_refused, 'TooManyInvalidationsInProgress');
    assert.equal(stack.cdn.invalidations.length, 3, 'only the three that filled the budget were accepted');
  });
});

describe('configuration a deployment gets wrong', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => stack?.close());

  const pingWith = async (vars: Record<string, string>) => {
    const s = await startStack(vars);
    try {
      return await errorOf(await s.edge.fetch('/api/ping', { token: await token(s.secrets.sharedSecret, { scope: 'admin' }) }));
    } finally {
      await s.close();
    }
  };

  it('refuses a bucket name with dots under virtual-hosted addressing, naming the fix', async () => {
    const err = await pingWith({ S3_BUCKET: 'videos.example.edu', S3_FORCE_PATH_STYLE: 'false' });
    assert.equal(err.status, 500);
    assert.match(err.message, /S3_BUCKET "videos\.example\.edu" contains dots.*S3_FORCE_PATH_STYLE=true/);
  });

  it('refuses an S3_REGION that is not a region name when talking to AWS', async () => {
    const err = await pingWith({ S3_ENDPOINT: '', S3_REGION: 'Ireland' });
    assert.equal(err.status, 500);
    assert.match(err.message, /S3_REGION "Ireland" is not a region name/);
  });

  it('health reports the local bucket as fine', async () => {
    const res = await stack.edge.fetch('/api/admin/health', { token: await token(stack.secrets.sharedSecret, { scope: 'admin' }) });
    assert.equal(res.status, 200);
    const health = (await res.json()) as HealthResponse;
    assert.equal(health.ok, true, JSON.stringify(health));
    assert.deepEqual(health.checks.map((c) => [c.name, c.ok]), [['bucket_region', true], ['versioning', true]]);
  });

  it('health names the real region of a bucket when S3_REGION is wrong (as S3 says in x-amz-bucket-region)', async () => {
    // Ceph RGW accepts any region; this stand-in answers as AWS does for a bucket in eu-west-1.
    const aws = await fakeAwsBucket('eu-west-1');
    const s = await startStack({ S3_ENDPOINT: aws.url, S3_REGION: 'us-east-1' });
    try {
      const res = await s.edge.fetch('/api/admin/health', { token: await token(s.secrets.sharedSecret, { scope: 'admin' }) });
      const health = (await res.json()) as HealthResponse;
      assert.equal(health.ok, false);
      const region = health.checks.find((c) => c.name === 'bucket_region')!;
      assert.equal(region.ok, false);
      assert.match(region.message, /is in eu-west-1, but S3_REGION is us-east-1: set S3_REGION = "eu-west-1"/);
    } finally {
      await s.close();
      await aws.close();
    }
  });

  it('health refuses a versioned bucket, where deletes only add delete markers', async () => {
    const bucket = `s3video-i12-ver-${randomBytes(4).toString('hex')}`;
    const s3 = stack.s3client;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    try {
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      const s = await startStack({ S3_BUCKET: bucket });
      try {
        const res = await s.edge.fetch('/api/admin/health', { token: await token(s.secrets.sharedSecret, { scope: 'admin' }) });
        const health = (await res.json()) as HealthResponse;
        const versioning = health.checks.find((c) => c.name === 'versioning')!;
        assert.equal(health.ok, false);
        assert.equal(versioning.ok, false);
        assert.match(versioning.message, /Versioning is enabled on .*NoncurrentVersionExpiration/);
      } finally {
        await s.close();
      }
    } finally {
      const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      const objects = [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
      if (objects.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    }
  });
});

describe('multipart resume never promised past the lifecycle rule', () => {
  it('caps resumable_until at the upload start + MULTIPART_ABORT_AFTER_DAYS', async () => {
    // A grace of 30 days would otherwise promise a month; the bucket aborts after 1 day.
    const s = await startStack({ MULTIPART_ABORT_AFTER_DAYS: '1', ABANDONED_GRACE_HOURS: '720' });
    try {
      const upload = await token(s.secrets.sharedSecret, { scope: 'upload', submissionid: 1300, maxbytes: 200 * 1024 ** 2 });
      const before = Date.now();
      const res = await s.edge.fetch('/api/multipart/start', {
        token: upload,
        body: { assignmentid: 10, submissionid: 1300, filename: 'big.mp4', filesize: 100 * 1024 ** 2, mimetype: 'video/mp4' },
      });
      assert.equal(res.status, 201, await res.clone().text());
      const started = (await res.json()) as MultipartStartResponse;
      const until = Date.parse(started.resumable_until);
      assert.ok(until <= Date.now() + 86400_000, `resumable_until ${started.resumable_until} is past start + 1 day`);
      assert.ok(until >= Math.floor(before / 1000) * 1000 + 86400_000 - 1000, 'and no earlier than that');

      const signed = await s.edge.fetch('/api/multipart/sign-parts', {
        token: upload,
        body: { assignmentid: 10, submissionid: 1300, s3_key: started.s3_key, parts: [{ part_number: 1, md5: createHash('md5').update(Buffer.alloc(16 * 1024 ** 2)).digest('base64') }] },
      });
      const { resumable_until } = (await signed.json()) as { resumable_until: string };
      assert.equal(resumable_until, started.resumable_until, 'signing more parts does not move it past the rule');
      await s.edge.fetch('/api/multipart/abort', { token: upload, body: { assignmentid: 10, submissionid: 1300, s3_key: started.s3_key } });
    } finally {
      await s.close();
    }
  });
});

describe('PLAYBACK_IP_RESTRICT binds to a network, not one address', () => {
  it('computes the network of an IPv4 address', () => {
    assert.equal(ipv4Network('203.0.113.77', 24), '203.0.113.0/24');
    assert.equal(ipv4Network('203.0.113.77', 32), '203.0.113.77/32');
    assert.equal(ipv4Network('203.0.113.77', 16), '203.0.0.0/16');
    assert.equal(ipv4Network('255.255.255.255', 8), '255.0.0.0/8');
    assert.equal(ipv4Network('2001:db8::1', 24), null);
    assert.equal(ipv4Network('256.1.1.1', 24), null);
    assert.equal(ipv4Network('1.2.3', 24), null);
  });

  it('signs the /24 by default, and the CDN lets another address of that network play', async () => {
    const s = await startStack({ PLAYBACK_IP_RESTRICT: 'true' });
    try {
      await uploadVideo(s, { submissionid: 1400 });
      const view = await token(s.secrets.sharedSecret, { scope: 'view', submissionid: 1400 });
      // The worker saw 127.0.0.9 (say, one exit of a NAT pool); the CDN sees 127.0.0.1.
      const res = await s.edge.fetch('/api/playback-url?submissionid=1400', { token: view, headers: { 'CF-Connecting-IP': '127.0.0.9' } });
      const { signed_url } = (await res.json()) as PlaybackUrlResponse;
      assert.equal(decodePolicy(signed_url).Statement[0]!.Condition.IpAddress!['AWS:SourceIp'], '127.0.0.0/24');
      assert.equal((await fetch(signed_url)).status, 200);
    } finally {
      await s.close();
    }
  });

  it('PLAYBACK_IP_PREFIX=32 pins one address, which a viewer elsewhere in the pool cannot use', async () => {
    const s = await startStack({ PLAYBACK_IP_RESTRICT: 'true', PLAYBACK_IP_PREFIX: '32' });
    try {
      await uploadVideo(s, { submissionid: 1401 });
      const view = await token(s.secrets.sharedSecret, { scope: 'view', submissionid: 1401 });
      const res = await s.edge.fetch('/api/playback-url?submissionid=1401', { token: view, headers: { 'CF-Connecting-IP': '127.0.0.9' } });
      const { signed_url } = (await res.json()) as PlaybackUrlResponse;
      assert.equal(decodePolicy(signed_url).Statement[0]!.Condition.IpAddress!['AWS:SourceIp'], '127.0.0.9/32');
      assert.equal((await fetch(signed_url)).status, 403);
    } finally {
      await s.close();
    }
  });
});

/** Answers HeadBucket and GetBucketVersioning the way AWS S3 does for a bucket in another region. */
async function fakeAwsBucket(region: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method === 'HEAD') {
      // A HEAD to the wrong regional endpoint: 301, no body, the real region in a header.
      res.writeHead(301, { 'x-amz-bucket-region': region });
      res.end();
      return;
    }
    const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message></Error>`;
    res.writeHead(301, { 'Content-Type': 'application/xml', 'x-amz-bucket-region': region });
    res.end(xml);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
