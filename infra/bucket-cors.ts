import { PLAYBACK_CORS } from './playback-cors';

/**
 * The bucket's CORS rules in the S3 API shape (PutBucketCors): only what the browser does.
 * One definition for the CDK stack, the local bucket (local/s3/make-bucket.ts) and README.
 * S3 User Guide, "CORS configuration" (elements AllowedMethods, AllowedHeaders, ExposeHeaders).
 */
export interface CorsRule {
  AllowedOrigins: string[];
  AllowedMethods: string[];
  AllowedHeaders: string[];
  ExposeHeaders?: string[];
  MaxAgeSeconds: number;
}

export function bucketCorsRules(origins: readonly string[]): CorsRule[] {
  return [
    {
      // The uploads: the presigned POST form and the presigned UploadPart PUTs (Content-MD5
      // pins each part's bytes; Content-Type when the browser gives the slice one).
      AllowedOrigins: [...origins],
      AllowedMethods: ['POST', 'PUT'],
      AllowedHeaders: ['Content-Type', 'Content-MD5'],
      // The uploader reads each part's ETag to complete the multipart upload.
      ExposeHeaders: ['ETag'],
      MaxAgeSeconds: 3000,
    },
    {
      // Playback preflights reach S3 through CloudFront (Origin and Access-Control-Request-*
      // forwarded) and must pass here; CloudFront's response headers policy sets the final headers.
      AllowedOrigins: [...origins],
      AllowedMethods: ['GET', 'HEAD'],
      AllowedHeaders: [...PLAYBACK_CORS.allowHeaders],
      MaxAgeSeconds: PLAYBACK_CORS.maxAgeSeconds,
    },
  ];
}
