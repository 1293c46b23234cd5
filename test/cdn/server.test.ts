import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  CloudFrontClient,
  CreateInvalidationCommand,
  GetInvalidationCommand,
} from '@aws-sdk/client-cloudfront';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { playbackCorsConfig } from '../../infra/playback-cors.js';
import { startCdn, type RunningCdn } from '../../local/cdn/server.js';
import type { OriginConfig } from '../../local/cdn/origin.js';

/**
 * Against a real S3 (the local Ceph RGW): `bash local/s3/rgw.sh start` and
 * `eval "$(bash local/s3/rgw.sh env)"` first. Without that env the suite fails
 * rather than skips, so a green run always means the origin path was exercised.
 */

const KEY_PAIR_ID = 'K1LOCALCDNTEST';
const DISTRIBUTION_ID = 'E1LOCALCDNTEST';
const MOODLE_ORIGIN = 'http://127.0.0.1:5173';
const SIZE = 3 * 1024 * 1024 + 123;
/** A 400-digit position: far past any object, and past what a double holds exactly. */
const HUGE = `9${'0'.repeat(399)}`;

const { publicKey, privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const content = randomBytes(SIZE);
const objectKey = `cdn-test/${randomUUID()}/lecture one (é).mp4`;

let s3Config: OriginConfig;
let s3: S3Client;
let cdn: RunningCdn;
const extraServers: RunningCdn[] = [];

function s3FromEnv(): OriginConfig {
  const names = ['S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
  const missing = names.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not set: run \`bash local/s3/rgw.sh start && eval "$(bash local/s3/rgw.sh env)"\` first`,
    );
  }
  const env = (name: (typeof names)[number]) => process.env[name] ?? '';
  return {
    endpoint: env('S3_ENDPOINT'),
    region: env('S3_REGION'),
    bucket: env('S3_BUCKET'),
    accessKeyId: env('AWS_ACCESS_KEY_ID'),
    secretAccessKey: env('AWS_SECRET_ACCESS_KEY'),
  };
}

const pathOf = (key: string) => `/${key.split('/').map(encodeURIComponent).join('/')}`;

function signed(key = objectKey, base = cdn.url): string {
  return getSignedUrl({
    url: `${base}${pathOf(key)}`,
    keyPairId: KEY_PAIR_ID,
    privateKey,
    dateLessThan: new Date(Date.now() + 600_000).toISOString(),
  });
}

function signedForIp(sourceIp: string, base = cdn.url): string {
  const url = `${base}${pathOf(objectKey)}`;
  const policy = JSON.stringify({
    Statement: [
      {
        Resource: url,
        Condition: {
          DateLessThan: { 'AWS:EpochTime': Math.floor(Date.now() / 1000) + 600 },
          IpAddress: { 'AWS:SourceIp': sourceIp },
        },
      },
    ],
  });
  return getSignedUrl({ url, keyPairId: KEY_PAIR_ID, privateKey, policy });
}

async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

function cloudFront(): CloudFrontClient {
  return new CloudFrontClient({
    endpoint: cdn.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
    maxAttempts: 1,
  });
}

