import { jitter, sleep } from '../wait';
import { RETRY_DELAYS_MS, type Patience } from './edge-retry';
import type { PartHashes } from './part-hashes';
import type { PartUrls } from './part-urls';
import { isDone, PARALLEL_PARTS, type PartState } from './parts';
import { reportCode, S3UploadError } from './s3-errors';
import { putPart } from './s3-part';
import type { TransferIO } from './transfer';

/** Renewing one part's signature more often than this means the signature is not the problem. */
export const MAX_PART_RESIGNS = 3;
/**
 * A part S3 refuses as BadDigest (its bytes changed between the file and S3)
 * is hashed again from the file and sent again this many times before the
 * student is asked; each costs one of the part's signatures (MAX_SIGNATURES_PER_PART).
 */
export const MAX_DIGEST_RETRIES = 2;

export interface PartSenderDeps {
  hashes: PartHashes;
  urls: PartUrls;
  patience: Patience;
  io: Pick<TransferIO, 'progress' | 'report'>;
  /** Bytes S3 holds or is taking, over all parts (what `progress` reports). */
  sent(): number;
  slice(part: PartState): Blob;
}

/**
 * Every part S3 does not hold, PARALLEL_PARTS at a time, each hashed a little
 * ahead of its turn, PUT with its signed URL, and each failure dealt with on
 * its own part while the others go on. A part that cannot be sent after its
 * own retries stops the others (the student is asked, and Retry resumes from
 * what S3 holds); everything sent so far stays.
 */
export async function sendParts(parts: readonly PartState[], deps: PartSenderDeps, outer: AbortSignal): Promise<void> {
  const queue = parts.filter((p) => !isDone(p));
  if (queue.length === 0) return;
  const run = new AbortController();
  const stop = () => run.abort();
  outer.addEventListener('abort', stop, { once: true });
  let failure: unknown = null;
  const worker = async () => {
    for (let part = queue.shift(); part && !run.signal.aborted; part = queue.shift()) {
      await sendPart(part, deps, run.signal);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL_PARTS, queue.length) }, () =>
        worker().catch((err: unknown) => {
          failure ??= err;
          run.abort();
        }),
      ),
    );
  } finally {
    outer.removeEventListener('abort', stop);
  }
  if (outer.aborted) throw new DOMException('Upload cancelled', 'AbortError');
  if (failure) throw failure;
}

async function sendPart(part: PartState, deps: PartSenderDeps, signal: AbortSignal): Promise<void> {
  const { hashes, urls, io } = deps;
  const moved = () => io.progress(deps.sent());
  let resigns = 0;
  let retries = 0;
  let rehashes = 0;
  for (;;) {
    await hashes.md5(part, signal);
    hashes.ahead(part, signal);
    const signed = await urls.urlFor(part, signal);
    try {
      const etag = await putPart(signed.url, deps.slice(part), {
        signal,
        expiresAt: signed.expiresAt,
        contentMd5: signed.md5,
        onProgress: (loaded) => {
          part.sent = Math.min(loaded, part.size);
          moved();
        },
      });
      part.sent = part.size;
      part.etag = etag ?? '';
      urls.forget(part);
      moved();
      return;
    } catch (err) {
      part.sent = 0;
      moved();
      if (!(err instanceof S3UploadError)) throw err;
      const report = (reason: string) =>
        io.report({ code: reportCode(err), message: err.message, context: { stage: 'upload', part: part.number, reason, status: err.status } });
      // What reached S3 is not what was hashed: hash this part again from the file and send it alone.
      // Its URL stays good if the file still gives the same MD5.
      if (err.kind === 'corrupted' && rehashes < MAX_DIGEST_RETRIES) {
        rehashes += 1;
        delete part.md5;
        report(err.kind);
        continue;
      }
      // Expired or otherwise refused signature: a new URL for this part, at once.
      if ((err.kind === 'expired' || err.kind === 'denied') && resigns < MAX_PART_RESIGNS) {
        resigns += 1;
        urls.forget(part);
        report(err.kind);
        continue;
      }
      if (err.kind === 'network' || err.kind === 'server') {
        if (!navigator.onLine) {
          await deps.patience.whileOffline(signal);
          continue;
        }
        const delay = RETRY_DELAYS_MS[retries];
        if (delay !== undefined) {
          retries += 1;
          report(err.kind);
          await sleep(jitter(delay), signal);
          // No answer may be a refusal we were not allowed to read (Ceph RGW sends its 403s without
          // CORS headers): a fresh signature costs one small edge call and rules that out.
          if (err.status === 0) urls.forget(part);
          continue;
        }
      }
      throw err;
    }
  }
}
