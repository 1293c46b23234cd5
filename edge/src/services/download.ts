import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ApiError } from '../http/errors';

/**
 * A `Content-Disposition: attachment` value for a file name of any script (RFC 6266 §4.1):
 * an ASCII `filename` for old clients (quotes and backslashes escaped, anything else outside
 * printable ASCII replaced by `_`) and the exact name as `filename*=UTF-8''…` (RFC 5987 §3.2,
 * attr-char kept, every other byte percent-encoded).
 */
export function attachmentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '\\$&');
  const encoded = Array.from(new TextEncoder().encode(filename), (byte) => {
    const ch = String.fromCharCode(byte);
    return /[A-Za-z0-9!#$&+\-.^_`|~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * The query a CDN download URL carries: S3's `response-content-disposition` override with
 * {@link attachmentDisposition}, every byte outside RFC 3986's unreserved set percent-encoded
 * (also `'()*!`, which encodeURIComponent keeps), so no proxy or CDN normalises what was signed.
 */
export function dispositionQuery(filename: string): string {
  const value = encodeURIComponent(attachmentDisposition(filename)).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `response-content-disposition=${value}`;
}

/**
 * A presigned GetObject of one stored video that browsers save under its original name:
 * S3 answers with the `response-content-disposition` the signature covers.
 */
export async function presignDownload(
  s3: S3Client,
  bucket: string,
  key: string,
  filename: string,
  ttlSeconds: number,
): Promise<string> {
  try {
    return await getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: attachmentDisposition(filename) }),
      { expiresIn: ttlSeconds },
    );
  } catch (err) {
    console.error('S3 presign GetObject failed', err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    throw new ApiError('STORAGE_ERROR', 'The video storage did not answer (presign GetObject); try again in a moment.');
  }
}
