import {
  MAX_PARTS_PER_SIGN,
  type MultipartCompleteResponse,
  type MultipartPartsResponse,
  type MultipartSignResponse,
  type MultipartStartResponse,
  type UploadUrlRequest,
} from '../../edge/src/contract';
import { EdgeError, isAbort, type EdgeRequest } from '../edge-client';
import { reportCode, S3UploadError } from './s3-errors';
import { putPart } from './s3-part';
import { jitter, sleep, untilOnline } from './wait';

/**
 * A large file as an S3 multipart upload: the edge opens it and signs part
 * URLs a page at a time, the parts go straight to S3 a few at once, each
 * failure is dealt with on its own part while the others go on, and the edge
 * assembles the object once every part is there. The state is one record per
 * part; progress, resuming and "what is left" are all computed from it.
 */

/**
 * Parts in flight at once. One connection rarely fills a link (it waits on
 * every round trip); a handful does, and stays well inside the six
 * connections a browser opens to one host.
 */
export const PARALLEL_PARTS = 4;
/** A part's (or an edge call's) network or 5xx failure is retried after these pauses, then the student is asked. */
export const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000] as const;
/** Renewing one part's signature more often than this means the signature is not the problem. */
export const MAX_PART_RESIGNS = 3;
/** A part URL this close to its expiry is renewed first, so none runs out halfway through a part. */
const URL_MARGIN_MS = 60_000;
/** The longest Retry-After worth waiting out silently; beyond it the student decides. */
export const MAX_RATE_LIMIT_WAIT_S = 120;

export interface PartState {
  readonly number: number;
  readonly size: number;
  /** Bytes of this part S3 has taken so far in this attempt; `size` once it holds the part. */
  sent: number;
  /** Set once S3 holds the part ('' when a bucket's CORS hides the header: the edge lists parts itself). */
  etag?: string;
}

export type MultipartSession = Pick<MultipartStartResponse, 's3_key' | 'upload_id' | 'part_size' | 'part_count'>;

/** What the upload needs from around it. */
export interface MultipartIO {
  edge<T>(req: EdgeRequest): Promise<T>;
  assignmentid(): number;
  submissionid(): number;
  /** A part's bytes moved (or fell back to 0 for another attempt). */
  progress(): void;
  /** Something failed and is being tried again without asking anyone: worth a log line. */
  retrying(report: RetryReport): void;
  /** The browser went offline and the upload waits for it to come back (true), or goes on (false). */
  offline(waiting: boolean): void;
}

export interface RetryReport {
  code: string;
  message: string;
  context: Record<string, unknown>;
}

interface SignedUrl {
  url: string;
  signedAt: number;
  expiresAt: number;
}

const done = (p: PartState) => p.etag !== undefined;

/** The edge no longer has this upload open: aborted, cleaned up, already assembled, or never this user's. */
export const isGone = (err: unknown): boolean =>
  err instanceof EdgeError && (err.code === 'UPLOAD_NOT_PENDING' || err.status === 404);

/** Every part but the last has the session's part size. */
export function planParts(filesize: number, session: MultipartSession): PartState[] {
  return Array.from({ length: session.part_count }, (_, i) => ({
    number: i + 1,
    size: Math.min(session.part_size, filesize - i * session.part_size),
    sent: 0,
  }));
}

export function startMultipart(io: Pick<MultipartIO, 'edge'>, request: UploadUrlRequest, signal: AbortSignal): Promise<MultipartStartResponse> {
  return io.edge<MultipartStartResponse>({ path: '/api/multipart/start', body: request, signal });
}

export class MultipartUpload {
  readonly parts: PartState[];
  private readonly urls = new Map<number, SignedUrl>();
  /** Part number → the signing request that will bring its URL, so parallel parts share one request. */
  private readonly signing = new Map<number, Promise<void>>();
  private waitingOffline = 0;

  constructor(
    readonly file: File,
    readonly session: MultipartSession,
    private readonly io: MultipartIO,
  ) {
    this.parts = planParts(file.size, session);
  }

  /** Bytes S3 holds or is taking right now. */
  get sent(): number {
    return this.parts.reduce((sum, p) => sum + p.sent, 0);
  }

