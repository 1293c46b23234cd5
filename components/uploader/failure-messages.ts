import type { VideoExtension } from '../../edge/src/contract';
import { EdgeError } from '../edge-client';
import { formatBytes, formatTimeLeft } from '../format';
import { reportCode, S3UploadError } from './s3-errors';
import { typeNames, uploadLimit, type Problem } from './validate';

/**
 * What the student reads when an upload fails (Moodle strings, upload_error_*),
 * from what failed: S3's refusal (s3-errors.ts) or the edge's error code
 * (the contract's ErrorCode). Also whether Retry can help, and whether it must
 * send the file again from the presign rather than only ask again.
 */

/** A problem as the element shows it: a message, maybe a hint with its own `{$a}`. */
export type ShownProblem = Problem & { hintA?: string };

export interface Failure {
  problem: ShownProblem;
  retryable: boolean;
  /** Retry sends the file again (the stored object, if any, is not the one to confirm). */
  restart: boolean;
  /** How the failure is logged: `S3:503:SlowDown`, the edge's code, or CLIENT_ERROR. */
  code: string;
  status: number;
}

/** The assignment's limits the messages name. */
export interface Limits {
  maxbytes: number;
  allowedTypes: readonly VideoExtension[];
}

const INTERRUPTED: ShownProblem = { message: 'upload_error_interrupted', hint: 'upload_error_interrupted_hint' };
const CHECKSUM: ShownProblem = { message: 'upload_error_checksum', hint: 'upload_error_checksum_hint' };
const FAILED: ShownProblem = { message: 'upload_error_failed' };

/** How a file the browser can no longer read is logged. */
export const FILE_UNREADABLE = 'FILE_UNREADABLE';

/**
 * The File API's errors for a picked file that cannot be read any more (File API §7.3.2): it changed
 * on disk after it was picked (NotReadableError), or was moved or deleted (NotFoundError, as
 * Chromium names it then). Reading it again fails the same way, so Retry cannot help: the student
 * must pick it again.
 */
const UNREADABLE_NAMES = new Set(['NotReadableError', 'NotFoundError']);

export function isUnreadableFile(cause: unknown): boolean {
  const named = (e: unknown) => (e instanceof DOMException || e instanceof Error) && UNREADABLE_NAMES.has(e.name);
  return named(cause) || (cause instanceof Error && named(cause.cause));
}

export function describeFailure(cause: unknown, limits: Limits): Failure {
  if (cause instanceof S3UploadError) return fromS3(cause, limits);
  if (cause instanceof EdgeError) return fromEdge(cause, limits);
  if (isUnreadableFile(cause)) {
    return { problem: { message: 'upload_error_unreadable', hint: 'upload_error_unreadable_hint' }, retryable: false, restart: true, code: FILE_UNREADABLE, status: 0 };
  }
  return { problem: FAILED, retryable: true, restart: false, code: 'CLIENT_ERROR', status: 0 };
}

const tooLarge = (limits: Limits): ShownProblem => ({ message: 'upload_error_toolarge', a: formatBytes(uploadLimit(limits.maxbytes)), hint: 'upload_error_toolarge_hint' });

/** Every S3 refusal sends the file again: a POST is whole or nothing, and a multipart Retry resumes from what S3 holds. */
function fromS3(cause: S3UploadError, limits: Limits): Failure {
  const problem = ((): ShownProblem => {
    switch (cause.kind) {
      case 'network':
        return INTERRUPTED;
      case 'too-large':
        return tooLarge(limits);
      case 'server':
        return { message: 'upload_error_unavailable', hint: 'upload_error_unavailable_hint' };
      case 'denied':
        return { message: 'upload_error_denied', hint: 'upload_error_denied_hint' };
      case 'corrupted':
        return CHECKSUM;
      default:
        return FAILED;
    }
  })();
  return { problem, retryable: cause.kind !== 'too-large', restart: true, code: reportCode(cause), status: cause.status };
}

function fromEdge(cause: EdgeError, limits: Limits): Failure {
  const base = { code: cause.code, status: cause.status };
  const types = typeNames(limits.allowedTypes);
  switch (cause.code) {
    case 'NETWORK':
      return { ...base, problem: INTERRUPTED, retryable: true, restart: false };
    case 'RATE_LIMITED':
      return {
        ...base,
        problem: { message: 'upload_error_ratelimited', hint: 'common_try_again_in', hintA: formatTimeLeft(cause.retryAfter ?? 3600) },
        retryable: true,
        restart: false,
      };
    case 'FILE_TOO_LARGE':
      return { ...base, problem: tooLarge(limits), retryable: false, restart: true };
    case 'NOT_A_VIDEO':
      // Confirm's own look at the stored bytes: a browser that skipped the check before sending.
      return { ...base, problem: { message: 'upload_error_notvideo', a: types, hint: 'upload_error_notvideo_hint' }, retryable: false, restart: true };
    case 'UNSUPPORTED_TYPE':
      return { ...base, problem: { message: 'upload_error_type', a: types }, retryable: false, restart: true };
    case 'TOKEN_EXPIRED':
    case 'INVALID_TOKEN':
    case 'MISSING_TOKEN':
    case 'WRONG_SCOPE':
    case 'FORBIDDEN':
      return { ...base, problem: { message: 'upload_error_session' }, retryable: false, restart: false };
    case 'CHECKSUM_MISMATCH':
      return { ...base, problem: CHECKSUM, retryable: true, restart: true };
    case 'OBJECT_NOT_UPLOADED':
    case 'SIZE_MISMATCH':
    case 'UPLOAD_NOT_PENDING':
    case 'UPLOAD_NOT_FOUND':
      return { ...base, problem: { message: 'upload_error_confirm' }, retryable: true, restart: true };
    default:
      return { ...base, problem: FAILED, retryable: true, restart: false };
  }
}
