import { MAX_POSTER_BYTES } from '../../edge/src/contract';
import { isAbort, type Edge } from '../edge-client';

/**
 * Stores the still the uploader drew from an early frame (video-metadata.ts, a 320 px wide
 * JPEG) as the video's poster: sent to the edge, which writes it beside the video while the
 * upload is still pending (routes/poster.ts). A poster is a courtesy: any failure is dropped
 * and the upload goes on without one.
 */
export async function sendPoster(
  io: { submissionid(): number; edge: Edge },
  s3Key: string,
  dataUrl: string | null,
  signal: AbortSignal,
): Promise<boolean> {
  const match = dataUrl ? /^data:image\/jpeg;base64,(.+)$/.exec(dataUrl) : null;
  if (!match) return false;
  const bytes = Uint8Array.from(atob(match[1]!), (c) => c.charCodeAt(0));
  if (bytes.length > MAX_POSTER_BYTES) return false;
  try {
    const body = new Blob([bytes], { type: 'image/jpeg' });
    await io.edge('POST /api/poster', { query: { submissionid: io.submissionid(), s3_key: s3Key }, body, signal });
    return true;
  } catch (err) {
    if (isAbort(err)) throw err;
    return false;
  }
}
