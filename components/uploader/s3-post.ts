import type { UploadUrlResponse } from '../../edge/src/contract';

/**
 * The browser's half of a presigned POST: policy fields first, the file last
 * (S3 ignores fields after the file). XMLHttpRequest rather than fetch
 * because only it reports upload progress in every browser.
 */

export type S3FailureKind =
  /** No answer: the connection dropped (or an answer CORS would not let us read). */
  | 'network'
  /** The policy's time ran out: a new presign fixes it, no need to ask anyone. */
  | 'expired'
  /** 403 for another reason: signature, key, type. */
  | 'denied'
  | 'too-large'
  /** 5xx, SlowDown: S3's problem, worth another try later. */
  | 'server'
  | 'rejected';

export class S3UploadError extends Error {
  constructor(
    readonly kind: S3FailureKind,
    readonly status: number,
    /** S3's own error code (AccessDenied, EntityTooLarge…), when the answer could be read. */
    readonly s3Code: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'S3UploadError';
  }
}

export type S3Target = Pick<UploadUrlResponse, 'presigned_url' | 'fields' | 'expires_at'>;

function xmlField(xml: string, name: string): string | null {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? null;
}

function classify(status: number, body: string, expired: boolean): S3UploadError {
  const code = xmlField(body, 'Code');
  const message = xmlField(body, 'Message') ?? `S3 answered ${status}`;
  if (status === 403 && (/expired/i.test(message) || (code === 'AccessDenied' && expired))) {
    return new S3UploadError('expired', status, code, message);
  }
  if (status === 403) return new S3UploadError('denied', status, code, message);
  if (code === 'EntityTooLarge') return new S3UploadError('too-large', status, code, message);
  if (status >= 500) return new S3UploadError('server', status, code, message);
  return new S3UploadError('rejected', status, code, message);
}

export function postToS3(
  target: S3Target,
  file: Blob,
  options: { signal: AbortSignal; onProgress(loaded: number, total: number): void },
): Promise<void> {
  const { signal, onProgress } = options;
  const expiresAt = Date.parse(target.expires_at);
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new DOMException('Upload cancelled', 'AbortError'));
    const form = new FormData();
    for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
    form.append('file', file);

    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (fn: () => void) => {
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) onProgress(e.loaded, e.total);
    });
    xhr.addEventListener('load', () =>
      settle(() => {
        if (xhr.status >= 200 && xhr.status < 300) resolve();
        else reject(classify(xhr.status, xhr.responseText, Date.now() >= expiresAt));
      }),
    );
    xhr.addEventListener('error', () =>
      settle(() => {
        // After the deadline an unreadable refusal is most likely the expired policy.
        const kind = Date.now() >= expiresAt ? 'expired' : 'network';
        reject(new S3UploadError(kind, 0, null, 'The connection to storage was lost.'));
      }),
    );
    xhr.addEventListener('abort', () => settle(() => reject(new DOMException('Upload cancelled', 'AbortError'))));
    xhr.open('POST', target.presigned_url);
    xhr.send(form);
  });
}
