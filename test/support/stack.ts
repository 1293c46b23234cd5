import { randomBytes } from 'node:crypto';
import { startCdn } from '../../local/cdn/server';
import { startEdge, type Edge } from './edge';
import { s3Env, testS3Client, type S3Env } from './s3-env';
import { generateSecrets } from './secrets';

export type Stack = Awaited<ReturnType<typeof startStack>>;

/** Worker (workerd, local D1 + KV) + CDN stand-in, both on the real local S3. */
export async function startStack(vars: Record<string, string> = {}) {
  const secrets = generateSecrets();
  const s3 = s3Env();
  const distributionId = `E${randomBytes(6).toString('hex').toUpperCase()}`;
  const cdn = await startCdn({
    port: 0,
    host: '127.0.0.1',
    keys: { [secrets.keyPairId]: secrets.cloudfrontPublicKey },
    distributionId,
    s3,
  });
  let edge: Edge;
  try {
    edge = await startEdge({
      s3,
      secret: secrets.sharedSecret,
      cdn: { url: cdn.url, keyPairId: secrets.keyPairId, privateKey: secrets.cloudfrontPrivateKey, distributionId },
      vars,
    });
  } catch (err) {
    await cdn.close();
    throw err;
  }
  return {
    edge,
    cdn,
    s3,
    s3client: testS3Client(s3),
    secrets,
    async close() {
      await edge.dispose();
      await cdn.close();
    },
  };
}

/** The browser's half of an upload: a multipart/form-data POST, policy fields first and the file last. */
export async function postToS3(
  presignedUrl: string,
  fields: Record<string, string>,
  body: Uint8Array,
  filename = 'clip.mp4',
  overrides: Record<string, string> = {},
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...fields, ...overrides })) form.append(name, value);
  form.append('file', new Blob([body], { type: overrides['Content-Type'] ?? fields['Content-Type'] }), filename);
  return fetch(presignedUrl, { method: 'POST', body: form });
}

export async function countRows(db: D1Database): Promise<{ videos: number; events: number }> {
  const [v, e] = await db.batch<{ n: number }>([
    db.prepare('SELECT COUNT(*) AS n FROM videos'),
    db.prepare('SELECT COUNT(*) AS n FROM events'),
  ]);
  return { videos: v!.results[0]!.n, events: e!.results[0]!.n };
}

export async function errorOf(res: Response): Promise<{ status: number; code: string; message: string; field?: string }> {
  const body = (await res.json()) as { error: { code: string; message: string; field?: string } };
  return { status: res.status, ...body.error };
}
