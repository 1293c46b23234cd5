import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ClientEventRequest, ConfirmUploadRequest, ConfirmUploadResponse, MediaFacts, UploadUrlRequest, UploadUrlResponse, VideoExtension } from '../../edge/src/contract';
import { EdgeError, isAbort, type EdgeRequest } from '../edge-client';
import type { UploadCompleteDetail } from '../events';
import { formatBytes, formatTimeLeft } from '../format';
import { isGone, MultipartUpload, startMultipart, type MultipartSession, type RetryReport } from './multipart-upload';
import { md5Of, toHex } from './md5';
import type { GateOutcome } from './playability-gate';
import { fingerprint, ResumeStore, sameFile, type FileFingerprint } from './resume-store';
import { reportCode, S3UploadError } from './s3-errors';
import { postToS3 } from './s3-post';
import { checkContent, checkFile, typeNames, uploadLimit, type Problem } from './validate';
import { sendPoster } from './poster';
import { readVideoMetadata, type VideoMetadata } from './video-metadata';
import { sleep } from './wait';

/**
 * One upload from file to receipt: a presigned POST for an ordinary file, an
 * S3 multipart upload for a large one, then confirm. Runs outside rendering,
 * owns the AbortController that Cancel (or removing the element) aborts, and
 * drops whatever a superseded run finishes with.
 */

/** A problem as the element shows it: a message, maybe a hint with its own `{$a}`. */
export type ShownProblem = Problem & { hintA?: string };

export type UploadState =
  | { phase: 'initial'; cancelled: boolean }
  | { phase: 'validating'; file: File }
  | {
      phase: 'uploading';
      file: File;
      sent: number;
      total: number;
      secondsLeft: number | null;
      /** Parts S3 already held when this run began (a resume), else null. */
      resumed: { done: number; total: number } | null;
      /** Waiting for the browser to come back online. */
      offline: boolean;
    }
  | { phase: 'processing'; file: File }
  | { phase: 'success'; file: File; result: UploadCompleteDetail }
  | { phase: 'error'; file: File | null; problem: ShownProblem; retryable: boolean };

export type UploadPhase = UploadState['phase'];

/** What the controller needs from its element. */
export interface UploadIO {
  edgeUrl(): string;
  assignmentid(): number;
  submissionid(): number;
  maxbytes(): number;
  allowedTypes(): readonly VideoExtension[];
  /** Files of at least this many bytes go multipart. */
  multipartThreshold(): number;
  edge<T>(req: EdgeRequest): Promise<T>;
  completed(result: UploadCompleteDetail): void;
  /** Where the file plays (playability-gate.ts): settles when it may be sent, or refuses it. */
  playability(file: File, signal: AbortSignal): Promise<GateOutcome>;
}

/**
 * From here on a file goes multipart. Below it one POST takes seconds to a
 * few minutes, and sending it again costs little; above it a dropped
 * connection would cost minutes of sending, while parts (4 of 16 MiB at the
 * threshold) are retried alone and survive a reload.
 */
export const MULTIPART_THRESHOLD = 64 * 1024 ** 2;
/** A presign lives an hour; renewing it more than this often means something else is wrong. */
export const MAX_PRESIGN_RENEWALS = 3;
/** S3 5xx / SlowDown and a lost confirm answer are retried this many times before the student is asked. */
export const MAX_AUTO_RETRIES = 2;
const BACKOFF_MS = [1000, 3000];
/** A time left computed from less than this is noise. */
const ESTIMATE_AFTER_MS = 2000;

interface Job {
  file: File;
  mimetype: string;
  stage: 'upload' | 'confirm';
  s3Key: string | null;
  metadata: Promise<VideoMetadata>;
  /** The multipart upload this file is going into; it outlives failures so Retry resumes it. */
  multipart: MultipartUpload | null;
  /** What S3's ETag must be for the bytes sent (see ConfirmUploadRequest.md5), once the transfer is done. */
  checksum: string | null;
  /** What the header says, for confirm to store (display only); null when it could not be read. */
  media: MediaFacts | null;
}

interface Failure {
  problem: ShownProblem;
  retryable: boolean;
  restart: boolean;
  code: string;
  status: number;
}

/** Where a failure happened, kept with the key it concerned so the report can name it. */
class StageError extends Error {
  constructor(readonly failure: unknown, readonly s3Key: string | null) {
    super(failure instanceof Error ? failure.message : String(failure));
  }
}

export class UploadController implements ReactiveController {
  state: UploadState = { phase: 'initial', cancelled: false };
  /** The chosen file's length and preview, once read. */
  metadata: VideoMetadata | null = null;

