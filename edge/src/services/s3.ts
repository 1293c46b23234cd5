import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Config } from '../config';
import { ApiError } from '../errors';

/**
 * One client per isolate and configuration (config.ts parses the bindings once per isolate,
 * so `config` is the same object for every request): building an S3Client resolves its whole
 * middleware stack, and its SigV4 signer caches the derived signing key per day and region, so a
 * client per request paid for both on every call (README, "What a request costs"). The client
 * holds no connection or request-bound I/O object (its handler calls `fetch` per request).
 */
const clients = new WeakMap<Config['s3'], S3Client>();

/** The one place the edge talks to S3 (AWS or any S3-compatible server such as Ceph RGW). */
export function s3Client(config: Config['s3']): S3Client {
  let client = clients.get(config);
  if (!client) {
    client = newS3Client(config);
    clients.set(config, client);
  }
  return client;
}

function newS3Client(config: Config['s3']): S3Client {
  return new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // The SDK's default aws-chunked trailing checksums are refused (411) by Ceph RGW; S3 needs none of them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
}

export function storageFailure(action: string, err: unknown): ApiError {
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  console.error(`S3 ${action} failed`, detail);
  return new ApiError('STORAGE_ERROR', `The video storage did not answer (${action}); try again in a moment.`);
}

export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
}

/**
 * A POST policy that S3 itself enforces: exactly this (staging) key, this Content-Type,
 * exactly the declared size, before expiry. The browser cannot widen any of it.
 */
export async function presignUpload(
  s3: S3Client,
  bucket: string,
  key: string,
  mimetype: string,
  filesize: number,
  ttlSeconds: number,
): Promise<PresignedUpload> {
  try {
    const { url, fields } = await createPresignedPost(s3, {
      Bucket: bucket,
      Key: key,
      Conditions: [
        ['content-length-range', filesize, filesize],
        ['eq', '$Content-Type', mimetype],
      ],
      Fields: { 'Content-Type': mimetype },
      Expires: ttlSeconds,
    });
    return { url, fields };
  } catch (err) {
    throw storageFailure('presign', err);
  }
}

export interface StoredObject {
  size: number;
  contentType: string | undefined;
  /** S3's ETag without quotes, lower-case: the MD5 of a single upload, `md5-of-md5s-N` for multipart. */
  etag: string;
}

/** Size, type and ETag of a stored object, or null when there is none. */
export async function headObject(s3: S3Client, bucket: string, key: string): Promise<StoredObject | null> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { size: head.ContentLength ?? 0, contentType: head.ContentType, etag: (head.ETag ?? '').replace(/"/g, '').toLowerCase() };
  } catch (err) {
    if (err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === 'NotFound')) {
      return null;
    }
    throw storageFailure('HeadObject', err);
  }
}

/** A stored object's HeadObject facts and its first bytes, all from one response. */
export interface StoredStart extends StoredObject {
  first: Uint8Array;
}

/**
 * Size, type, ETag and the first `bytes` bytes of a stored object with ONE ranged GetObject
 * (null when there is none): the size is Content-Range's total, so the facts and the bytes come
 * from the same version of the object, and confirm saves the HeadObject round trip it once
 * made before reading the first bytes. An empty object answers a range with 416; HeadObject
 * then gives its facts.
 */
