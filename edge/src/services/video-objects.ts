import type { S3Client } from '@aws-sdk/client-s3';
import { ApiError } from '../http/errors';
import { captionKeysOf, forgetTracks } from './captions';
import { posterKeyOf, stagingKeyOf } from './object-keys';
import { abortMultipart, deleteObjects } from './s3';

/**
 * Every key a deleted or failed video leaves behind: its final and staging keys and its poster
 * (whether or not one was ever written: deleting a missing key succeeds). Caption files are
 * listed in D1 (captions.ts), since their keys are random.
 */
export function videoKeys(row: { s3_key: string }): string[] {
  return [row.s3_key, stagingKeyOf(row.s3_key), posterKeyOf(row.s3_key)];
}

/**
 * Removes everything S3 holds for a record: the final key, the staging key, the poster, its
 * caption files and, if one is still named, its multipart upload. Deleting what is already gone
 * succeeds, so this is safe to repeat (cleanup repeats it once no grant can write the staging
 * key any more, and then also removes a caption attached in between). Returns the keys a viewer
 * could have fetched through the CDN (video, poster, captions), for an invalidation.
 */
export async function removeObjects(
  s3: S3Client,
  db: D1Database,
  row: { id: number; s3_key: string; s3_bucket: string; multipart_upload_id: string | null; poster_key: string | null },
): Promise<string[]> {
  const staging = stagingKeyOf(row.s3_key);
  if (row.multipart_upload_id) await abortMultipart(s3, row.s3_bucket, staging, row.multipart_upload_id);
  const captions = (await captionKeysOf(db, [row.id])).map((c) => c.s3_key);
  const { failed } = await deleteObjects(s3, row.s3_bucket, [...videoKeys(row), ...captions]);
  if (failed.size > 0) {
    throw new ApiError('STORAGE_ERROR', `Storage refused to delete the video (${[...failed.values()].join(', ')}).`);
  }
  await forgetTracks(db, captions);
  return [row.s3_key, ...(row.poster_key ? [row.poster_key] : []), ...captions];
}
