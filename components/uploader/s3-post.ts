import type { UploadUrlResponse } from '../../edge/src/contract';
import { sendToS3 } from './s3-xhr';

/** The browser's half of a presigned POST: policy fields first, the file last (S3 ignores fields after the file). */

export type S3Target = Pick<UploadUrlResponse, 'presigned_url' | 'fields' | 'expires_at'>;

export async function postToS3(
  target: S3Target,
  file: Blob,
  options: { signal: AbortSignal; onProgress(loaded: number, total: number): void },
): Promise<void> {
  const form = new FormData();
  for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
  form.append('file', file);
  await sendToS3({
    method: 'POST',
    url: target.presigned_url,
    body: form,
    expiresAt: Date.parse(target.expires_at),
    signal: options.signal,
    onProgress: (loaded, total) => {
      if (total > 0) options.onProgress(loaded, total);
    },
  });
}
