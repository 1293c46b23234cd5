import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CloudFrontClient, CreateInvalidationCommand, GetInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { playbackCorsConfig } from '../../infra/playback-cors.js';
import { MAX_PATHS_IN_PROGRESS, MAX_WILDCARD_PATHS_IN_PROGRESS } from '../../local/cdn/invalidations.js';
import { startCdn, type RunningCdn } from '../../local/cdn/server.js';

/**
 * The stand-in answers as a distribution with the project's response headers policy and
 * CloudFront's invalidation limits would. No object is fetched: an unsigned request's 403
 * carries the same CORS headers a 200 would, which is exactly what the player's probe reads.
 */

const MOODLE = 'https://moodle.example.edu';
const SECOND_MOODLE = 'https://moodle2.example.edu';
const DISTRIBUTION_ID = 'E2POLICYTEST';
const { publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
// Never contacted: these tests stop at the signature check or the API.
const s3 = { endpoint: 'http://127.0.0.1:9', region: 'us-east-1', bucket: 'unused', accessKeyId: 'x', secretAccessKey: 'y' };

let cdn: RunningCdn;
before(async () => {
  cdn = await startCdn({
    port: 0,
    keys: { K1: publicKey },
    distributionId: DISTRIBUTION_ID,
    s3,
    cors: playbackCorsConfig([MOODLE, SECOND_MOODLE]),
    invalidationMs: 3600_000,
  });
});
after(() => cdn?.close());

const video = () => `${cdn.url}/videos/7/1_a/clip.mp4`;

describe('CORS as the response headers policy answers it', () => {
  it('allows each configured Moodle origin, echoing it, and exposes what the player reads', async () => {
    for (const origin of [MOODLE, SECOND_MOODLE]) {
      const res = await fetch(video(), { headers: { Origin: origin, Range: 'bytes=0-0' } });
      assert.equal(res.status, 403, 'unsigned');
      assert.equal(res.headers.get('access-control-allow-origin'), origin);
      assert.equal(res.headers.get('access-control-expose-headers'), 'Content-Range, Content-Length, Accept-Ranges');
      assert.equal(res.headers.get('access-control-allow-credentials'), null);
    }
  });

  it('gives any other origin, and a request without Origin, no CORS headers', async () => {
    const cases: Array<Record<string, string>> = [{ Origin: 'https://evil.example' }, { Origin: 'https://moodle.example.edu.evil.example' }, {}];
    for (const headers of cases) {
      const res = await fetch(video(), { headers });
      assert.equal(res.headers.get('access-control-allow-origin'), null, JSON.stringify(headers));
      assert.equal(res.headers.get('access-control-expose-headers'), null);
    }
  });

  it('passes the preflight of a Range GET from a configured origin', async () => {
    const res = await fetch(video(), {
      method: 'OPTIONS',
      headers: { Origin: SECOND_MOODLE, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'range' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), SECOND_MOODLE);
    assert.equal(res.headers.get('access-control-allow-methods'), 'GET, HEAD, OPTIONS');
    assert.equal(res.headers.get('access-control-allow-headers'), 'Range');
    assert.equal(res.headers.get('access-control-max-age'), '600');
  });

  it('refuses a preflight from another origin, for another method or with other headers', async () => {
    const cases: Array<Record<string, string>> = [
      { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
      { Origin: MOODLE, 'Access-Control-Request-Method': 'PUT' },
      { Origin: MOODLE, 'Access-Control-Request-Method': 'DELETE' },
      { Origin: MOODLE, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'range, authorization' },
    ];
    for (const headers of cases) {
      const res = await fetch(video(), { method: 'OPTIONS', headers });
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      await res.body?.cancel();
    }
  });
});

describe("CloudFront's invalidation limits", () => {
  const client = () =>
    new CloudFrontClient({
      region: 'us-east-1',
      endpoint: cdn.url,
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  const invalidate = (c: CloudFrontClient, reference: string, items: string[]) =>
    c.send(
      new CreateInvalidationCommand({
        DistributionId: DISTRIBUTION_ID,
        InvalidationBatch: { CallerReference: reference, Paths: { Quantity: items.length, Items: items } },
      }),
    );

  it('keeps at most 3,000 file paths in progress, then answers TooManyInvalidationsInProgress', async () => {
    const c = client();
    const first = await invalidate(c, 'files-1', Array.from({ length: 2000 }, (_, i) => `/videos/a/${i}.mp4`));
    assert.equal(first.Invalidation?.Status, 'InProgress');
    await invalidate(c, 'files-2', Array.from({ length: MAX_PATHS_IN_PROGRESS - 2000 }, (_, i) => `/videos/b/${i}.mp4`));
    await assert.rejects(invalidate(c, 'files-3', ['/videos/c/one-too-many.mp4']), (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(err.name, 'TooManyInvalidationsInProgress');
      assert.equal(err.$metadata?.httpStatusCode, 400);
      return true;
    });
    // Repeating an accepted batch (same CallerReference) is the same invalidation, not a new one.
    const again = await invalidate(c, 'files-1', Array.from({ length: 2000 }, (_, i) => `/videos/a/${i}.mp4`));
    assert.equal(again.Invalidation?.Id, first.Invalidation?.Id);
    const fetched = await c.send(new GetInvalidationCommand({ DistributionId: DISTRIBUTION_ID, Id: first.Invalidation!.Id! }));
    assert.equal(fetched.Invalidation?.Status, 'InProgress');
    c.destroy();
  });

  it('counts wildcard paths on their own: at most 15 in progress', async () => {
    const c = client();
    // The file budget above is spent; wildcards have their own.
    await invalidate(c, 'wild-1', Array.from({ length: MAX_WILDCARD_PATHS_IN_PROGRESS }, (_, i) => `/videos/${i}/*`));
    await assert.rejects(invalidate(c, 'wild-2', ['/videos/16/*']), { name: 'TooManyInvalidationsInProgress' });
    c.destroy();
  });

  it('frees the budget once invalidations complete', async () => {
    const quick = await startCdn({ port: 0, keys: { K1: publicKey }, distributionId: DISTRIBUTION_ID, s3, cors: playbackCorsConfig([MOODLE]) });
    try {
      const c = new CloudFrontClient({ region: 'us-east-1', endpoint: quick.url, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      for (let i = 0; i < 4; i++) {
        const out = await c.send(
          new CreateInvalidationCommand({
            DistributionId: DISTRIBUTION_ID,
            InvalidationBatch: { CallerReference: `done-${i}`, Paths: { Quantity: 1000, Items: Array.from({ length: 1000 }, (_, j) => `/v/${i}/${j}`) } },
          }),
        );
        assert.equal(out.Invalidation?.Status, 'Completed');
      }
      c.destroy();
    } finally {
      await quick.close();
    }
  });
});