  private run: AbortController | null = null;
  /** Outlives retries (the file's metadata is read once); aborted with a new file or Cancel. */
  private fileRun: AbortController | null = null;
  private job: Job | null = null;
  private retries = 0;
  private progress = { startedAt: 0, lastAt: 0, lastLoaded: 0, rate: 0 };

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly io: UploadIO,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    // A page that drops the element must not keep sending gigabytes.
    if (this.busy) this.cancel();
  }

  get busy(): boolean {
    return this.state.phase === 'validating' || this.state.phase === 'uploading' || this.state.phase === 'processing';
  }

  /** While busy, and after a failure that left a multipart upload open (Cancel is what ends it). */
  get cancellable(): boolean {
    return this.busy || (this.state.phase === 'error' && !!this.job?.multipart);
  }

  /** The file of an upload this browser left unfinished for this submission, to offer picking it again. */
  interrupted(): FileFingerprint | null {
    if (!this.io.edgeUrl() || !this.io.submissionid()) return null;
    return this.store().load()?.file ?? null;
  }

  start(file: File): void {
    this.stop();
    this.retries = 0;
    this.metadata = null;
    const check = checkFile(file, this.io.maxbytes(), this.io.allowedTypes());
    if (!check.ok) {
      this.job = null;
      this.set({ phase: 'error', file, problem: check.problem, retryable: false });
      return;
    }
    this.fileRun = new AbortController();
    const metadata = readVideoMetadata(file, { signal: this.fileRun.signal }).then((m) => {
      if (this.job?.file === file) {
        this.metadata = m;
        this.host.requestUpdate();
      }
      return m;
    });
    this.job = { file, mimetype: check.mimetype, stage: 'upload', s3Key: null, metadata, multipart: null, checksum: null, media: null };
    void this.go();
  }

  retry(): void {
    if (this.state.phase !== 'error' || !this.state.retryable || !this.job) return;
    this.retries += 1;
    this.report({ event_type: 'upload_retry', error_code: 'USER_RETRY', error_context: { stage: this.job.stage, manual: true } });
    void this.go();
  }

  /**
   * Stops sending; a multipart upload is aborted on the edge (its parts removed) and forgotten
   * here. Settles when the edge has answered the abort, for a page about to navigate away.
   */
  cancel(): Promise<void> {
    if (!this.cancellable) return Promise.resolve();
    const multipart = this.job?.multipart;
    this.stop();
    let aborted = Promise.resolve();
    if (multipart) {
      this.store().drop();
      aborted = multipart.abort().catch(() => undefined);
    }
    this.job = null;
    this.set({ phase: 'initial', cancelled: true });
    return aborted;
  }

  private stop(): void {
    this.run?.abort();
    this.run = null;
    this.fileRun?.abort();
    this.fileRun = null;
  }

  private set(state: UploadState): void {
    this.state = state;
    this.host.requestUpdate();
  }

  private store(): ResumeStore {
    return new ResumeStore(this.io.edgeUrl(), this.io.submissionid());
  }

  private async go(): Promise<void> {
    this.run?.abort();
    const run = new AbortController();
    this.run = run;
    const { signal } = run;
    const job = this.job!;
    const current = () => this.run === run && !signal.aborted;
    try {
      if (job.stage === 'upload') {
        this.set({ phase: 'validating', file: job.file });
        // The bytes, not the name: a renamed document is refused before anything is sent.
        const refused = await checkContent(job.file, this.io.allowedTypes());
        if (!current()) return;
        if (refused) return this.refuse(job, refused);
        const playable = await this.io.playability(job.file, signal);
        if (!current()) return;
        if ('refused' in playable) return this.refuse(job, playable.refused);
        job.media = playable.media;
        job.s3Key = await this.send(job, signal);
        job.stage = 'confirm';
      }
      if (!current()) return;
      this.set({ phase: 'processing', file: job.file });
      const result = await this.confirm(job, signal);
      if (!current()) return;
      this.job = null;
      this.fileRun = null;
      // Whatever this browser had left unfinished for the submission is moot now.
      this.store().drop();
      this.set({ phase: 'success', file: job.file, result });
      this.io.completed(result);
    } catch (err) {
      if (!current() || isAbort(err)) return;
      this.fail(job, err instanceof StageError ? err : new StageError(err, job.s3Key));
    }
  }

  /** A file that is not a video: said at once, nothing sent, nothing to retry. */
  private refuse(job: Job, problem: Problem): void {
    this.stop();
    this.job = null;
    this.set({ phase: 'error', file: job.file, problem, retryable: false });
  }

  /**
   * Multipart from the threshold on; below it one POST, unless the edge answers
   * USE_MULTIPART (its POST ceiling is the contract's MAX_POST_BYTES, and a page
   * configured with a higher threshold must still get its file through).
   */
  private async send(job: Job, signal: AbortSignal): Promise<string> {
    if (job.file.size >= this.io.multipartThreshold()) return this.transferInParts(job, signal);
    try {
      return await this.transfer(job, signal);
    } catch (err) {
      if (err instanceof EdgeError && err.code === 'USE_MULTIPART') return this.transferInParts(job, signal);
      throw err;
    }
  }

  /**
   * Presign and POST; an expired policy is renewed and S3's own hiccups retried without asking anyone.
   * The file's MD5 is computed while it is sent (a POST has no Content-MD5 for S3 to check): confirm
   * compares it with the stored object's ETag.
   */
  private async transfer(job: Job, signal: AbortSignal): Promise<string> {
    const digest = md5Of(job.file, signal).then(toHex);
    // Awaited only after the POST; a POST that fails first must not leave this rejection unhandled.
    digest.catch(() => undefined);
    let presign = await this.presign(job, signal);
    let renewals = 0;
    let serverRetries = 0;
    for (;;) {
      this.startProgress(0);
      this.set({ phase: 'uploading', file: job.file, sent: 0, total: job.file.size, secondsLeft: null, resumed: null, offline: false });
      try {
        await postToS3(presign, job.file, {
          signal,
          // The multipart body is a little larger than the file (the policy fields): scale to the file.
          onProgress: (loaded, total) => this.onProgress(job.file, Math.min(job.file.size, Math.round((loaded / total) * job.file.size))),
        });
        job.checksum = await digest;
        return presign.s3_key;
      } catch (err) {
        if (!(err instanceof S3UploadError)) throw err;
        const renew = err.kind === 'expired' && renewals < MAX_PRESIGN_RENEWALS;
        const again = err.kind === 'server' && serverRetries < MAX_AUTO_RETRIES;
        if (!renew && !again) throw new StageError(err, presign.s3_key);
        this.retries += 1;
        this.report({
          event_type: 'upload_retry',
          s3_key: presign.s3_key,
          error_code: reportCode(err),
          error_message: err.message,
          error_context: { stage: 'upload', reason: err.kind, status: err.status },
        });
        if (renew) {
          renewals += 1;
          presign = await this.presign(job, signal);
        } else {
          await sleep(BACKOFF_MS[serverRetries] ?? 3000, signal);
          serverRetries += 1;
        }
      }
    }
  }

  private request(job: Job): UploadUrlRequest {
    return {
      assignmentid: this.io.assignmentid(),
      submissionid: this.io.submissionid(),
      filename: job.file.name,
      filesize: job.file.size,
      mimetype: job.mimetype,
    };
  }

  private presign(job: Job, signal: AbortSignal): Promise<UploadUrlResponse> {
    return this.io.edge<UploadUrlResponse>({ path: '/api/upload-url', body: this.request(job), signal });
  }

  /**
   * A multipart upload: the one this job already has (Retry), or the one this
   * browser stored for the same file (a reload), resumed from what S3 holds;
   * otherwise a new one. An upload the edge no longer has is forgotten and
   * started afresh without troubling the student, once.
   */
  private async transferInParts(job: Job, signal: AbortSignal): Promise<string> {
    const store = this.store();
    for (let fresh = 0; ; fresh++) {
      if (!job.multipart && fresh === 0) {
        const saved = store.load();
        if (saved && sameFile(saved.file, fingerprint(job.file))) job.multipart = this.multipart(job.file, saved);
      }
      try {
        let upload = job.multipart;
        if (upload) {
          job.s3Key = upload.session.s3_key;
          if (!(await this.resume(upload, signal))) {
            job.checksum = await upload.checksum(signal);
            return upload.session.s3_key;
          }
        } else {
          const started = await startMultipart(this.multipartIO(), this.request(job), signal);
          upload = job.multipart = this.multipart(job.file, started);
          job.s3Key = started.s3_key;
          const { s3_key, upload_id, part_size, part_count } = started;
          store.save({ s3_key, upload_id, part_size, part_count, submissionid: this.io.submissionid(), file: fingerprint(job.file), started_at: Date.now() });
        }
        const done = upload.partsDone;
        this.startProgress(upload.sent);
        this.set({
          phase: 'uploading',
          file: job.file,
          sent: upload.sent,
          total: job.file.size,
          secondsLeft: null,
          resumed: done > 0 ? { done, total: upload.parts.length } : null,
          offline: false,
        });
        job.checksum = await upload.finish(signal);
        return upload.session.s3_key;
      } catch (err) {
        if (!isGone(err)) throw new StageError(err, job.s3Key);
        store.drop();
        job.multipart = null;
        if (fresh > 0) throw new StageError(err, job.s3Key);
        job.s3Key = null;
      }
    }
  }

  /**
   * Learns what S3 holds of an upload begun earlier. False when there is
   * nothing left to send: the page went away after the edge had assembled
   * the object, so only the confirmation is missing.
   */
  private async resume(upload: MultipartUpload, signal: AbortSignal): Promise<boolean> {
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

  private multipart(file: File, session: MultipartSession): MultipartUpload {
    return new MultipartUpload(file, session, this.multipartIO());
  }

  private multipartIO() {
    return {
      edge: <T>(req: EdgeRequest) => this.io.edge<T>(req),
      assignmentid: () => this.io.assignmentid(),
      submissionid: () => this.io.submissionid(),
      progress: () => {
        const upload = this.job?.multipart;
        if (upload && this.state.phase === 'uploading') this.onProgress(upload.file, upload.sent);
      },
      retrying: (r: RetryReport) => {
        this.retries += 1;
        this.report({
          event_type: 'upload_retry',
          s3_key: this.job?.s3Key ?? undefined,
          error_code: r.code,
          error_message: r.message.slice(0, 1000),
          error_context: r.context,
        });
      },
      offline: (waiting: boolean) => {
        if (this.state.phase === 'uploading') this.set({ ...this.state, offline: waiting });
      },
    };
  }

  /** Idempotent on the edge, so a lost answer is simply asked again. */
  private async confirm(job: Job, signal: AbortSignal): Promise<UploadCompleteDetail> {
    const { duration, poster } = await job.metadata;
    const s3Key = job.s3Key!;
    // While the upload is still pending: once confirmed, the edge keeps the poster as it is.
    await sendPoster(this.io, s3Key, poster, signal);
    const rounded = duration === null ? null : Math.round(duration * 1000) / 1000;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.io.edge<ConfirmUploadResponse>({
          path: '/api/confirm-upload',
          body: {
            assignmentid: this.io.assignmentid(),
            submissionid: this.io.submissionid(),
            s3_key: s3Key,
            filesize: job.file.size,
            md5: job.checksum!,
            duration: rounded,
            ...(job.media ? { media: job.media } : {}),
          } satisfies ConfirmUploadRequest,
          signal,
        });
        return { receipt: res.receipt, videoid: res.videoid, s3_key: s3Key, filename: job.file.name, filesize: job.file.size, duration: rounded };
      } catch (err) {
        const transient = err instanceof EdgeError && (err.code === 'NETWORK' || err.status >= 500);
        if (!transient || attempt >= MAX_AUTO_RETRIES) throw new StageError(err, s3Key);
        this.retries += 1;
        this.report({ event_type: 'upload_retry', s3_key: s3Key, error_code: err.code, error_message: err.message, error_context: { stage: 'confirm', status: err.status } });
        await sleep(BACKOFF_MS[attempt] ?? 3000, signal);
      }
    }
  }

  private startProgress(sent: number): void {
    const now = performance.now();
    this.progress = { startedAt: now, lastAt: now, lastLoaded: sent, rate: 0 };
  }

  /** `sent`: bytes of the file S3 holds or is taking, however they travel. */
  private onProgress(file: File, sent: number): void {
    if (this.state.phase !== 'uploading') return;
    const now = performance.now();
    const p = this.progress;
    if (now - p.lastAt >= 500) {
      const rate = (sent - p.lastLoaded) / ((now - p.lastAt) / 1000);
      p.rate = p.rate === 0 ? rate : 0.8 * p.rate + 0.2 * rate;
      p.lastAt = now;
      p.lastLoaded = sent;
    }
    const estimate = p.rate > 0 && now - p.startedAt >= ESTIMATE_AFTER_MS;
    this.set({ ...this.state, file, sent, total: file.size, secondsLeft: estimate ? (file.size - sent) / p.rate : null });
  }

  private fail(job: Job, err: StageError): void {
    const { problem, retryable, restart, code, status } = this.describe(err.failure);
    this.report({
      event_type: 'upload_failure',
      s3_key: err.s3Key ?? undefined,
      error_code: code,
      error_message: err.message.slice(0, 1000),
      error_context: { stage: job.stage, status, online: navigator.onLine, multipart: !!job.multipart },
    });
    if (restart) {
      job.stage = 'upload';
      // Sent again, hashed again: the file may have changed since.
      job.checksum = null;
    }
    if (code === 'CHECKSUM_MISMATCH' && job.multipart) {
      // Storage holds other bytes than this file's: resuming that upload would only assemble them again.
      this.store().drop();
      job.multipart = null;
    }
    this.set({ phase: 'error', file: job.file, problem, retryable });
  }

  /** What to tell the student, whether Retry can help, and whether it must start again from the presign. */
  private describe(cause: unknown): Failure {
    const limit = formatBytes(uploadLimit(this.io.maxbytes()));
    if (cause instanceof S3UploadError) {
      const code = reportCode(cause);
      const status = cause.status;
      switch (cause.kind) {
        case 'network':
          return { problem: { message: 'upload_error_interrupted', hint: 'upload_error_interrupted_hint' }, retryable: true, restart: true, code, status };
        case 'too-large':
          return { problem: { message: 'upload_error_toolarge', a: limit, hint: 'upload_error_toolarge_hint' }, retryable: false, restart: true, code, status };
        case 'server':
          return { problem: { message: 'upload_error_unavailable', hint: 'upload_error_unavailable_hint' }, retryable: true, restart: true, code, status };
        case 'denied':
          return { problem: { message: 'upload_error_denied', hint: 'upload_error_denied_hint' }, retryable: true, restart: true, code, status };
        case 'corrupted':
          return { problem: { message: 'upload_error_checksum', hint: 'upload_error_checksum_hint' }, retryable: true, restart: true, code, status };
        default:
          return { problem: { message: 'upload_error_failed' }, retryable: true, restart: true, code, status };
      }
    }
    if (cause instanceof EdgeError) {
      const base = { code: cause.code, status: cause.status };
      switch (cause.code) {
        case 'NETWORK':
          return { ...base, problem: { message: 'upload_error_interrupted', hint: 'upload_error_interrupted_hint' }, retryable: true, restart: false };
        case 'RATE_LIMITED':
          return {
            ...base,
            problem: { message: 'upload_error_ratelimited', hint: 'common_try_again_in', hintA: formatTimeLeft(cause.retryAfter ?? 3600) },
            retryable: true,
            restart: false,
          };
        case 'FILE_TOO_LARGE':
          return { ...base, problem: { message: 'upload_error_toolarge', a: limit, hint: 'upload_error_toolarge_hint' }, retryable: false, restart: true };
        case 'NOT_A_VIDEO':
          // Confirm's own look at the stored bytes: a browser that skipped the check above.
          return { ...base, problem: { message: 'upload_error_notvideo', a: typeNames(this.io.allowedTypes()), hint: 'upload_error_notvideo_hint' }, retryable: false, restart: true };
        case 'UNSUPPORTED_TYPE':
          return { ...base, problem: { message: 'upload_error_type', a: typeNames(this.io.allowedTypes()) }, retryable: false, restart: true };
        case 'TOKEN_EXPIRED':
        case 'INVALID_TOKEN':
        case 'MISSING_TOKEN':
        case 'WRONG_SCOPE':
        case 'FORBIDDEN':
          return { ...base, problem: { message: 'upload_error_session' }, retryable: false, restart: false };
        case 'CHECKSUM_MISMATCH':
          return { ...base, problem: { message: 'upload_error_checksum', hint: 'upload_error_checksum_hint' }, retryable: true, restart: true };
        case 'OBJECT_NOT_UPLOADED':
        case 'SIZE_MISMATCH':
        case 'UPLOAD_NOT_PENDING':
        case 'UPLOAD_NOT_FOUND':
          return { ...base, problem: { message: 'upload_error_confirm' }, retryable: true, restart: true };
        default:
          return { ...base, problem: { message: 'upload_error_failed' }, retryable: true, restart: false };
      }
    }
    return { problem: { message: 'upload_error_failed' }, retryable: true, restart: false, code: 'CLIENT_ERROR', status: 0 };
  }

  /** Best effort: a report that cannot be sent must never become the student's problem. */
  private report(event: ClientEventRequest): void {
    const job = this.job;
    const body: ClientEventRequest = {
      assignmentid: this.io.assignmentid(),
      submissionid: this.io.submissionid(),
      file_size: job?.file.size,
      retry_count: this.retries,
      ...event,
      error_context: { ...event.error_context, userAgent: navigator.userAgent.slice(0, 200) },
    };
    this.io.edge({ path: '/api/events', body }).catch(() => undefined);
  }
}