export async function readStart(s3: S3Client, bucket: string, key: string, bytes: number): Promise<StoredStart | null> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${bytes - 1}` }));
    const first = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    const total = /\/(\d+)$/.exec(out.ContentRange ?? '');
    return {
      size: total ? Number(total[1]) : out.ContentLength ?? first.length,
      contentType: out.ContentType,
      etag: (out.ETag ?? '').replace(/"/g, '').toLowerCase(),
      first,
    };
  } catch (err) {
    if (err instanceof S3ServiceException) {
      if (err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404) return null;
      if (err.name === 'InvalidRange' || err.$metadata.httpStatusCode === 416) {
        const head = await headObject(s3, bucket, key);
        return head && { ...head, first: new Uint8Array() };
      }
    }
    throw storageFailure('GetObject', err);
  }
}

/**
 * Deletes one key: a plain DELETE, where DeleteObjects would build an XML body and hash it for
 * its required Content-MD5 (the largest share of confirm's staging delete, README "What a
 * request costs"). A key already gone counts as deleted (S3 answers 204 either way).
 */
export async function deleteObject(s3: S3Client, bucket: string, key: string): Promise<void> {
  try {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  } catch (err) {
    throw storageFailure('DeleteObject', err);
  }
}

/** Refused keys deleteObjects retries with one DELETE each (a race refuses the key or two being copied); more get one batch. */
const DELETE_RETRY_SINGLY = 8;

/**
 * Deletes up to 1000 keys in one call (plus a retry of the keys it refuses, below). Deleting a
 * key that is already gone counts as deleted (S3 semantics; a `NoSuchKey` some servers report
 * per key too), which is what makes cleanup re-runnable and parallel deletes of one video give
 * the same answer.
 *
 * Keys refused in the answer's `Errors` are asked once more: Ceph RGW refuses a key that a
 * CopyObject is writing at that moment with a per-key `UnknownError`, which is what an admin
 * delete racing a confirm's copy meets. Measured on RGW 16 (20 DeleteObjects of one video's keys
 * racing 10 copies to its final key, 25 rounds): 205 of 500 refused the final key; asked again
 * with DeleteObjects 6 of 73 were refused again, with a plain DELETE none of 205 (nor any of 150
 * DELETEs racing the copies directly). So up to {@link DELETE_RETRY_SINGLY} refused keys are
 * deleted one by one with DELETE; more than that (a refusal of the whole batch, not a race) get
 * one more DeleteObjects, so a cron batch never turns into a thousand subrequests. `AccessDenied`
 * is not asked again: it is the policy, not a race. `failed`: keys refused twice, with S3's code.
 */
export async function deleteObjects(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
): Promise<{ deleted: Set<string>; failed: Map<string, string> }> {
  const refused = await deleteBatch(s3, bucket, keys);
  const failed = new Map([...refused].filter(([, code]) => code === 'AccessDenied'));
  const retry = [...refused.keys()].filter((key) => !failed.has(key));
  if (retry.length > 0) console.warn('S3 DeleteObjects refused keys, asking again', JSON.stringify([...refused]));
  if (retry.length > DELETE_RETRY_SINGLY) {
    for (const [key, code] of await deleteBatch(s3, bucket, retry)) failed.set(key, code);
  } else {
    await Promise.all(
      retry.map(async (key) => {
        try {
          await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
        } catch (err) {
          if (err instanceof S3ServiceException && err.name === 'NoSuchKey') return;
          console.error('S3 DeleteObject failed after DeleteObjects refused the key', key, err instanceof Error ? err.message : err);
          failed.set(key, err instanceof S3ServiceException ? err.name : refused.get(key)!);
        }
      }),
    );
  }
  // Quiet=false lists successes; some S3-compatible servers omit them, so "not failed" is the rule.
  const deleted = new Set(keys.filter((key) => !failed.has(key)));
  return { deleted, failed };
}

/** One DeleteObjects call: the keys it refused (a key already gone is not refused), code by key. */
async function deleteBatch(s3: S3Client, bucket: string, keys: readonly string[]): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  if (keys.length === 0) return failed;
  let result;
  try {
    result = await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: false },
      }),
    );
  } catch (err) {
    throw storageFailure('DeleteObjects', err);
  }
  for (const error of result.Errors ?? []) {
    if (error.Key && error.Code !== 'NoSuchKey') failed.set(error.Key, error.Code ?? 'UnknownError');
  }
  return failed;
}

// ---- the bucket itself: what /api/admin/health checks ------------------------

/**
 * The bucket's real region and whether this client may use it. S3 names the region in
 * `x-amz-bucket-region` on every HeadBucket answer, allowed or not, so a wrong S3_REGION
 * can be named (S3 API reference, HeadBucket). null where the server does not say
 * (S3-compatible servers such as Ceph RGW may not).
 */
export async function bucketRegion(
  s3: S3Client,
  bucket: string,
): Promise<{ region: string | null; status: number }> {
  try {
    const out = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return { region: out.BucketRegion ?? null, status: 200 };
  } catch (err) {
    const response = (err as { $response?: { statusCode?: number; headers?: Record<string, string> } }).$response;
    const status = response?.statusCode ?? (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === undefined) throw storageFailure('HeadBucket', err);
    return { region: response?.headers?.['x-amz-bucket-region'] ?? null, status };
  }
}

/**
 * `Enabled`, `Suspended` or null (never enabled), from GetBucketVersioning; `denied` when
 * the worker may not ask (no s3:GetBucketVersioning).
 */
export async function bucketVersioning(s3: S3Client, bucket: string): Promise<'Enabled' | 'Suspended' | null | 'denied'> {
  try {
    const out = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    return out.Status ?? null;
  } catch (err) {
    if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 403) return 'denied';
    throw storageFailure('GetBucketVersioning', err);
  }
}

// ---- multipart: large files in parts, each retried alone, resumable ----------

export async function createMultipart(s3: S3Client, bucket: string, key: string, mimetype: string): Promise<string> {
  try {
    const out = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: mimetype }));
    if (!out.UploadId) throw new Error('no UploadId in the answer');
    return out.UploadId;
  } catch (err) {
    throw storageFailure('CreateMultipartUpload', err);
  }
}

/** One part to sign: its number, exact length in bytes and base64 MD5 (the `Content-MD5` header, RFC 1864). */
export interface PartToSign {
  number: number;
  length: number;
  md5: string;
}

const SIGNED_PART_HEADERS = new Set(['content-length', 'content-md5']);

/**
 * Presigned PUTs for parts: the browser sends each straight to S3 and reads its ETag.
 * `Content-Length` and `Content-MD5` are signed headers, so S3 refuses a body of any
 * other length or with another digest (SignatureDoesNotMatch), and a body that does not
 * match the digest (BadDigest). Both would be signed by default as headers the request
 * carries; naming them keeps that true whatever the SDK's defaults become.
 */
export async function presignParts(
  s3: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
  parts: readonly PartToSign[],
  ttlSeconds: number,
): Promise<Record<string, string>> {
  try {
    const urls: Record<string, string> = {};
    for (const p of parts) {
      urls[String(p.number)] = await getSignedUrl(
        s3,
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: p.number, ContentLength: p.length, ContentMD5: p.md5 }),
        { expiresIn: ttlSeconds, signableHeaders: SIGNED_PART_HEADERS },
      );
    }
    return urls;
  } catch (err) {
    throw storageFailure('presign UploadPart', err);
  }
}

export interface StoredPart {
  part_number: number;
  size: number;
  etag: string;
}

/** Every part S3 holds for the upload (ListParts pages at 1000); null when the upload is gone. */
export async function listParts(s3: S3Client, bucket: string, key: string, uploadId: string): Promise<StoredPart[] | null> {
  const parts: StoredPart[] = [];
  let marker: string | undefined;
  try {
    do {
      const page = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }));
      for (const p of page.Parts ?? []) {
        parts.push({ part_number: p.PartNumber!, size: p.Size ?? 0, etag: p.ETag ?? '' });
      }
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
    return parts;
  } catch (err) {
    // AWS says NoSuchUpload; Ceph RGW says NoSuchKey for an aborted upload.
    if (err instanceof S3ServiceException && (err.name === 'NoSuchUpload' || err.name === 'NoSuchKey')) return null;
    throw storageFailure('ListParts', err);
  }
}

export async function completeMultipart(
  s3: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
  parts: readonly StoredPart[],
): Promise<void> {
  try {
    // The ETag in the answer is empty on Ceph RGW; HeadObject at confirm is what counts.
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.part_number, ETag: p.etag })) },
      }),
    );
  } catch (err) {
    throw storageFailure('CompleteMultipartUpload', err);
  }
}

/** Aborting an upload that is already gone is success: the goal (no parts kept) holds. */
export async function abortMultipart(s3: S3Client, bucket: string, key: string, uploadId: string): Promise<void> {
  try {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
  } catch (err) {
    if (err instanceof S3ServiceException && (err.name === 'NoSuchUpload' || err.name === 'NoSuchKey')) return;
    throw storageFailure('AbortMultipartUpload', err);
  }
}

/**
 * A small object the edge writes itself (a poster, a caption file): server-side, so the key is
 * never presigned and no browser can write under `videos/`. Content-MD5 makes S3 refuse bytes
 * changed on the way.
 */
export async function putObject(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Uint8Array<ArrayBuffer>,
  contentType: string,
): Promise<void> {
  const digest = new Uint8Array(await crypto.subtle.digest('MD5', body));
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length,
        ContentMD5: btoa(String.fromCharCode(...digest)),
      }),
    );
  } catch (err) {
    throw storageFailure('PutObject', err);
  }
}
