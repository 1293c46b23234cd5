import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { VIDEO_TYPE_NAMES, type ClientEventRequest, type ConfirmUploadResponse, type UploadUrlResponse } from '../../edge/src/contract';
import { EdgeError, isAbort, type EdgeRequest } from '../edge-client';
import type { UploadCompleteDetail } from '../events';
import { formatBytes, formatTimeLeft } from '../format';
import { postToS3, S3UploadError } from './s3-post';
import { checkFile, uploadLimit, type Problem } from './validate';
import { readVideoMetadata, type VideoMetadata } from './video-metadata';

/**
 * One upload from file to receipt: presign → POST to S3 → confirm. Runs
 * outside rendering, owns the AbortController that Cancel (or removing the
 * element) aborts, and drops whatever a superseded run finishes with.
 */

/** A problem as the element shows it: a message, maybe a hint with its own `{$a}`. */
export type ShownProblem = Problem & { hintA?: string };

export type UploadState =
  | { phase: 'initial'; cancelled: boolean }
  | { phase: 'validating'; file: File }
  | { phase: 'uploading'; file: File; sent: number; total: number; secondsLeft: number | null }
  | { phase: 'processing'; file: File }
  | { phase: 'success'; file: File; result: UploadCompleteDetail }
  | { phase: 'error'; file: File | null; problem: ShownProblem; retryable: boolean };

export type UploadPhase = UploadState['phase'];

/** What the controller needs from its element. */
export interface UploadIO {
  assignmentid(): number;
  submissionid(): number;
  maxbytes(): number;
  edge<T>(req: EdgeRequest): Promise<T>;
  completed(result: UploadCompleteDetail): void;
}

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

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new DOMException('Upload cancelled', 'AbortError'));
    }, { once: true });
  });
}

/** The edge keeps error codes to [A-Za-z0-9_.:-]. */
const codeOf = (...parts: Array<string | number | null>) =>
  parts.filter((p) => p !== null && p !== '').join(':').replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 64);

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

  start(file: File): void {
    this.stop();
    this.retries = 0;
    this.metadata = null;
    const check = checkFile(file, this.io.maxbytes());
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
    this.job = { file, mimetype: check.mimetype, stage: 'upload', s3Key: null, metadata };
    void this.go();
  }

  retry(): void {
    if (this.state.phase !== 'error' || !this.state.retryable || !this.job) return;
    this.retries += 1;
    this.report({ event_type: 'upload_retry', error_code: 'USER_RETRY', error_context: { stage: this.job.stage, manual: true } });
    void this.go();
  }

  cancel(): void {
    if (!this.busy) return;
    this.stop();
    this.job = null;
    this.set({ phase: 'initial', cancelled: true });
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
        job.s3Key = await this.transfer(job, signal);
        job.stage = 'confirm';
      }
      if (!current()) return;
      this.set({ phase: 'processing', file: job.file });
      const result = await this.confirm(job, signal);
      if (!current()) return;
      this.job = null;
      this.fileRun = null;
      this.set({ phase: 'success', file: job.file, result });
      this.io.completed(result);
    } catch (err) {
      if (!current() || isAbort(err)) return;
      this.fail(job, err instanceof StageError ? err : new StageError(err, job.s3Key));
    }
  }

  /** Presign and POST; an expired policy is renewed and S3's own hiccups retried without asking anyone. */
  private async transfer(job: Job, signal: AbortSignal): Promise<string> {
    let presign = await this.presign(job, signal);
    let renewals = 0;
    let serverRetries = 0;
    for (;;) {
      this.progress = { startedAt: performance.now(), lastAt: performance.now(), lastLoaded: 0, rate: 0 };
      this.set({ phase: 'uploading', file: job.file, sent: 0, total: job.file.size, secondsLeft: null });
      try {
        await postToS3(presign, job.file, { signal, onProgress: (loaded, total) => this.onProgress(job.file, loaded, total) });
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
          error_code: codeOf('S3', err.status || null, err.s3Code ?? err.kind),
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

  private presign(job: Job, signal: AbortSignal): Promise<UploadUrlResponse> {
    return this.io.edge<UploadUrlResponse>({
      path: '/api/upload-url',
      body: {
        assignmentid: this.io.assignmentid(),
        submissionid: this.io.submissionid(),
        filename: job.file.name,
        filesize: job.file.size,
        mimetype: job.mimetype,
      },
      signal,
    });
  }

  /** Idempotent on the edge, so a lost answer is simply asked again. */
  private async confirm(job: Job, signal: AbortSignal): Promise<UploadCompleteDetail> {
    const { duration } = await job.metadata;
    const s3Key = job.s3Key!;
    const rounded = duration === null ? null : Math.round(duration * 1000) / 1000;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.io.edge<ConfirmUploadResponse>({
          path: '/api/confirm-upload',
          body: { assignmentid: this.io.assignmentid(), submissionid: this.io.submissionid(), s3_key: s3Key, filesize: job.file.size, duration: rounded },
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

  private onProgress(file: File, loaded: number, total: number): void {
    const now = performance.now();
    const p = this.progress;
    if (now - p.lastAt >= 500) {
      const rate = (loaded - p.lastLoaded) / ((now - p.lastAt) / 1000);
      p.rate = p.rate === 0 ? rate : 0.8 * p.rate + 0.2 * rate;
      p.lastAt = now;
      p.lastLoaded = loaded;
    }
    const estimate = p.rate > 0 && now - p.startedAt >= ESTIMATE_AFTER_MS;
    // The multipart body is a little larger than the file (the policy fields): scale to the file.
    const sent = Math.min(file.size, Math.round((loaded / total) * file.size));
    this.set({
      phase: 'uploading',
      file,
      sent,
      total: file.size,
      secondsLeft: estimate ? (total - loaded) / p.rate : null,
    });
  }

  private fail(job: Job, err: StageError): void {
    const { problem, retryable, restart, code, status } = this.describe(err.failure);
    this.report({
      event_type: 'upload_failure',
      s3_key: err.s3Key ?? undefined,
      error_code: code,
      error_message: err.message.slice(0, 1000),
      error_context: { stage: job.stage, status, online: navigator.onLine },
    });
    if (restart) job.stage = 'upload';
    this.set({ phase: 'error', file: job.file, problem, retryable });
  }

  /** What to tell the student, whether Retry can help, and whether it must start again from the presign. */
  private describe(cause: unknown): Failure {
    const limit = formatBytes(uploadLimit(this.io.maxbytes()));
    if (cause instanceof S3UploadError) {
      const code = codeOf('S3', cause.status || null, cause.s3Code ?? cause.kind);
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
        case 'UNSUPPORTED_TYPE':
          return { ...base, problem: { message: 'upload_error_type', a: VIDEO_TYPE_NAMES }, retryable: false, restart: true };
        case 'TOKEN_EXPIRED':
        case 'INVALID_TOKEN':
        case 'MISSING_TOKEN':
        case 'WRONG_SCOPE':
        case 'FORBIDDEN':
          return { ...base, problem: { message: 'upload_error_session' }, retryable: false, restart: false };
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
