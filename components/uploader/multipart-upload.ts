import {
  MAX_PARTS_PER_SIGN,
  type MultipartCompleteResponse,
  type MultipartPartsResponse,
  type MultipartSignResponse,
  type MultipartStartResponse,
  type UploadUrlRequest,
} from '../../edge/src/contract';
import { EdgeError, isAbort, type EdgeRequest } from '../edge-client';
import { fromBase64, md5Of, multipartChecksum, toBase64, toHex } from './md5';
import { reportCode, S3UploadError } from './s3-errors';
import { putPart } from './s3-part';
import { jitter, sleep, untilOnline } from './wait';

/**
 * A large file as an S3 multipart upload: the edge opens it, each part is
 * hashed (MD5) from the file a little ahead of its turn, the edge signs part
 * URLs bound to each part's length and MD5, the parts go straight to S3 a few
 * at once, each failure is dealt with on its own part while the others go on,
 * and the edge assembles the object once every part is there. The state is
 * one record per part; progress, resuming, "what is left" and the checksum
 * confirm compares with S3's ETag are all computed from it.
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
/**
 * A part S3 refuses as BadDigest (its bytes changed between the file and S3)
 * is hashed again from the file and sent again this many times before the
 * student is asked; each costs one of the part's signatures (MAX_SIGNATURES_PER_PART).
 */
export const MAX_DIGEST_RETRIES = 2;
/**
 * Parts hashed ahead of the ones being sent, so hashing (CPU) overlaps sending
 * (network) and each signing request can carry several parts. Only digests are
 * kept: the bytes are read again when the part is sent.
 */
export const HASH_AHEAD = 2 * PARALLEL_PARTS;
/** A part URL this close to its expiry is renewed first, so none runs out halfway through a part. */
const URL_MARGIN_MS = 60_000;
/** The longest Retry-After worth waiting out silently; beyond it the student decides. */
export const MAX_RATE_LIMIT_WAIT_S = 120;

export interface PartState {
  readonly number: number;
  readonly size: number;
  /** Bytes of this part S3 has taken so far in this attempt; `size` once it holds the part. */
  sent: number;
  /** The base64 MD5 of this part of the file (its `Content-MD5`), once hashed. */
  md5?: string;
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
  /** The Content-MD5 the URL was signed with: it is good for those bytes only. */
  md5: string;
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
  /** Part number → its hashing, queued or running. */
  private readonly hashing = new Map<number, { promise: Promise<string>; signal: AbortSignal }>();
  /** Parts are hashed one after another: hashing is CPU work, so two at once would not be faster. */
  private hashQueue: Promise<unknown> = Promise.resolve();
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

  /**
   * Sends what S3 does not hold yet, has the edge assemble the object, and
   * returns its checksum in S3's multipart ETag form, for confirm.
   */
  async finish(signal: AbortSignal): Promise<string> {
    let synced = false;
    for (;;) {
      await this.send(signal);
      if (!(await this.checkHeld(signal))) continue;
      try {
        await this.complete(signal);
        return await this.checksum(signal);
      } catch (err) {
        // The edge counted the parts in S3 and some are missing or short: look again, send those.
        const incomplete = err instanceof EdgeError && (err.code === 'OBJECT_NOT_UPLOADED' || err.code === 'SIZE_MISMATCH');
        if (!incomplete || synced) throw err;
        synced = true;
        this.io.retrying({ code: err.code, message: err.message, context: { stage: 'complete' } });
        await this.sync(signal);
      }
    }
  }

  /**
   * `hex(md5(md5₁‖…‖md5ₙ))-n`, what S3 gives as the assembled object's ETag,
   * from this file's own bytes: parts not hashed yet (an upload resumed after
   * S3 had assembled it) are hashed now.
   */
  async checksum(signal: AbortSignal): Promise<string> {
    const digests = await Promise.all(this.parts.map((p) => this.md5(p, signal)));
    return multipartChecksum(digests.map(fromBase64));
  }

