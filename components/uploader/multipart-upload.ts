import type { MultipartCompleteResponse, UploadUrlRequest } from '../../edge/src/contract';
import { EdgeError } from '../edge-client';
import { bestEffort, Patience } from './edge-retry';
import { fromBase64, multipartChecksum, toHex } from './md5';
import { PartHashes } from './part-hashes';
import { sendParts } from './part-sender';
import { PartUrls } from './part-urls';
import { isDone, planParts, sliceOf, type MultipartSession, type PartState } from './parts';
import { fingerprint, sameFile, type ResumeStore } from './resume-store';
import type { Transfer, TransferIO } from './transfer';

/**
 * A large file as an S3 multipart upload: the one this file already has (a
 * Retry), or the one this browser stored for the same file (a reload),
 * resumed from what S3 holds; otherwise a new one. The edge opens it, the
 * parts go straight to S3 a few at once (part-sender.ts), and the edge
 * assembles the object once every part is there. Every edge call is patient
 * (edge-retry.ts).
 */

/** The edge no longer has this upload open: aborted, cleaned up, already assembled, or never this user's. */
export const isGone = (err: unknown): boolean =>
  err instanceof EdgeError && (err.code === 'UPLOAD_NOT_PENDING' || err.status === 404);

export class MultipartTransfer implements Transfer {
  /** The upload this file is going into; it outlives failures so Retry resumes it. */
  private upload: MultipartUpload | null = null;
  private readonly patience: Patience;

  constructor(
    private readonly file: File,
    private readonly request: UploadUrlRequest,
    private readonly store: ResumeStore,
    private readonly io: TransferIO,
  ) {
    this.patience = new Patience(io);
  }

  get s3Key(): string | null {
    return this.upload?.session.s3_key ?? null;
  }

  /** An upload is open on the edge for this file (Cancel is what ends it). */
  get open(): boolean {
    return this.upload !== null;
  }

  /** An upload the edge no longer has is forgotten and started afresh without troubling the student, once. */
  async send(signal: AbortSignal): Promise<string> {
    for (let fresh = 0; ; fresh++) {
      if (!this.upload && fresh === 0) {
        const saved = this.store.load();
        if (saved && sameFile(saved.file, fingerprint(this.file))) this.upload = this.uploadFor(saved);
      }
      try {
        return await this.resumeOrStart(signal);
      } catch (err) {
        if (!isGone(err) || fresh > 0) throw err;
        this.forget();
      }
    }
  }

  /** Removes the parts from S3 and closes the upload on the edge. Settles when the edge has answered, or failed to. */
  abort(): Promise<void> {
    const upload = this.upload;
    this.forget();
    return upload ? upload.abort() : Promise.resolve();
  }

  /** Storage holds other bytes than this file's: resuming that upload would only assemble them again. */
  forget(): void {
    this.store.drop();
    this.upload = null;
  }

  private async resumeOrStart(signal: AbortSignal): Promise<string> {
    let upload = this.upload;
    if (upload) {
      if (!(await resume(upload, signal))) return upload.checksum(signal);
    } else {
      const started = await this.patience.call('start', signal, (s) => this.io.edge('POST /api/multipart/start', { body: this.request, signal: s }));
      upload = this.upload = this.uploadFor(started);
      const { s3_key, upload_id, part_size, part_count } = started;
      this.store.save({ s3_key, upload_id, part_size, part_count, submissionid: this.request.submissionid, file: fingerprint(this.file), started_at: Date.now() });
    }
    const done = upload.partsDone;
    this.io.phase({ kind: 'sending', sent: upload.sent, resumed: done > 0 ? { done, total: upload.parts.length } : null });
    return upload.finish(signal);
  }

  private uploadFor(session: MultipartSession): MultipartUpload {
    return new MultipartUpload(this.file, session, this.request, this.io, this.patience);
  }
}

/**
 * Learns what S3 holds of an upload begun earlier. False when there is
 * nothing left to send: the page went away after the edge had assembled
 * the object, so only the confirmation is missing.
 */
async function resume(upload: MultipartUpload, signal: AbortSignal): Promise<boolean> {
  try {
    await upload.sync(signal);
    return true;
  } catch (err) {
    if (!isGone(err)) throw err;
    // `complete` answers success for an object it already assembled, and "gone" for anything else.
    await upload.complete(signal);
    return false;
  }
}

