import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ClientEventRequest, MediaFacts, UploadUrlRequest, VideoExtension } from '../../edge/src/contract';
import { sendClientEvent } from '../client-events';
import { EdgeError, isAbort, type Edge } from '../edge-client';
import type { UploadCompleteDetail } from '../events';
import { confirmUpload } from './confirm-upload';
import { Patience } from './edge-retry';
import { describeFailure, FILE_UNREADABLE, isUnreadableFile } from './failure-messages';
import { S3UploadError } from './s3-errors';
import { MultipartTransfer } from './multipart-upload';
import type { GateOutcome } from './playability-gate';
import { PostUpload } from './post-upload';
import { ProgressRate } from './progress-rate';
import { ResumeStore, type FileFingerprint } from './resume-store';
import type { Transfer, TransferIO, TransferPhase } from './transfer';
import type { UploadState } from './upload-state';
import { checkContent, checkFile, type Problem } from './validate';
import { readVideoMetadata, type VideoMetadata } from './video-metadata';

/** What the controller needs from its element. */
export interface UploadIO {
  edgeUrl(): string;
  assignmentid(): number;
  submissionid(): number;
  maxbytes(): number;
  allowedTypes(): readonly VideoExtension[];
  /** Files of at least this many bytes go multipart. */
  multipartThreshold(): number;
  edge: Edge;
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

interface Job {
  file: File;
  mimetype: string;
  stage: 'upload' | 'confirm';
  metadata: Promise<VideoMetadata>;
  /** The transfer under way or last made: its key is what confirm names, and what a failure report names. */
  transfer: Transfer | null;
  /** The multipart upload this file is going into; it outlives failures so Retry resumes it. */
  multipart: MultipartTransfer | null;
  /** What S3's ETag must be for the bytes sent (see ConfirmUploadRequest.md5), once the transfer is done. */
  checksum: string | null;
  /** What the header says, for confirm to store (display only); null when it could not be read. */
  media: MediaFacts | null;
}

/**
 * One upload from file to receipt, as the element shows it: checks, then a
 * presigned POST for an ordinary file (post-upload.ts) or an S3 multipart
 * upload for a large one (multipart-upload.ts), then confirm. Runs outside
 * rendering, owns the AbortController that Cancel (or removing the element)
 * aborts, and drops whatever a superseded run finishes with.
 */
export class UploadController implements ReactiveController {
  state: UploadState = { phase: 'initial', cancelled: false };
  /** The chosen file's length and preview, once read. */
  metadata: VideoMetadata | null = null;