before(async () => {
  s3Config = s3FromEnv();
  s3 = new S3Client({
    endpoint: s3Config.endpoint,
    region: s3Config.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3Config.accessKeyId, secretAccessKey: s3Config.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await s3.send(
    new PutObjectCommand({ Bucket: s3Config.bucket, Key: objectKey, Body: content, ContentType: 'video/mp4' }),
  );
  cdn = await startCdn({
    port: 0,
    host: '127.0.0.1',
    keys: { [KEY_PAIR_ID]: publicKey },
    distributionId: DISTRIBUTION_ID,
    s3: s3Config,
    cors: playbackCorsConfig([MOODLE_ORIGIN]),
  });
});

after(async () => {
  await Promise.all([cdn, ...extraServers].filter(Boolean).map((server) => server.close()));
  if (s3) {
    await s3.send(new DeleteObjectCommand({ Bucket: s3Config.bucket, Key: objectKey }));
    s3.destroy();
  }
});

describe('viewer requests', () => {
  it('serves exactly the object for a signed GET, with the headers a cross-origin player needs', async () => {
    const response = await fetch(signed(), { headers: { Origin: MOODLE_ORIGIN } });
    assert.equal(response.status, 200);
    assert.deepEqual(await bytesOf(response), content);
    assert.equal(response.headers.get('content-type'), 'video/mp4');
    assert.equal(response.headers.get('content-length'), String(SIZE));
    assert.equal(response.headers.get('accept-ranges'), 'bytes');
    assert.match(response.headers.get('etag') ?? '', /^"[0-9a-f]{32}"$/);
    assert.ok(Date.parse(response.headers.get('last-modified') ?? '') > 0);
    assert.equal(response.headers.get('access-control-allow-origin'), MOODLE_ORIGIN);
    assert.equal(response.headers.get('access-control-expose-headers'), 'Content-Range, Content-Length, Accept-Ranges');
  });

  it('serves byte ranges as 206 with the exact slice', async () => {
    const cases: [range: string, start: number, end: number][] = [
      ['bytes=100-199', 100, 199],
      ['bytes=0-0', 0, 0],
      [`bytes=${SIZE - 10}-`, SIZE - 10, SIZE - 1],
      ['bytes=-500', SIZE - 500, SIZE - 1],
      [`bytes=${SIZE - 5}-${SIZE + 1000}`, SIZE - 5, SIZE - 1],
      [`bytes=-${SIZE * 2}`, 0, SIZE - 1],
      // RFC 9110 §14.1.2: a last-pos or suffix past the end reaches the end, however many digits it has.
      [`bytes=0-${HUGE}`, 0, SIZE - 1],
      [`bytes=${SIZE - 10}-${HUGE}`, SIZE - 10, SIZE - 1],
      [`bytes=-${HUGE}`, 0, SIZE - 1],
      // The range unit is case-insensitive (§14.1).
      ['Bytes=100-199', 100, 199],
    ];
    for (const [range, start, end] of cases) {
      const response = await fetch(signed(), { headers: { Range: range } });
      assert.equal(response.status, 206, range);
      assert.equal(response.headers.get('content-range'), `bytes ${start}-${end}/${SIZE}`, range);
      assert.equal(response.headers.get('content-length'), String(end - start + 1), range);
      assert.equal(response.headers.get('accept-ranges'), 'bytes', range);
      assert.deepEqual(await bytesOf(response), content.subarray(start, end + 1), range);
    }
  });

  it('answers 416 with the object size for unsatisfiable ranges', async () => {
    const unsatisfiable = [
      `bytes=${SIZE}-`,
      `bytes=${SIZE + 10}-${SIZE + 20}`,
      'bytes=-0',
      // A valid range past any object: 400 digits must not overflow into a range that starts inside it.
      `bytes=${HUGE}-`,
      `bytes=${HUGE}-${HUGE}9`,
      `bytes=${'0'.repeat(400)}${SIZE}-`,
      `BYTES=${SIZE}-`,
    ];
    for (const range of unsatisfiable) {
      const response = await fetch(signed(), { headers: { Range: range } });
      assert.equal(response.status, 416, range);
      assert.equal(response.headers.get('content-range'), `bytes */${SIZE}`, range);
      assert.match(await response.text(), /<Code>InvalidRange<\/Code>/, range);
    }
  });

  it('serves the whole object when the Range header is not one it can honour', async () => {
    // CloudFront's Range GET guide: ranges it cannot honour (several, negative, invalid) get 200 and the object.
    const ignored = ['bytes=0-1,5-6', 'bytes=5-2', 'bytes=-', 'bytes=abc-', 'bytes=-5-10', 'bytes= 0-10', 'items=0-10', `bytes=${HUGE}-1`];
    for (const range of ignored) {
      const response = await fetch(signed(), { headers: { Range: range } });
      assert.equal(response.status, 200, range);
      assert.equal(response.headers.get('content-range'), null, range);
      assert.deepEqual(await bytesOf(response), content, range);
    }
  });

  it('answers HEAD with the headers only', async () => {
    const head = await fetch(signed(), { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(SIZE));
    assert.equal(head.headers.get('content-type'), 'video/mp4');
    assert.equal(head.headers.get('accept-ranges'), 'bytes');
    assert.ok(head.headers.get('etag'));
    assert.equal((await bytesOf(head)).length, 0);

    const ranged = await fetch(signed(), { method: 'HEAD', headers: { Range: 'bytes=-1000' } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-range'), `bytes ${SIZE - 1000}-${SIZE - 1}/${SIZE}`);
    assert.equal(ranged.headers.get('content-length'), '1000');

    for (const range of [`bytes=${SIZE}-`, `bytes=${HUGE}-`]) {
      const beyond = await fetch(signed(), { method: 'HEAD', headers: { Range: range } });
      assert.equal(beyond.status, 416, range);
      assert.equal(beyond.headers.get('content-range'), `bytes */${SIZE}`, range);
    }
  });

  it('refuses tampered and unsigned URLs with CloudFront’s XML', async () => {
    const tampered = await fetch(signed().replace('lecture', 'exam'), { headers: { Origin: MOODLE_ORIGIN } });
    assert.equal(tampered.status, 403);
    assert.equal(tampered.headers.get('content-type'), 'text/xml');
    assert.equal(tampered.headers.get('access-control-allow-origin'), MOODLE_ORIGIN, "the player may read the refusal's status");
    assert.equal(
      await tampered.text(),
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>',
    );

    const unsigned = await fetch(`${cdn.url}${pathOf(objectKey)}`);
    assert.equal(unsigned.status, 403);
    assert.match(
      await unsigned.text(),
      /<Code>MissingKey<\/Code><Message>Missing Key-Pair-Id query parameter or cookie value<\/Message>/,
    );

    const post = await fetch(signed(), { method: 'POST', body: 'x' });
    assert.equal(post.status, 403);
    assert.match(await post.text(), /<Code>MethodNotAllowed<\/Code>/);
  });

  it('answers 404 NoSuchKey for a signed URL to a missing object', async () => {
    const missingKey = `cdn-test/${randomUUID()}/nothing.mp4`;
    const response = await fetch(signed(missingKey));
    assert.equal(response.status, 404);
    const body = await response.text();
    assert.match(body, /<Code>NoSuchKey<\/Code>/);
    assert.ok(body.includes(`<Key>${missingKey}</Key>`), body);

    const head = await fetch(signed(missingKey), { method: 'HEAD' });
    assert.equal(head.status, 404);
  });

  it('answers the CORS preflight of a Range request from the Moodle origin', async () => {
    const response = await fetch(signed(), {
      method: 'OPTIONS',
      headers: {
        Origin: MOODLE_ORIGIN,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'range',
      },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), MOODLE_ORIGIN);
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /\bGET\b/);
    assert.equal(response.headers.get('access-control-allow-headers'), 'Range');
  });

  it('checks IpAddress against the socket, and against X-Forwarded-For only when trusted', async () => {
    assert.equal((await fetch(signedForIp('127.0.0.1/32'))).status, 200);
    const spoofed = await fetch(signedForIp('198.51.100.0/24'), { headers: { 'X-Forwarded-For': '198.51.100.9' } });
    assert.equal(spoofed.status, 403);

    const proxied = await startCdn({
      port: 0,
      keys: { [KEY_PAIR_ID]: publicKey },
      distributionId: DISTRIBUTION_ID,
      s3: s3Config,
      cors: playbackCorsConfig([MOODLE_ORIGIN]),
      trustForwardedFor: true,
    });
    extraServers.push(proxied);
    const forwarded = await fetch(signedForIp('198.51.100.0/24', proxied.url), {
      method: 'HEAD',
      headers: { 'X-Forwarded-For': '198.51.100.9, 10.0.0.1' },
    });
    assert.equal(forwarded.status, 200);
    const elsewhere = await fetch(signedForIp('198.51.100.0/24', proxied.url), {
      method: 'HEAD',
      headers: { 'X-Forwarded-For': '203.0.113.1' },
    });
    assert.equal(elsewhere.status, 403);
  });

  it('survives viewers that hang up mid-stream', async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve, reject) => {
        const request = httpGet(signed(), (response) => {
          assert.equal(response.statusCode, 200);
          response.once('data', () => {
            request.destroy();
            resolve();
          });
        });
        request.on('error', (err: NodeJS.ErrnoException) => {
          if (err.code !== 'ECONNRESET') reject(err);
        });
      });
    }
    const response = await fetch(signed(), { headers: { Range: 'bytes=0-9' } });
    assert.equal(response.status, 206);
    assert.deepEqual(await bytesOf(response), content.subarray(0, 10));
  });
});

