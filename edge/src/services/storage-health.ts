import type { S3Client } from '@aws-sdk/client-s3';
import type { HealthCheck } from '../contract';
import type { Config } from '../config';
import { bucketRegion, bucketVersioning } from './s3';

/**
 * What a deployment gets wrong without any request failing loudly, checked against
 * the live bucket: the region (the SDK does not follow S3's region redirect, so a
 * wrong S3_REGION breaks every call) and versioning (on a versioned bucket a
 * delete only adds a delete marker: "deleted" videos stay stored and billed).
 * Each check says what to change. Two subrequests.
 */
export async function storageChecks(s3: S3Client, config: Config['s3']): Promise<HealthCheck[]> {
  const [where, versioning] = await Promise.all([
    bucketRegion(s3, config.bucket),
    bucketVersioning(s3, config.bucket).catch(() => 'unreachable' as const),
  ]);
  return [regionCheck(config, where), versioningCheck(config.bucket, versioning)];
}

function regionCheck(config: Config['s3'], where: { region: string | null; status: number }): HealthCheck {
  const { bucket, region } = config;
  if (where.region && where.region !== region) {
    return {
      name: 'bucket_region', ok: false,
      message: `Bucket ${bucket} is in ${where.region}, but S3_REGION is ${region}: set S3_REGION = "${where.region}" in wrangler.toml and deploy again.`,
    };
  }
  if (where.status === 404) {
    return { name: 'bucket_region', ok: false, message: `Bucket ${bucket} does not exist: check S3_BUCKET (and S3_ENDPOINT).` };
  }
  if (where.status !== 200) {
    return {
      name: 'bucket_region', ok: false,
      message: `Storage refused HeadBucket on ${bucket} (HTTP ${where.status}): the worker's credentials need s3:ListBucket on the bucket (README, "IAM policy").`,
    };
  }
  return { name: 'bucket_region', ok: true, message: `Bucket ${bucket} answers in ${where.region ?? region}.` };
}

function versioningCheck(bucket: string, status: 'Enabled' | 'Suspended' | null | 'denied' | 'unreachable'): HealthCheck {
  switch (status) {
    case null:
      return { name: 'versioning', ok: true, message: `Versioning is off on ${bucket}: a delete removes the bytes.` };
    case 'Enabled':
      return {
        name: 'versioning', ok: false,
        message: `Versioning is enabled on ${bucket}: every delete only adds a delete marker and the video stays stored and billed. ` +
          'Suspend versioning and add a lifecycle rule with NoncurrentVersionExpiration and ExpiredObjectDeleteMarker (README, "Versioning").',
      };
    case 'Suspended':
      return {
        name: 'versioning', ok: false,
        message: `Versioning is suspended on ${bucket}: versions kept while it was enabled stay stored. ` +
          'Add a lifecycle rule with NoncurrentVersionExpiration and ExpiredObjectDeleteMarker (README, "Versioning").',
      };
    case 'denied':
      return {
        name: 'versioning', ok: false,
        message: `The worker may not read the versioning of ${bucket}: grant s3:GetBucketVersioning on the bucket (README, "IAM policy").`,
      };
    default:
      return { name: 'versioning', ok: false, message: `Storage did not answer GetBucketVersioning on ${bucket}; try again.` };
  }
}
