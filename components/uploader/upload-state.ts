import type { UploadCompleteDetail } from '../events';
import type { ShownProblem } from './failure-messages';

/** What the uploader shows, phase by phase (upload-controller.ts moves it on; uploader.ts renders it). */
export type UploadState =
  | { phase: 'initial'; cancelled: boolean }
  /** Checking the file, then asking the edge to open the upload; `offline`: waiting for the browser to come back online. */
  | { phase: 'validating'; file: File; offline: boolean }
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
  /** Confirming (and storing the poster); `offline`: waiting for the browser to come back online. */
  | { phase: 'processing'; file: File; offline: boolean }
  | { phase: 'success'; file: File; result: UploadCompleteDetail }
  | { phase: 'error'; file: File | null; problem: ShownProblem; retryable: boolean };

export type UploadPhase = UploadState['phase'];
