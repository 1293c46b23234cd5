/**
 * What S3 meant by a refusal, whether it came from a presigned POST or a
 * part's presigned PUT: the uploader decides from the kind whether to renew
 * the signature, wait and retry, or tell the student.
 */

export type S3FailureKind =
  /** No answer: the connection dropped (or an answer CORS would not let us read). */
  | 'network'
  /** The signature's time ran out: a new one fixes it, no need to ask anyone. */
  | 'expired'
  /** 403 for another reason: signature, key, type. */
  | 'denied'
  | 'too-large'
  /** BadDigest: the bytes S3 received are not the bytes whose MD5 was signed (changed in flight or on disk). */
  | 'corrupted'
  /** 5xx, SlowDown: S3's problem, worth another try later. */
  | 'server'
  | 'rejected';

export class S3UploadError extends Error {
  constructor(
    readonly kind: S3FailureKind,
    readonly status: number,
    /** S3's own error code (AccessDenied, EntityTooLarge…), when the answer could be read. */
    readonly s3Code: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'S3UploadError';
  }
}

function xmlField(xml: string, name: string): string | null {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? null;
}

/** An answer S3 gave (status and XML body); `expired` says whether the signature's deadline has passed. */
export function classifyAnswer(status: number, body: string, expired: boolean): S3UploadError {
  const code = xmlField(body, 'Code');
  // Ceph RGW answers BadDigest with an empty <Message>: fall back to the status.
  const message = xmlField(body, 'Message') || `S3 answered ${status}${code ? ` (${code})` : ''}`;
  if (status === 403 && (/expired/i.test(message) || (code === 'AccessDenied' && expired))) {
    return new S3UploadError('expired', status, code, message);
  }
  if (status === 403) return new S3UploadError('denied', status, code, message);
  if (code === 'EntityTooLarge') return new S3UploadError('too-large', status, code, message);
  if (code === 'BadDigest') return new S3UploadError('corrupted', status, code, message);
  if (status >= 500) return new S3UploadError('server', status, code, message);
  return new S3UploadError('rejected', status, code, message);
}

/** No answer at all. After the deadline an unreadable refusal is most likely the expired signature. */
export function noAnswer(expired: boolean): S3UploadError {
  return new S3UploadError(expired ? 'expired' : 'network', 0, null, 'The connection to storage was lost.');
}

/** How a refusal is logged (`S3:503:SlowDown`, `S3:network`): the edge keeps codes to [A-Za-z0-9_.:-]. */
export function reportCode(err: S3UploadError): string {
  return ['S3', err.status || null, err.s3Code ?? err.kind]
    .filter((p) => p !== null && p !== '')
    .join(':')
    .replace(/[^A-Za-z0-9_.:-]/g, '_')
    .slice(0, 64);
}