describe('CloudFront API', () => {
  it('creates an invalidation the SDK parses, and records it', async () => {
    const client = cloudFront();
    const callerReference = `test-${randomUUID()}`;
    const paths = [pathOf(objectKey), '/cdn-test/*'];
    const created = await client.send(
      new CreateInvalidationCommand({
        DistributionId: DISTRIBUTION_ID,
        InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: paths } },
      }),
    );
    const id = created.Invalidation?.Id ?? '';
    assert.match(id, /^I[A-Z0-9]{13}$/);
    assert.equal(created.Invalidation?.Status, 'Completed');
    assert.ok(created.Invalidation?.CreateTime instanceof Date);
    assert.deepEqual(created.Invalidation?.InvalidationBatch?.Paths?.Items, paths);
    assert.equal(created.Invalidation?.InvalidationBatch?.CallerReference, callerReference);
    assert.equal(created.Location, `${cdn.url}/2020-05-31/distribution/${DISTRIBUTION_ID}/invalidation/${id}`);

    const fetched = await client.send(new GetInvalidationCommand({ DistributionId: DISTRIBUTION_ID, Id: id }));
    assert.equal(fetched.Invalidation?.Id, id);
    assert.deepEqual(fetched.Invalidation?.InvalidationBatch?.Paths?.Items, paths);

    const again = await client.send(
      new CreateInvalidationCommand({
        DistributionId: DISTRIBUTION_ID,
        InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: paths } },
      }),
    );
    assert.equal(again.Invalidation?.Id, id, 'the same CallerReference and paths are the same invalidation');

    const recorded = (await (await fetch(`${cdn.url}/__cdn/invalidations`)).json()) as Array<{ id: string }>;
    assert.deepEqual(
      recorded.filter((r: { id: string }) => r.id === id),
      [
        {
          id,
          distributionId: DISTRIBUTION_ID,
          paths,
          callerReference,
          createdAt: created.Invalidation?.CreateTime?.toISOString(),
          completesAt: created.Invalidation!.CreateTime!.getTime(),
        },
      ],
    );
    assert.deepEqual(cdn.invalidations, recorded);
    client.destroy();
  });

  it('throws NoSuchDistribution for another distribution, and NoSuchInvalidation for an unknown id', async () => {
    const client = cloudFront();
    await assert.rejects(
      client.send(
        new CreateInvalidationCommand({
          DistributionId: 'EWRONGDISTRIBUTION',
          InvalidationBatch: { CallerReference: randomUUID(), Paths: { Quantity: 1, Items: ['/x'] } },
        }),
      ),
      { name: 'NoSuchDistribution' },
    );
    await assert.rejects(client.send(new GetInvalidationCommand({ DistributionId: DISTRIBUTION_ID, Id: 'INOPE' })), {
      name: 'NoSuchInvalidation',
    });
    client.destroy();
  });

  it('refuses unsigned API calls and batches CloudFront would reject', async () => {
    const endpoint = `${cdn.url}/2020-05-31/distribution/${DISTRIBUTION_ID}/invalidation`;
    const batch = (quantity: number, items: string[]) =>
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<InvalidationBatch xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">' +
      `<Paths><Quantity>${quantity}</Quantity>` +
      `<Items>${items.map((p) => `<Path>${p}</Path>`).join('')}</Items></Paths>` +
      `<CallerReference>${randomUUID()}</CallerReference></InvalidationBatch>`;
    const post = (body: string, authorization?: string) =>
      fetch(endpoint, { method: 'POST', body, headers: authorization ? { Authorization: authorization } : {} });

    const unsigned = await post(batch(1, ['/a']));
    assert.equal(unsigned.status, 403);
    assert.match(await unsigned.text(), /<Code>MissingAuthenticationToken<\/Code>/);
    assert.equal((await post(batch(1, ['/a']), 'Bearer abc')).status, 403);

    const sigv4 =
      'AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20300101/us-east-1/cloudfront/aws4_request, ' +
      'SignedHeaders=host, Signature=00';
    assert.match(await (await post(batch(2, ['/a']), sigv4)).text(), /<Code>InconsistentQuantities<\/Code>/);
    assert.match(await (await post(batch(1, ['no-slash']), sigv4)).text(), /<Code>InvalidArgument<\/Code>/);
    assert.match(await (await post('not xml', sigv4)).text(), /<Code>MalformedInput<\/Code>/);
    assert.equal((await post(batch(1, ['/a&amp;b']), sigv4)).status, 201);
    assert.equal(cdn.invalidations.at(-1)?.paths[0], '/a&b');
  });
});
