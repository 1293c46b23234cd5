import type { MultipartStartResponse } from '../../edge/src/contract';

/**
 * The multipart uploads this browser left unfinished, one per submission,
 * so that after a reload (or a closed laptop) choosing the same file again
 * sends only the parts S3 does not hold yet. Kept in localStorage under the
 * edge's URL and the submission; the file is recognised by name, size and
 * modification time (hashing 5 GB would keep the student waiting before a
 * byte moves). Storage that is full or forbidden (private windows, some
 * embedded frames) only costs the resume, never the upload.
 *
 * Whether an upload is still open only the edge knows: it keeps one alive as
 * long as parts are being signed, and its cleanup run aborts it hours after
 * that. So a record is dropped when the edge says the upload is gone, when it
 * ends here, or when it is older than any bucket keeps unfinished parts.
 */

/** The bucket's lifecycle rule aborts unfinished multipart uploads 7 days after they began (README, deployment). */
export const RESUME_MAX_AGE_MS = 7 * 86_400_000;

export interface FileFingerprint {
  name: string;
  size: number;
  lastModified: number;
}

export interface StoredUpload extends Pick<MultipartStartResponse, 's3_key' | 'upload_id' | 'part_size' | 'part_count'> {
  submissionid: number;
  file: FileFingerprint;
  /** Epoch milliseconds. */
  started_at: number;
}

const PREFIX = 's3video.multipart:';

export const fingerprint = (file: File): FileFingerprint => ({ name: file.name, size: file.size, lastModified: file.lastModified });

export const sameFile = (a: FileFingerprint, b: FileFingerprint): boolean =>
  a.name === b.name && a.size === b.size && a.lastModified === b.lastModified;

function isStoredUpload(value: unknown): value is StoredUpload {
  const v = value as Partial<StoredUpload> | null;
  return (
    typeof v === 'object' && v !== null &&
    typeof v.s3_key === 'string' && typeof v.upload_id === 'string' &&
    typeof v.part_size === 'number' && typeof v.part_count === 'number' &&
    typeof v.started_at === 'number' && typeof v.submissionid === 'number' &&
    typeof v.file?.name === 'string' && typeof v.file.size === 'number' && typeof v.file.lastModified === 'number'
  );
}

export class ResumeStore {
  private readonly key: string;

  constructor(edgeUrl: string, private readonly submissionid: number) {
    this.key = `${PREFIX}${edgeUrl.replace(/\/+$/, '')}#${submissionid}`;
  }

  /** The unfinished upload of this submission, unless it is too old to be open anywhere. */
  load(now = Date.now()): StoredUpload | null {
    let value: unknown;
    try {
      value = JSON.parse(localStorage.getItem(this.key) ?? 'null');
    } catch {
      return null;
    }
    if (!isStoredUpload(value) || value.submissionid !== this.submissionid) return null;
    if (!(now - value.started_at < RESUME_MAX_AGE_MS)) {
      this.drop();
      return null;
    }
    return value;
  }

  save(upload: StoredUpload): void {
    try {
      localStorage.setItem(this.key, JSON.stringify(upload));
    } catch {
      // No room or no storage: the upload goes on, it just cannot outlive the page.
    }
  }

  drop(): void {
    try {
      localStorage.removeItem(this.key);
    } catch {
      // Nothing stored, then.
    }
  }
}