  get partsDone(): number {
    return this.parts.filter(done).length;
  }

  /**
   * Asks the edge which parts S3 already holds and marks those as sent; a
   * part of the wrong size (an attempt cut short) is sent again. Throws the
   * edge's error when the upload is gone ({@link isGone}).
   */
  async sync(signal: AbortSignal): Promise<void> {
    const { parts } = await this.patiently<MultipartPartsResponse>(
      { path: '/api/multipart/parts', query: { submissionid: this.io.submissionid(), s3_key: this.session.s3_key } },
      'parts',
      signal,
    );
    const held = new Map(parts.map((p) => [p.part_number, p]));
    for (const part of this.parts) {
      const stored = held.get(part.number);
      if (stored && stored.size === part.size) {
        part.sent = part.size;
        part.etag = stored.etag;
      } else {
        part.sent = 0;
        delete part.etag;
      }
    }
    this.io.progress();
  }

  /** Sends what S3 does not hold yet, then has the edge assemble the object. */
  async finish(signal: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await this.send(signal);
      try {
        await this.complete(signal);
        return;
      } catch (err) {
        // The edge counted the parts in S3 and some are missing or short: look again, send those.
        const incomplete = err instanceof EdgeError && (err.code === 'OBJECT_NOT_UPLOADED' || err.code === 'SIZE_MISMATCH');
        if (!incomplete || attempt > 0) throw err;
        this.io.retrying({ code: err.code, message: err.message, context: { stage: 'complete' } });
        await this.sync(signal);
      }
    }
  }

  /** Idempotent on the edge: assembling an object already assembled answers success. */
  complete(signal: AbortSignal): Promise<MultipartCompleteResponse> {
    return this.patiently<MultipartCompleteResponse>({ path: '/api/multipart/complete', body: this.target() }, 'complete', signal);
  }

  /** Removes the parts from S3 and closes the upload on the edge. Best effort: cancelling never fails. */
  async abort(): Promise<void> {
    try {
      await this.io.edge({ path: '/api/multipart/abort', body: this.target() });
    } catch {
      // Already gone, or unreachable: the edge's cleanup run aborts idle uploads anyway.
    }
  }

  private target() {
    return { assignmentid: this.io.assignmentid(), submissionid: this.io.submissionid(), s3_key: this.session.s3_key };
  }

  /**
   * Every part S3 does not hold, PARALLEL_PARTS at a time. A part that cannot
   * be sent after its own retries stops the others (the student is asked,
   * and Retry resumes from what S3 holds); everything sent so far stays.
   */
  private async send(outer: AbortSignal): Promise<void> {
    const queue = this.parts.filter((p) => !done(p));
    if (queue.length === 0) return;
    const run = new AbortController();
    const stop = () => run.abort();
    outer.addEventListener('abort', stop, { once: true });
    let failure: unknown = null;
    const worker = async () => {
      for (let part = queue.shift(); part && !run.signal.aborted; part = queue.shift()) {
        await this.sendPart(part, run.signal);
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

  private async sendPart(part: PartState, signal: AbortSignal): Promise<void> {
    const offset = (part.number - 1) * this.session.part_size;
    let resigns = 0;
    let retries = 0;
    for (;;) {
      const signed = await this.urlFor(part.number, signal);
      try {
        // A view of the file, read while it is sent and let go afterwards.
        const body = this.file.slice(offset, offset + part.size);
        const etag = await putPart(signed.url, body, {
          signal,
          expiresAt: signed.expiresAt,
          onProgress: (loaded) => {
            part.sent = Math.min(loaded, part.size);
            this.io.progress();
          },
        });
        part.sent = part.size;
        part.etag = etag ?? '';
        this.urls.delete(part.number);
        this.io.progress();
        return;
      } catch (err) {
        part.sent = 0;
        this.io.progress();
        if (!(err instanceof S3UploadError)) throw err;
        const report = (reason: string) =>
          this.io.retrying({
            code: reportCode(err),
            message: err.message,
            context: { stage: 'upload', part: part.number, reason, status: err.status },
          });
        // Expired or otherwise refused signature: a new URL for this part, at once.
        if ((err.kind === 'expired' || err.kind === 'denied') && resigns < MAX_PART_RESIGNS) {
          resigns += 1;
          this.urls.delete(part.number);
          report(err.kind);
          continue;
        }
        if (err.kind === 'network' || err.kind === 'server') {
          if (!navigator.onLine) {
            await this.whileOffline(signal);
            continue;
          }
          const delay = RETRY_DELAYS_MS[retries];
          if (delay !== undefined) {
            retries += 1;
            report(err.kind);
            await sleep(jitter(delay), signal);
            // No answer may be a refusal we were not allowed to read (Ceph RGW sends its 403s without
            // CORS headers): a fresh signature costs one small edge call and rules that out.
            if (err.status === 0) this.urls.delete(part.number);
            continue;
          }
        }
        throw err;
      }
    }
  }

  private async whileOffline(signal: AbortSignal): Promise<void> {
    if (this.waitingOffline++ === 0) this.io.offline(true);
    try {
      await untilOnline(signal);
    } finally {
      if (--this.waitingOffline === 0) this.io.offline(false);
    }
  }

  /** This part's URL: the one signed earlier while it is fresh, else a new page of URLs from here on. */
  private async urlFor(n: number, signal: AbortSignal): Promise<SignedUrl> {
    const have = this.urls.get(n);
    if (have && this.fresh(have)) return have;
    await (this.signing.get(n) ?? this.signPage(n, signal));
    const signed = this.urls.get(n);
    if (!signed) throw new EdgeError(0, 'BAD_RESPONSE', `The video service signed no URL for part ${n}.`);
    return signed;
  }

  private fresh(u: SignedUrl | undefined): boolean {
    return !!u && Date.now() < u.expiresAt - Math.min(URL_MARGIN_MS, (u.expiresAt - u.signedAt) / 2);
  }

  private signPage(first: number, signal: AbortSignal): Promise<void> {
    const others = this.parts
      .filter((p) => p.number !== first && !done(p) && !this.signing.has(p.number) && !this.fresh(this.urls.get(p.number)))
      .map((p) => p.number);
    const page = [first, ...others].slice(0, MAX_PARTS_PER_SIGN);
    const request = (async () => {
      try {
        const signedAt = Date.now();
        const res = await this.patiently<MultipartSignResponse>(
          { path: '/api/multipart/sign-parts', body: { ...this.target(), part_numbers: page } },
          'sign',
          signal,
        );
        const expiresAt = Date.parse(res.expires_at);
        for (const [n, url] of Object.entries(res.urls)) this.urls.set(Number(n), { url, signedAt, expiresAt });
      } finally {
        for (const n of page) this.signing.delete(n);
      }
    })();
    for (const n of page) this.signing.set(n, request);
    return request;
  }

  /**
   * An edge call of a running upload: a dropped connection or a 5xx is tried
   * again after a pause, offline waits for the browser to be back, a 429
   * waits what Retry-After says. Anything else is for the caller.
   */
  private async patiently<T>(req: EdgeRequest, stage: string, signal: AbortSignal): Promise<T> {
    let retries = 0;
    for (;;) {
      try {
        return await this.io.edge<T>({ ...req, signal });
      } catch (err) {
        if (isAbort(err) || !(err instanceof EdgeError)) throw err;
        if (err.code === 'NETWORK' && !navigator.onLine) {
          await this.whileOffline(signal);
          continue;
        }
        const delay = RETRY_DELAYS_MS[retries];
        if (delay === undefined) throw err;
        let wait: number;
        if (err.status === 429) {
          const seconds = err.retryAfter ?? delay / 1000;
          if (seconds > MAX_RATE_LIMIT_WAIT_S) throw err;
          wait = seconds * 1000;
        } else if (err.code === 'NETWORK' || err.status >= 500) {
          wait = jitter(delay);
        } else {
          throw err;
        }
        retries += 1;
        this.io.retrying({ code: err.code, message: err.message, context: { stage, status: err.status } });
        await sleep(wait, signal);
      }
    }
  }
}