  /**
   * Parts S3 held before this run began (a resume) are hashed here, and one
   * whose stored ETag is an MD5 other than this file's bytes (the file was
   * changed since) is marked to be sent again. False when some were.
   */
  private async checkHeld(signal: AbortSignal): Promise<boolean> {
    let ok = true;
    for (const part of this.parts.filter(done)) {
      const md5 = await this.md5(part, signal);
      const stored = part.etag!.replaceAll('"', '').toLowerCase();
      // Not an MD5 (a bucket with SSE-KMS), or hidden by CORS: S3 checked the Content-MD5 when it took the part.
      if (!/^[0-9a-f]{32}$/.test(stored) || stored === toHex(fromBase64(md5))) continue;
      ok = false;
      part.sent = 0;
      delete part.etag;
      this.io.retrying({ code: 'PART_CHANGED', message: `Part ${part.number} in storage is not this file's.`, context: { stage: 'resume', part: part.number } });
    }
    if (!ok) this.io.progress();
    return ok;
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
    let resigns = 0;
    let retries = 0;
    let rehashes = 0;
    for (;;) {
      await this.md5(part, signal);
      this.hashAhead(part, signal);
      const signed = await this.urlFor(part, signal);
      try {
        const etag = await putPart(signed.url, this.slice(part), {
          signal,
          expiresAt: signed.expiresAt,
          contentMd5: signed.md5,
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

  /** A view of the part in the file: read while it is hashed or sent, and let go afterwards. */
  private slice(part: PartState): Blob {
    const offset = (part.number - 1) * this.session.part_size;
    return this.file.slice(offset, offset + part.size);
  }

  /** The part's Content-MD5, hashed from the file once (again only after {@link PartState.md5} is cleared). */
  private md5(part: PartState, signal: AbortSignal): Promise<string> {
    if (part.md5) return Promise.resolve(part.md5);
    const queued = this.hashing.get(part.number);
    // One queued by a run since stopped is about to fail with that run: queue a fresh one behind it.
    if (queued && !queued.signal.aborted) return queued.promise;
    const promise = this.hashQueue.then(async () => {
      const md5 = toBase64(await md5Of(this.slice(part), signal));
      part.md5 = md5;
      return md5;
    });
    const forget = () => {
      if (this.hashing.get(part.number)?.promise === promise) this.hashing.delete(part.number);
    };
    promise.then(forget, forget);
    this.hashQueue = promise.catch(() => undefined);
    this.hashing.set(part.number, { promise, signal });
    return promise;
  }

  /** Queues the hashing of the next parts still to send, so each is ready by its turn. */
  private hashAhead(from: PartState, signal: AbortSignal): void {
    const next = this.parts.filter((p) => p.number > from.number && !done(p) && !p.md5 && !this.hashing.has(p.number));
    const inHand = this.parts.filter((p) => p.number > from.number && !done(p) && (p.md5 || this.hashing.has(p.number))).length;
    for (const part of next.slice(0, Math.max(0, HASH_AHEAD - inHand))) {
      // A failure here shows again, and is handled, when the part's own turn asks for it.
      this.md5(part, signal).catch(() => undefined);
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

  /** This part's URL for its current MD5: the one signed earlier while it is fresh, else a new page of URLs. */
  private async urlFor(part: PartState, signal: AbortSignal): Promise<SignedUrl> {
    const usable = (u: SignedUrl | undefined): u is SignedUrl => !!u && u.md5 === part.md5 && this.fresh(u);
    const have = this.urls.get(part.number);
    if (usable(have)) return have;
    const pending = this.signing.get(part.number);
    if (pending) {
      await pending;
      const shared = this.urls.get(part.number);
      if (usable(shared)) return shared;
    }
    await this.signPage(part, signal);
    const signed = this.urls.get(part.number);
    if (!signed || signed.md5 !== part.md5) throw new EdgeError(0, 'BAD_RESPONSE', `The video service signed no URL for part ${part.number}.`);
    return signed;
  }

  private fresh(u: SignedUrl | undefined): boolean {
    return !!u && Date.now() < u.expiresAt - Math.min(URL_MARGIN_MS, (u.expiresAt - u.signedAt) / 2);
  }

  /** Signs this part and every other hashed part still waiting for a URL, in one request. */
  private signPage(first: PartState, signal: AbortSignal): Promise<void> {
    const waiting = (p: PartState) => {
      const u = this.urls.get(p.number);
      return !!p.md5 && !done(p) && !this.signing.has(p.number) && !(u && u.md5 === p.md5 && this.fresh(u));
    };
    const page = [first, ...this.parts.filter((p) => p !== first && waiting(p))]
      .slice(0, MAX_PARTS_PER_SIGN)
      .map((p) => ({ part_number: p.number, md5: p.md5! }));
    const request = (async () => {
      try {
        const signedAt = Date.now();
        const res = await this.patiently<MultipartSignResponse>(
          { path: '/api/multipart/sign-parts', body: { ...this.target(), parts: page } },
          'sign',
          signal,
        );
        const expiresAt = Date.parse(res.expires_at);
        for (const { part_number, md5 } of page) {
          const url = res.urls[String(part_number)];
          if (url) this.urls.set(part_number, { url, md5, signedAt, expiresAt });
        }
      } finally {
        for (const { part_number } of page) this.signing.delete(part_number);
      }
    })();
    for (const { part_number } of page) this.signing.set(part_number, request);
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
