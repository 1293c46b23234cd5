/**
 * The worker's bindings. Written by hand rather than by `wrangler types`:
 * the secrets are not in wrangler.toml, so a generated file would change
 * with whatever `.dev.vars` happens to be on the machine that ran it.
 * Every var is a string, as Workers deliver them; `config.ts` parses them.
 */
export interface Env {
  DB: D1Database;
  RATE_LIMITS: KVNamespace;

  MOODLE_ISSUERS: string;
  MOODLE_SHARED_SECRET: string;
  ALLOWED_ORIGINS?: string;

  S3_BUCKET: string;
  S3_REGION: string;
  S3_ENDPOINT?: string;
  S3_FORCE_PATH_STYLE?: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  S3_COPY_MULTIPART_ABOVE_BYTES?: string;
  S3_COPY_PART_BYTES?: string;

  CLOUDFRONT_DOMAIN: string;
  CLOUDFRONT_KEY_PAIR_ID: string;
  CLOUDFRONT_PRIVATE_KEY: string;
  CLOUDFRONT_DISTRIBUTION_ID?: string;
  CLOUDFRONT_API_ENDPOINT?: string;
  PLAYBACK_IP_RESTRICT?: string;
  PLAYBACK_IP_PREFIX?: string;

  UPLOAD_URL_TTL_SECONDS?: string;
  PLAYBACK_URL_TTL_SECONDS?: string;
  RATE_LIMIT_UPLOADS_PER_HOUR?: string;
  RATE_LIMIT_PLAYBACKS_PER_HOUR?: string;
  RATE_LIMIT_EVENTS_PER_HOUR?: string;
  RETENTION_DAYS?: string;
  UNCLAIMED_GRACE_DAYS?: string;
  ABANDONED_GRACE_HOURS?: string;
  MULTIPART_ABORT_AFTER_DAYS?: string;
  CLEANUP_BATCH_SIZE?: string;
  CLEANUP_MAX_BATCHES?: string;
  CLEANUP_MAX_ABORTS?: string;
  PRICE_STORAGE_GB_MONTH?: string;
  PRICE_DELIVERY_GB?: string;

  DEV_MODE?: string;
}
