import type { UploadUrlRequest, UploadUrlResponse } from '../../edge/src/contract';
import { sleep } from '../wait';
import { Patience } from './edge-retry';
import { md5Of, toHex } from './md5';
import { reportCode, S3UploadError } from './s3-errors';
import { postToS3 } from './s3-post';
import type { Transfer, TransferIO } from './transfer';

/** A presign lives an hour; renewing it more than this often means something else is wrong. */
export const MAX_PRESIGN_RENEWALS = 3;
/** S3 5xx / SlowDown on the POST is retried this many times before the student is asked. */
export const MAX_AUTO_RETRIES = 2;
const BACKOFF_MS = [1000, 3000];

/**
 * An ordinary file in one presigned POST, the peer of the multipart upload
 * (multipart-upload.ts), with the same callbacks. An expired policy is renewed
 * and S3's own hiccups retried without asking anyone. The file's MD5 is
 * computed while it is sent (a POST has no Content-MD5 for S3 to check):
 * confirm compares it with the stored object's ETag.
 */
export class PostUpload implements Transfer {
  s3Key: string | null = null;
  private readonly patience: Patience;

  constructor(
    private readonly file: File,
    private readonly request: UploadUrlRequest,
    private readonly io: TransferIO,
  ) {
    this.patience = new Patience(io);
  }

  async send(signal: AbortSignal): Promise<string> {
    const { file } = this;
    const digest = md5Of(file, signal).then(toHex);
    // Awaited only after the POST; a POST that fails first must not leave this rejection unhandled.
    digest.catch(() => undefined);
    let presign = await this.presign(signal);
    let renewals = 0;
    let serverRetries = 0;
    for (;;) {
      this.io.phase({ kind: 'sending', sent: 0, resumed: null });
      try {
        await postToS3(presign, file, {
          signal,
          // The multipart body is a little larger than the file (the policy fields): scale to the file.
          onProgress: (loaded, total) => this.io.progress(Math.min(file.size, Math.round((loaded / total) * file.size))),
        });
        return await digest;
      } catch (err) {
        if (!(err instanceof S3UploadError)) throw err;
        const renew = err.kind === 'expired' && renewals < MAX_PRESIGN_RENEWALS;
        const again = err.kind === 'server' && serverRetries < MAX_AUTO_RETRIES;
        if (!renew && !again) throw err;
        this.io.report({ code: reportCode(err), message: err.message, context: { stage: 'upload', reason: err.kind, status: err.status } });
        if (renew) {
          renewals += 1;
          presign = await this.presign(signal);
        } else {
          await sleep(BACKOFF_MS[serverRetries] ?? 3000, signal);
          serverRetries += 1;
        }
      }
    }
  }

  private async presign(signal: AbortSignal): Promise<UploadUrlResponse> {
    const presign = await this.patience.call('presign', signal, (s) => this.io.edge('POST /api/upload-url', { body: this.request, signal: s }));
    this.s3Key = presign.s3_key;
    return presign;
  }
}
