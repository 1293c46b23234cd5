import type { Edge } from '../edge-client';

/**
 * The shape both ways of sending a file share — one presigned POST
 * (post-upload.ts) and an S3 multipart upload (multipart-upload.ts) — and
 * what each needs from the controller that runs it (upload-controller.ts).
 */

/** Something failed and is tried again without asking anyone: worth a log line (an `upload_retry` event). */
export interface RetryReport {
  code: string;
  message: string;
  context: Record<string, unknown>;
}

export type TransferPhase =
  /** Bytes start moving (again) from `sent`; `resumed`: the parts S3 already held when this run began, else null. */
  | { kind: 'sending'; sent: number; resumed: { done: number; total: number } | null }
  /** The browser went offline and the work waits for it to be back (`waiting`), or goes on. */
  | { kind: 'offline'; waiting: boolean };

export interface TransferIO {
  edge: Edge;
  /** Bytes of the file S3 holds or is taking right now, however they travel. */
  progress(sent: number): void;
  phase(phase: TransferPhase): void;
  report(retry: RetryReport): void;
}

export interface Transfer {
  /** The object's key, once the edge has named one (the failure report names it). */
  readonly s3Key: string | null;
  /** Sends the file; resolves with what S3's ETag must be for those bytes (ConfirmUploadRequest.md5). */
  send(signal: AbortSignal): Promise<string>;
}