  private run: AbortController | null = null;
  /** Outlives retries (the file's metadata is read once); aborted with a new file or Cancel. */
  private fileRun: AbortController | null = null;
  private job: Job | null = null;
  private retries = 0;
  private readonly rate = new ProgressRate();

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
    return this.busy || (this.state.phase === 'error' && !!this.job?.multipart?.open);
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
    this.job = { file, mimetype: check.mimetype, stage: 'upload', metadata, transfer: null, multipart: null, checksum: null, media: null };
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
    const aborted = multipart?.open ? multipart.abort() : Promise.resolve();
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
        this.set({ phase: 'validating', file: job.file, offline: false });
        // The bytes, not the name: a renamed document is refused before anything is sent.
        const refused = await checkContent(job.file, this.io.allowedTypes());
        if (!current()) return;
        if (refused) return this.refuse(job, refused);
        const playable = await this.io.playability(job.file, signal);
        if (!current()) return;
        if ('refused' in playable) return this.refuse(job, playable.refused);
        job.media = playable.media;
        job.checksum = await this.send(job, signal);
        job.stage = 'confirm';
      }
      if (!current()) return;
      this.set({ phase: 'processing', file: job.file, offline: false });
      const sent = { file: job.file, s3Key: job.transfer!.s3Key!, checksum: job.checksum!, media: job.media, metadata: job.metadata };
      const result = await confirmUpload(this.io, sent, new Patience(this.transferIO(job)), signal);
      if (!current()) return;
      this.job = null;
      this.fileRun = null;
      // Whatever this browser had left unfinished for the submission is moot now.
      this.store().drop();
      this.set({ phase: 'success', file: job.file, result });
      this.io.completed(result);
    } catch (err) {
      if (!current() || isAbort(err)) return;
      // Chromium sends a file changed on disk as a failed connection (ERR_UPLOAD_FILE_CHANGED):
      // whether the file can still be read tells that from the network going.
      const cause = err instanceof S3UploadError && err.kind === 'network' ? ((await unreadableFile(job.file)) ?? err) : err;
      if (!current()) return;
      this.fail(job, cause);
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
   * Resolves with the checksum confirm compares with S3's ETag.
   */
  private async send(job: Job, signal: AbortSignal): Promise<string> {
    if (job.file.size >= this.io.multipartThreshold()) return this.inParts(job, signal);
    try {
      job.transfer = new PostUpload(job.file, this.request(job), this.transferIO(job));
      return await job.transfer.send(signal);
    } catch (err) {
      if (err instanceof EdgeError && err.code === 'USE_MULTIPART') return this.inParts(job, signal);
      throw err;
    }
  }

  private inParts(job: Job, signal: AbortSignal): Promise<string> {
    job.multipart ??= new MultipartTransfer(job.file, this.request(job), this.store(), this.transferIO(job));
    job.transfer = job.multipart;
    return job.multipart.send(signal);
  }

  private request(job: Job): UploadUrlRequest {
    const { name: filename, size: filesize } = job.file;
    return { assignmentid: this.io.assignmentid(), submissionid: this.io.submissionid(), filename, filesize, mimetype: job.mimetype };
  }

  /** How a transfer (and confirm) tells this controller what it is doing; what it says after its job was dropped (Cancel, another file) shows nowhere. */
  private transferIO(job: Job): TransferIO {
    const live = () => this.job === job;
    return {
      edge: this.io.edge,
      progress: (sent) => {
        if (live()) this.onProgress(sent);
      },
      phase: (phase) => {
        if (live()) this.onPhase(job.file, phase);
      },
      report: (r) => {
        this.retries += 1;
        this.report({
          event_type: 'upload_retry',
          s3_key: job.transfer?.s3Key ?? undefined,
          error_code: r.code,
          error_message: r.message,
          error_context: r.context,
        });
      },
    };
  }

  private onPhase(file: File, phase: TransferPhase): void {
    const s = this.state;
    if (phase.kind === 'offline') {
      if (s.phase === 'validating' || s.phase === 'uploading' || s.phase === 'processing') this.set({ ...s, offline: phase.waiting });
      return;
    }
    this.rate.restart(phase.sent);
    this.set({ phase: 'uploading', file, sent: phase.sent, total: file.size, secondsLeft: null, resumed: phase.resumed, offline: false });
  }

  /** `sent`: bytes of the file S3 holds or is taking, however they travel. */
  private onProgress(sent: number): void {
    if (this.state.phase !== 'uploading') return;
    const { file } = this.state;
    this.set({ ...this.state, sent, total: file.size, secondsLeft: this.rate.secondsLeft(sent, file.size) });
  }

  private fail(job: Job, err: unknown): void {
    const { problem, retryable, restart, code, status } = describeFailure(err, { maxbytes: this.io.maxbytes(), allowedTypes: this.io.allowedTypes() });
    this.report({
      event_type: 'upload_failure',
      s3_key: job.transfer?.s3Key ?? undefined,
      error_code: code,
      error_message: err instanceof Error ? err.message : String(err),
      error_context: { stage: job.stage, status, online: navigator.onLine, multipart: !!job.multipart?.open },
    });
    if (restart) {
      job.stage = 'upload';
      // Sent again, hashed again: the file may have changed since.
      job.checksum = null;
    }
    // Storage holds other bytes than this file's: resuming that upload would only assemble them again.
    if (code === 'CHECKSUM_MISMATCH') job.multipart?.forget();
    // The file cannot be read any more: nothing of this upload can finish, so its multipart session
    // is ended now (its parts removed, its quota slot freed) rather than left for cleanup.
    if (code === FILE_UNREADABLE && job.multipart?.open) void job.multipart.abort().catch(() => undefined);
    this.set({ phase: 'error', file: job.file, problem, retryable });
  }

  private report(event: ClientEventRequest): void {
    sendClientEvent(this.io.edge, {
      assignmentid: this.io.assignmentid(),
      submissionid: this.io.submissionid(),
      file_size: this.job?.file.size,
      retry_count: this.retries,
      ...event,
    });
  }
}

/** The browser's error when the file can no longer be read (changed, moved, deleted); null when it can. */
async function unreadableFile(file: Blob): Promise<unknown> {
  try {
    await file.slice(0, 1).arrayBuffer();
    return null;
  } catch (err) {
    return isUnreadableFile(err) ? err : null;
  }
}
