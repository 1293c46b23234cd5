import type { ConfirmUploadRequest, MediaFacts } from '../../edge/src/contract';
import type { Edge } from '../edge-client';
import type { UploadCompleteDetail } from '../events';
import type { Patience } from './edge-retry';
import { sendPoster } from './poster';
import type { VideoMetadata } from './video-metadata';

/** What was sent, for confirm to name. */
export interface Sent {
  file: File;
  s3Key: string;
  /** What S3's ETag must be for the bytes sent (ConfirmUploadRequest.md5). */
  checksum: string;
  /** What the header says (display only); null when it could not be read. */
  media: MediaFacts | null;
  metadata: Promise<VideoMetadata>;
}

/**
 * The upload's last step: the poster while the upload is still pending (once
 * confirmed, the edge keeps the poster as it is), then `confirm-upload`, which
 * checks the stored object and answers the receipt Moodle claims on save.
 * Idempotent on the edge, so a lost answer is simply asked again, as patiently
 * as any other edge call of the upload (edge-retry.ts).
 */
export async function confirmUpload(
  io: { assignmentid(): number; submissionid(): number; edge: Edge },
  sent: Sent,
  patience: Patience,
  signal: AbortSignal,
): Promise<UploadCompleteDetail> {
  const { file, s3Key } = sent;
  const { duration, poster } = await sent.metadata;
  await sendPoster(io, s3Key, poster, signal);
  const rounded = duration === null ? null : Math.round(duration * 1000) / 1000;
  const body: ConfirmUploadRequest = {
    assignmentid: io.assignmentid(),
    submissionid: io.submissionid(),
    s3_key: s3Key,
    filesize: file.size,
    md5: sent.checksum,
    duration: rounded,
    ...(sent.media ? { media: sent.media } : {}),
  };
  const res = await patience.call('confirm', signal, (s) => io.edge('POST /api/confirm-upload', { body, signal: s }));
  return { receipt: res.receipt, videoid: res.videoid, s3_key: s3Key, filename: file.name, filesize: file.size, duration: rounded };
}
