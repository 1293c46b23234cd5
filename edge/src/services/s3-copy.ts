import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  S3Client,
  S3ServiceException,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { storageFailure } from './s3';

/**
 * S3's limits for server-side copies (S3 API reference, CopyObject and UploadPartCopy): one
 * CopyObject copies at most 5 GiB; above that only a multipart copy can, in parts of 5 MiB to
 * 5 GiB. MAX_UPLOAD_BYTES is 5 GiB, so one CopyObject always could; the threshold is a choice
 * (see README, "what the copy costs").
 */
export const COPY_OBJECT_MAX_BYTES = 5 * 1024 ** 3;
export const COPY_PART_MIN_BYTES = 5 * 1024 ** 2;
/** Parts copied at once by a multipart copy: enough to overlap S3's per-part latency. */
const COPY_CONCURRENCY = 4;

const SINGLE_PART_ETAG = /^[0-9a-f]{32}$/;

export type CopyOutcome = 'copied' | 'source-changed' | 'source-missing';

export interface CopyPlan {
  /** Sources larger than this are copied part by part (at most COPY_OBJECT_MAX_BYTES). */
  multipartAbove: number;
  partBytes: number;
}

/**
 * Copies `from` to `to` inside one bucket only if `from` still has ETag `etag`
 * (`x-amz-copy-source-if-match` on every request), so the bytes copied are exactly the bytes
 * that were checked even if a grant rewrites the source meanwhile ('source-changed').
 * 'source-missing': the source is gone (a parallel confirm already finished and removed it).
 * `signal` aborts the copy's requests (a confirm's lease running out); an abort, like any other
 * failure, is STORAGE_ERROR.
 */
export async function copyIfMatch(
  s3: S3Client,
  bucket: string,
  from: string,
  to: string,
  source: { etag: string; size: number; contentType: string | undefined },
  plan: CopyPlan,
  signal?: AbortSignal,
): Promise<CopyOutcome> {
  const copySource = `${bucket}/${from.split('/').map(encodeURIComponent).join('/')}`;
  const ifMatch = `"${source.etag}"`;
  const threshold = Math.min(plan.multipartAbove, COPY_OBJECT_MAX_BYTES);
  try {
    if (source.size <= threshold) {
      const out = await s3.send(
        new CopyObjectCommand({ Bucket: bucket, Key: to, CopySource: copySource, CopySourceIfMatch: ifMatch, MetadataDirective: 'COPY' }),
        { abortSignal: signal },
      );
      // The copy's own ETag must be the checked one: Ceph RGW checks If-Match and then reads the
      // source, so a write landing in between is copied anyway (NOTES.md). A single-part
      // object's ETag is its MD5, and a copy keeps it; a multipart source (written by
      // CompleteMultipartUpload, after which no grant can write it) is not compared.
      const copiedEtag = out.CopyObjectResult?.ETag?.replace(/"/g, '');
      if (SINGLE_PART_ETAG.test(source.etag) && copiedEtag !== source.etag) return 'source-changed';
      return 'copied';
    }
    await multipartCopy(s3, bucket, to, copySource, ifMatch, source, Math.max(plan.partBytes, COPY_PART_MIN_BYTES), signal);
    return 'copied';
  } catch (err) {
    const outcome = classify(err);
    if (outcome) return outcome;
    throw storageFailure('CopyObject', err);
  }
}

function classify(err: unknown): CopyOutcome | null {
  if (!(err instanceof S3ServiceException)) return null;
  const status = err.$metadata.httpStatusCode;
  if (err.name === 'PreconditionFailed' || status === 412) return 'source-changed';
  if (err.name === 'NoSuchKey' || status === 404) return 'source-missing';
  return null;
}

async function multipartCopy(
  s3: S3Client,
  bucket: string,
  to: string,
  copySource: string,
  ifMatch: string,
  source: { size: number; contentType: string | undefined },
  partBytes: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: to, ContentType: source.contentType }), { abortSignal: signal });
  const uploadId = created.UploadId!;
  try {
    const count = Math.ceil(source.size / partBytes);
    const etags: string[] = new Array(count);
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const n = next++;
        const first = n * partBytes;
        const last = Math.min(source.size, first + partBytes) - 1;
        const out = await s3.send(
          new UploadPartCopyCommand({
            Bucket: bucket, Key: to, UploadId: uploadId, PartNumber: n + 1,
            CopySource: copySource, CopySourceIfMatch: ifMatch, CopySourceRange: `bytes=${first}-${last}`,
          }),
          { abortSignal: signal },
        );
        etags[n] = out.CopyPartResult?.ETag ?? '';
      }
    };
    await Promise.all(Array.from({ length: Math.min(COPY_CONCURRENCY, count) }, worker));
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket, Key: to, UploadId: uploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) },
      }),
      { abortSignal: signal },
    );
  } catch (err) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId: uploadId })).catch(() => undefined);
    throw err;
  }
}
