import type { UploadUrlResponse } from '../../edge/src/contract';
import { classifyAnswer, noAnswer } from './s3-errors';

/**
 * The browser's half of a presigned POST: policy fields first, the file last
 * (S3 ignores fields after the file). XMLHttpRequest rather than fetch
 * because only it reports upload progress in every browser.
 */

export type S3Target = Pick<UploadUrlResponse, 'presigned_url' | 'fields' | 'expires_at'>;

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
        else reject(classifyAnswer(xhr.status, xhr.responseText, Date.now() >= expiresAt));
      }),
    );
    xhr.addEventListener('error', () => settle(() => reject(noAnswer(Date.now() >= expiresAt))));
    xhr.addEventListener('abort', () => settle(() => reject(new DOMException('Upload cancelled', 'AbortError'))));
    xhr.open('POST', target.presigned_url);
    xhr.send(form);
  });
}
