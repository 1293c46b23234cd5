import { createHash, randomBytes } from 'node:crypto';
import { playbackCorsConfig } from '../../infra/playback-cors';
import { startCdn } from '../../local/cdn/server';
import { createTestBucket, dropTestBucket } from './bucket';
import { DEFAULT_ALLOWED_ORIGIN, startEdge, type Edge } from './edge';
import type { KvMode } from './production-kv';
import { s3Env, testS3Client, type S3Env } from './s3-env';
import { generateSecrets } from './secrets';
import { token } from './tokens';
import { videoBytes } from './video-bytes';

export type Stack = Awaited<ReturnType<typeof startStack>>;

/**
 * Worker (workerd, local D1 + KV) + CDN stand-in, both on the real local S3, in a bucket of
 * the stack's own (so bucket-wide invariants are exact), dropped with all it holds on close.
 * The stand-in's CORS policy allows the worker's ALLOWED_ORIGINS, as the deployed response
 * headers policy does. `kv`: see production-kv.ts; `invalidationMs`: how long the stand-in keeps
 * invalidations in progress.
 */
export async function startStack(vars: Record<string, string> = {}, options: { kv?: KvMode; invalidationMs?: number; inspectorPort?: number; bundle?: string } = {}) {
  const secrets = generateSecrets();
  const s3: S3Env = { ...s3Env(), bucket: `s3v-test-${randomBytes(6).toString('hex')}` };
  const s3client = testS3Client(s3);
  await createTestBucket(s3client, s3.bucket);
  const distributionId = `E${randomBytes(6).toString('hex').toUpperCase()}`;
  const cdn = await startCdn({
    port: 0,
    host: '127.0.0.1',
    keys: { [secrets.keyPairId]: secrets.cloudfrontPublicKey },
    distributionId,
    s3,
    cors: playbackCorsConfig((vars.ALLOWED_ORIGINS ?? DEFAULT_ALLOWED_ORIGIN).split(',').map((o) => o.trim())),
    invalidationMs: options.invalidationMs,
  });
  let edge: Edge;
  try {
    edge = await startEdge({
      s3,
      secret: secrets.sharedSecret,
      cdn: { url: cdn.url, keyPairId: secrets.keyPairId, privateKey: secrets.cloudfrontPrivateKey, distributionId },
      vars,
      kv: options.kv,
      inspectorPort: options.inspectorPort,
      bundle: options.bundle,
    });
  } catch (err) {
    await cdn.close();
    await dropTestBucket(s3client, s3.bucket);
    throw err;
  }
  return {
    edge,
    cdn,
    distributionId,
    s3,
    s3client,
    secrets,
    async close() {
      await edge.dispose();
      await cdn.close();
      await dropTestBucket(s3client, s3.bucket);
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
  form.append('file', new Blob([body as Uint8Array<ArrayBuffer>], { type: overrides['Content-Type'] ?? fields['Content-Type'] }), filename);
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

/** S3's ETag for bytes sent in one request: their MD5 in hex (what confirm's `md5` carries). */
export const md5Hex = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

/** S3's ETag for a multipart object: the MD5 of the parts' binary MD5s, `-`, the part count. */
export function multipartEtag(parts: readonly Uint8Array[]): string {
  const digests = parts.map((p) => createHash('md5').update(p).digest());
  return `${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${parts.length}`;
}

/** The played key a staging key is copied to at confirm (what records and events hold). */
export const finalKey = (staging: string): string => staging.replace(/^uploads\//, 'videos/');

export interface StagedUpload {
  ids: { assignmentid: number; submissionid: number };
  token: string;
  bytes: Buffer;
  presign: { presigned_url: string; fields: Record<string, string>; s3_key: string };
  /** The confirm request's body for these bytes. */
  confirmBody: Record<string, unknown>;
}

/** The browser's half of an upload without the confirm: presign → POST to S3 (the staging key). */
export async function stageVideo(
  stack: Stack,
  o: { sub?: string; submissionid?: number; assignmentid?: number; courseid?: number; size?: number; bytes?: Buffer; filename?: string; mimetype?: string; iss?: string } = {},
): Promise<StagedUpload> {
  const ids = { assignmentid: o.assignmentid ?? 10, submissionid: o.submissionid ?? 100 };
  const upload = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: o.sub ?? '42', courseid: o.courseid ?? 2, iss: o.iss, ...ids });
  const bytes = o.bytes ?? videoBytes(o.size ?? 2048, /\.(webm|mkv)$/i.test(o.filename ?? '') ? 'webm' : 'mp4');
  const res = await stack.edge.fetch('/api/upload-url', {
    token: upload,
    body: { ...ids, filename: o.filename ?? 'clip.mp4', filesize: bytes.length, mimetype: o.mimetype ?? 'video/mp4' },
  });
  if (res.status !== 201) throw new Error(`upload-url: ${res.status} ${await res.text()}`);
  const presign = (await res.json()) as StagedUpload['presign'];
  const posted = await postToS3(presign.presigned_url, presign.fields, bytes);
  if (!posted.ok) throw new Error(`S3 POST: ${posted.status} ${await posted.text()}`);
  return {
    ids, token: upload, bytes, presign,
    confirmBody: { ...ids, s3_key: presign.s3_key, filesize: bytes.length, md5: md5Hex(bytes), duration: 3 },
  };
}

/**
 * A whole real upload (presign → POST to S3 → confirm), for tests that need a video to exist.
 * `key` is the played (final) key the records hold; `stagingKey` the one the grant named.
 */
export async function uploadVideo(
  stack: Stack,
  o: { sub?: string; submissionid?: number; assignmentid?: number; courseid?: number; size?: number; bytes?: Buffer; filename?: string; mimetype?: string; iss?: string } = {},
): Promise<{ key: string; stagingKey: string; videoid: number; receipt: string; bytes: Buffer; token: string; presign: { presigned_url: string; fields: Record<string, string> } }> {
  const staged = await stageVideo(stack, o);
  const confirm = await stack.edge.fetch('/api/confirm-upload', { token: staged.token, body: staged.confirmBody });
  if (confirm.status !== 200) throw new Error(`confirm: ${confirm.status} ${await confirm.text()}`);
  const { videoid, receipt } = (await confirm.json()) as { videoid: number; receipt: string };
  const key = staged.presign.s3_key;
  return { key: finalKey(key), stagingKey: key, videoid, receipt, bytes: staged.bytes, token: staged.token, presign: staged.presign };
}