/** One open multipart upload: its parts, what S3 holds of them, and the edge calls that open, list, assemble and close it. */
export class MultipartUpload {
  readonly parts: PartState[];
  private readonly hashes: PartHashes;
  private readonly urls: PartUrls;

  constructor(
    readonly file: File,
    readonly session: MultipartSession,
    private readonly ids: Pick<UploadUrlRequest, 'assignmentid' | 'submissionid'>,
    private readonly io: TransferIO,
    private readonly patience: Patience,
  ) {
    this.parts = planParts(file.size, session);
    this.hashes = new PartHashes(this.parts, (p) => sliceOf(file, session, p));
    this.urls = new PartUrls(this.parts, (parts, signal) =>
      patience.call('sign', signal, (s) => io.edge('POST /api/multipart/sign-parts', { body: { ...this.target(), parts }, signal: s })),
    );
  }

  /** Bytes S3 holds or is taking right now. */
  get sent(): number {
    return this.parts.reduce((sum, p) => sum + p.sent, 0);
  }

  get partsDone(): number {
    return this.parts.filter(isDone).length;
  }

  /**
   * Asks the edge which parts S3 already holds and marks those as sent; a
   * part of the wrong size (an attempt cut short) is sent again. Throws the
   * edge's error when the upload is gone ({@link isGone}).
   */
  async sync(signal: AbortSignal): Promise<void> {
    const query = { submissionid: this.ids.submissionid, s3_key: this.session.s3_key };
    const { parts } = await this.patience.call('parts', signal, (s) => this.io.edge('GET /api/multipart/parts', { query, signal: s }));
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
    this.io.progress(this.sent);
  }

  /**
   * Sends what S3 does not hold yet, has the edge assemble the object, and
   * returns its checksum in S3's multipart ETag form, for confirm.
   */
  async finish(signal: AbortSignal): Promise<string> {
    let synced = false;
    for (;;) {
      await sendParts(this.parts, {
        hashes: this.hashes,
        urls: this.urls,
        patience: this.patience,
        io: this.io,
        sent: () => this.sent,
        slice: (p) => sliceOf(this.file, this.session, p),
      }, signal);
      if (!(await this.checkHeld(signal))) continue;
      try {
        await this.complete(signal);
        return await this.checksum(signal);
      } catch (err) {
        // The edge counted the parts in S3 and some are missing or short: look again, send those.
        const incomplete = err instanceof EdgeError && (err.code === 'OBJECT_NOT_UPLOADED' || err.code === 'SIZE_MISMATCH');
        if (!incomplete || synced) throw err;
        synced = true;
        this.io.report({ code: err.code, message: err.message, context: { stage: 'complete' } });
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
    const digests = await Promise.all(this.parts.map((p) => this.hashes.md5(p, signal)));
    return multipartChecksum(digests.map(fromBase64));
  }

  /** Idempotent on the edge: assembling an object already assembled answers success. */
  complete(signal: AbortSignal): Promise<MultipartCompleteResponse> {
    return this.patience.call('complete', signal, (s) => this.io.edge('POST /api/multipart/complete', { body: this.target(), signal: s }));
  }

  /** Best effort: cancelling never fails. Already gone, or unreachable: the edge's cleanup run aborts idle uploads anyway. */
  abort(): Promise<void> {
    return bestEffort(() => this.io.edge('POST /api/multipart/abort', { body: this.target() }));
  }

  /**
   * Parts S3 held before this run began (a resume) are hashed here, and one
   * whose stored ETag is an MD5 other than this file's bytes (the file was
   * changed since) is marked to be sent again. False when some were.
   */
  private async checkHeld(signal: AbortSignal): Promise<boolean> {
    let ok = true;
    for (const part of this.parts.filter(isDone)) {
      const md5 = await this.hashes.md5(part, signal);
      const stored = part.etag!.replaceAll('"', '').toLowerCase();
      // Not an MD5 (a bucket with SSE-KMS), or hidden by CORS: S3 checked the Content-MD5 when it took the part.
      if (!/^[0-9a-f]{32}$/.test(stored) || stored === toHex(fromBase64(md5))) continue;
      ok = false;
      part.sent = 0;
      delete part.etag;
      this.io.report({ code: 'PART_CHANGED', message: `Part ${part.number} in storage is not this file's.`, context: { stage: 'resume', part: part.number } });
    }
    if (!ok) this.io.progress(this.sent);
    return ok;
  }

  private target() {
    return { assignmentid: this.ids.assignmentid, submissionid: this.ids.submissionid, s3_key: this.session.s3_key };
  }
}
