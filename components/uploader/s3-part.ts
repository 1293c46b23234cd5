import { classifyAnswer, noAnswer } from './s3-errors';

/**
 * One part of a multipart upload, PUT to its presigned URL with the
 * `Content-MD5` it was signed with (S3 answers BadDigest if the bytes that
 * arrive differ). The body is a slice of the file: a view the browser reads
 * while sending, so nothing of the file is held in memory. Resolves with the part's ETag (the bucket's
 * CORS rule exposes it; null if a bucket does not, which costs nothing:
 * the edge completes from S3's own list of parts).
 */
export function putPart(
  url: string,
  body: Blob,
  options: { signal: AbortSignal; expiresAt: number; contentMd5: string; onProgress(loaded: number): void },
): Promise<string | null> {
  const { signal, expiresAt, contentMd5, onProgress } = options;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new DOMException('Upload cancelled', 'AbortError'));
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (fn: () => void) => {
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded));
    xhr.addEventListener('load', () =>
      settle(() => {
        if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.getResponseHeader('ETag'));
        else reject(classifyAnswer(xhr.status, xhr.responseText, Date.now() >= expiresAt));
      }),
    );
    xhr.addEventListener('error', () => settle(() => reject(noAnswer(Date.now() >= expiresAt))));
    xhr.addEventListener('abort', () => settle(() => reject(new DOMException('Upload cancelled', 'AbortError'))));
    xhr.open('PUT', url);
    xhr.setRequestHeader('Content-MD5', contentMd5);
    xhr.send(body);
  });
}
