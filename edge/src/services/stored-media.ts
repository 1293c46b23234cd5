import type { S3Client } from '@aws-sdk/client-s3';
import { sniffContainer, SNIFF_BYTES, type Container } from '../media/container';
import { getObjectRange } from './s3';

/**
 * The container a stored object really is, read from its first bytes with one ranged GET
 * (the same check the uploader made before sending, repeated on what storage holds, since a
 * browser can be bypassed). Null when the bytes are no accepted video container;
 * `'missing'` when there is no object (a parallel confirm or a delete removed it meanwhile). Confirm
 * refuses null with 415 NOT_A_VIDEO, logged as `upload_failure`.
 */
export async function sniffStoredObject(s3: S3Client, bucket: string, key: string): Promise<Container | 'missing' | null> {
  const head = await getObjectRange(s3, bucket, key, 0, SNIFF_BYTES - 1);
  return head === null ? 'missing' : sniffContainer(head);
}
