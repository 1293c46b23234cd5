import { classifyAnswer, noAnswer } from './s3-errors';

/**
 * One request straight to S3 under a presigned URL or policy: a part's PUT
 * (s3-part.ts) or the whole file's POST (s3-post.ts). XMLHttpRequest rather
 * than fetch because only it reports upload progress in every browser.
 * Resolves with the finished request on a 2xx; rejects with the
 * S3UploadError S3's answer (or its absence) means, or an AbortError when
 * `signal` aborts.
 */
export interface S3Request {
  method: 'PUT' | 'POST';
  url: string;
  body: Blob | FormData;
  headers?: Record<string, string>;
  /** When the signature runs out (ms since the epoch): an unreadable refusal after it is most likely that. */
  expiresAt: number;
  signal: AbortSignal;
  /** Bytes of the body sent so far, of `total` (0 when the browser cannot tell). */
  onProgress(loaded: number, total: number): void;
}

const cancelled = () => new DOMException('Upload cancelled', 'AbortError');

export function sendToS3(req: S3Request): Promise<XMLHttpRequest> {
  const { signal } = req;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(cancelled());
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (fn: () => void) => {
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const expired = () => Date.now() >= req.expiresAt;
    xhr.upload.addEventListener('progress', (e) => req.onProgress(e.loaded, e.lengthComputable ? e.total : 0));
    xhr.addEventListener('load', () =>
      settle(() => {
        if (xhr.status >= 200 && xhr.status < 300) resolve(xhr);
        else reject(classifyAnswer(xhr.status, xhr.responseText, expired()));
      }),
    );
    xhr.addEventListener('error', () => settle(() => reject(noAnswer(expired()))));
    xhr.addEventListener('abort', () => settle(() => reject(cancelled())));
    xhr.open(req.method, req.url);
    for (const [name, value] of Object.entries(req.headers ?? {})) xhr.setRequestHeader(name, value);
    xhr.send(req.body);
  });
}
