// Creates the local bucket and sets its CORS and lifecycle rules, the same as the deployed
// bucket's (infra/bucket-cors.ts, infra/stack.ts); run by rgw.sh with the env that
// `rgw.sh env` prints, plus S3VIDEO_CORS_ORIGINS (comma- or space-separated, default `*`)
// and MULTIPART_ABORT_AFTER_DAYS (default 7, as the worker's).
// Safe to re-run: an existing bucket of ours is kept and its rules replaced.
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  PutBucketLifecycleConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { bucketCorsRules } from '../../infra/bucket-cors.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const bucket = env('S3_BUCKET');
const s3 = new S3Client({
  endpoint: env('S3_ENDPOINT'),
  region: env('S3_REGION'),
  forcePathStyle: true,
  // RGW ignores x-amz-checksum-* and answers 411 to the SDK's aws-chunked uploads.
  requestChecksumCalculation: 'WHEN_REQUIRED',
});

try {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
} catch (err) {
  // Re-creating one's own bucket is BucketAlreadyOwnedByYou on AWS, BucketAlreadyExists on
  // some RGW versions; HeadBucket tells "ours" from "someone else's" either way.
  await s3.send(new HeadBucketCommand({ Bucket: bucket })).catch(() => {
    throw err;
  });
}

const origins = (process.env.S3VIDEO_CORS_ORIGINS || '*').split(/[\s,]+/).filter(Boolean);
await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: bucketCorsRules(origins) } }));
const abortDays = Number(process.env.MULTIPART_ABORT_AFTER_DAYS || 7);
await s3.send(
  new PutBucketLifecycleConfigurationCommand({
    Bucket: bucket,
    LifecycleConfiguration: {
      Rules: [
        { ID: 'abort-incomplete-multipart', Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: abortDays } },
        { ID: 'expire-staging', Status: 'Enabled', Filter: { Prefix: 'uploads/' }, Expiration: { Days: 7 } },
      ],
    },
  }),
);
console.log(`bucket ${bucket} ready, CORS origins: ${origins.join(' ')}`);
