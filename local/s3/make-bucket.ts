// Creates the local bucket and sets its CORS rule; run by rgw.sh with the env that
// `rgw.sh env` prints, plus S3VIDEO_CORS_ORIGINS (comma- or space-separated, default `*`).
// Safe to re-run: an existing bucket of ours is kept and its CORS rule replaced.
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  S3Client,
} from '@aws-sdk/client-s3';

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
await s3.send(
  new PutBucketCorsCommand({
    Bucket: bucket,
    CORSConfiguration: {
      CORSRules: [
        {
          AllowedOrigins: origins,
          AllowedMethods: ['GET', 'PUT', 'POST', 'HEAD', 'DELETE'],
          AllowedHeaders: ['*'],
          // The uploader reads each part's ETag to complete a multipart upload.
          ExposeHeaders: ['ETag'],
          MaxAgeSeconds: 3000,
        },
      ],
    },
  }),
);
console.log(`bucket ${bucket} ready, CORS origins: ${origins.join(' ')}`);
