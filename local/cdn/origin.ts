import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { formatRange, neverSatisfiable, resolveRange, type RangeSpec } from './range.js';

/** The distribution's S3 origin: one object, or one byte range of it, as a stream. */

export interface OriginConfig {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * What of the viewer's query string reaches S3: exactly the one parameter the distribution's
 * cache policy lists (infra/stack.ts, `ORIGIN_QUERY_STRINGS`), which S3 honours only on an
 * authenticated request — here the SDK's SigV4, on AWS the OAC's. The signing parameters never go.
 */
export interface OriginQuery {
  responseContentDisposition?: string;
}

export type OriginResponse =
  | { status: 200 | 206; headers: Record<string, string>; body?: Readable }
  | { status: 416; size: number }
  | { status: number; error: { code: string; message: string; key?: string } };

/** The object headers CloudFront hands on from S3. */
type ObjectMetadata = Pick<
  HeadObjectCommandOutput,
  | 'ContentType'
  | 'ETag'
  | 'LastModified'
  | 'CacheControl'
  | 'ContentDisposition'
  | 'ContentEncoding'
  | 'ContentLanguage'
>;

export class Origin {
  readonly #s3: S3Client;
  readonly #bucket: string;

  constructor(config: OriginConfig) {
    this.#bucket = config.bucket;
    this.#s3 = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: true,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // As in every S3 client of the project: RGW does not speak the SDK's default flexible checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /**
   * The range goes to S3 as asked, so S3 resolves suffixes and clamps ends in
   * one round trip; only a refusal costs a HEAD, for the size a 416 must name.
   */
  async get(key: string, range: RangeSpec | null, signal: AbortSignal, query: OriginQuery = {}): Promise<OriginResponse> {
    // S3 is not asked for what no object can hold; it only names the size the 416 must carry.
    if (range && neverSatisfiable(range)) return this.#unsatisfiable(key, signal);
    try {
      const out = await this.#s3.send(
        new GetObjectCommand({
          Bucket: this.#bucket, Key: key, ...(range ? { Range: formatRange(range) } : {}),
          ...(query.responseContentDisposition !== undefined ? { ResponseContentDisposition: query.responseContentDisposition } : {}),
        }),
        { abortSignal: signal },
      );
      if (!(out.Body instanceof Readable)) throw new Error('S3 returned a body that is not a Node stream');
      const headers = objectHeaders(out);
      headers['Content-Length'] = String(out.ContentLength ?? 0);
      if (out.ContentRange) headers['Content-Range'] = out.ContentRange;
      return { status: out.ContentRange ? 206 : 200, headers, body: out.Body };
    } catch (err) {
      if (statusOf(err) === 416) return this.#unsatisfiable(key, signal);
      return failure(err, key);
    }
  }

  async head(key: string, range: RangeSpec | null, signal: AbortSignal, query: OriginQuery = {}): Promise<OriginResponse> {
    try {
      const out = await this.#s3.send(
        new HeadObjectCommand({
          Bucket: this.#bucket, Key: key,
          ...(query.responseContentDisposition !== undefined ? { ResponseContentDisposition: query.responseContentDisposition } : {}),
        }),
        { abortSignal: signal },
      );
      const size = out.ContentLength ?? 0;
      const headers = objectHeaders(out);
      if (!range) return { status: 200, headers: { ...headers, 'Content-Length': String(size) } };
      const span = resolveRange(range, size);
      if (!span) return { status: 416, size };
      headers['Content-Length'] = String(span.end - span.start + 1);
      headers['Content-Range'] = `bytes ${span.start}-${span.end}/${size}`;
      return { status: 206, headers };
    } catch (err) {
      return failure(err, key);
    }
  }

  destroy(): void {
    this.#s3.destroy();
  }

  async #unsatisfiable(key: string, signal: AbortSignal): Promise<OriginResponse> {
    const head = await this.head(key, null, signal);
    if (head.status !== 200 || !('headers' in head)) return head;
    return { status: 416, size: Number(head.headers['Content-Length']) };
  }
}

function objectHeaders(out: ObjectMetadata): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': out.ContentType ?? 'application/octet-stream' };
  if (out.ETag) headers.ETag = out.ETag;
  if (out.LastModified) headers['Last-Modified'] = out.LastModified.toUTCString();
  if (out.CacheControl) headers['Cache-Control'] = out.CacheControl;
  if (out.ContentDisposition) headers['Content-Disposition'] = out.ContentDisposition;
  if (out.ContentEncoding) headers['Content-Encoding'] = out.ContentEncoding;
  if (out.ContentLanguage) headers['Content-Language'] = out.ContentLanguage;
  return headers;
}

function statusOf(err: unknown): number | undefined {
  return err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
}

/** S3's own refusal passes through, as CloudFront does; no answer at all (unreachable, aborted) is rethrown. */
function failure(err: unknown, key: string): OriginResponse {
  const status = statusOf(err);
  if (err instanceof S3ServiceException && status !== undefined) {
    // HEAD responses carry no body, so the SDK can only name them by status.
    const code = err.name === 'NotFound' ? 'NoSuchKey' : err.name;
    const message =
      code === 'NoSuchKey' ? 'The specified key does not exist.' : err.message || 'The origin refused the request.';
    return { status, error: { code, message, ...(code === 'NoSuchKey' ? { key } : {}) } };
  }
  throw err;
}
