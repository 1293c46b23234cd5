import { sendToS3 } from './s3-xhr';

/**
 * One part of a multipart upload, PUT to its presigned URL with the
 * `Content-MD5` it was signed with (S3 answers BadDigest if the bytes that
 * arrive differ). The body is a slice of the file: a view the browser reads
 * while sending, so nothing of the file is held in memory. Resolves with the part's ETag (the bucket's
 * CORS rule exposes it; null if a bucket does not, which costs nothing:
 * the edge completes from S3's own list of parts).
 */
export async function putPart(
  url: string,
  body: Blob,
  options: { signal: AbortSignal; expiresAt: number; contentMd5: string; onProgress(loaded: number): void },
): Promise<string | null> {
  const { signal, expiresAt, contentMd5, onProgress } = options;
  const xhr = await sendToS3({ method: 'PUT', url, body, headers: { 'Content-MD5': contentMd5 }, expiresAt, signal, onProgress });
  return xhr.getResponseHeader('ETag');
}
