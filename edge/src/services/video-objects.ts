import type { S3Client } from '@aws-sdk/client-s3';
import { ApiError } from '../http/errors';
import { stagingKeyOf } from './object-keys';
import { abortMultipart, deleteObjects } from './s3';

/**
 * Removes everything S3 holds for a record: the final key, the staging key and, if one is
 * still named, its multipart upload. Deleting what is already gone succeeds, so this is safe
 * to repeat (cleanup repeats it once no grant can write the staging key any more).
 */
export async function removeObjects(
  s3: S3Client,
  row: { s3_key: string; s3_bucket: string; multipart_upload_id: string | null },
): Promise<void> {
  const staging = stagingKeyOf(row.s3_key);
  if (row.multipart_upload_id) await abortMultipart(s3, row.s3_bucket, staging, row.multipart_upload_id);
  const { failed } = await deleteObjects(s3, row.s3_bucket, [row.s3_key, staging]);
  if (failed.size > 0) {
    throw new ApiError('STORAGE_ERROR', `Storage refused to delete the video (${[...failed.values()].join(', ')}).`);
  }
}
