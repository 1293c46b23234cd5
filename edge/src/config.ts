import type { Env } from './env';

export interface Config {
  issuers: string[];
  secret: string;
  allowedOrigins: string[];
  s3: {
    bucket: string;
    region: string;
    endpoint: string | undefined;
    forcePathStyle: boolean;
    accessKeyId: string;
    secretAccessKey: string;
    /** Confirm's server-side copy staging → final: sources above `multipartAbove` bytes go part by part. */
    copy: { multipartAbove: number; partBytes: number };
  };
  cdn: {
    domain: string;
    keyPairId: string;
    privateKey: string;
    distributionId: string | undefined;
    apiEndpoint: string | undefined;
    ipRestrict: boolean;
    /** Bits of the viewer's IPv4 address a restricted URL is bound to (24 → its /24 network). */
    ipPrefix: number;
  };
  uploadUrlTtl: number;
  playbackUrlTtl: number;
  /**
   * Per user, per sliding hour (services/rate-limit.ts). `eventsPerHour` is one budget for every
   * failure event a user can cause: browser reports and the refusals the edge logs.
   */
  limits: { uploadsPerHour: number; playbacksPerHour: number; eventsPerHour: number };
  /** 0 keeps videos forever. */
  retentionDays: number;
  unclaimedGraceDays: number;
  abandonedGraceHours: number;
  /**
   * Days after which the bucket's lifecycle rule aborts an incomplete multipart upload,
   * counted from the upload's start (AbortIncompleteMultipartUpload.DaysAfterInitiation):
   * no upload is promised resumable past it.
   */
  multipartAbortAfterDays: number;
  cleanup: { batchSize: number; maxBatches: number; maxAborts: number };
  prices: { storageGbMonth: number; deliveryGb: number };
  devMode: boolean;
}

export class ConfigError extends Error {}

function required(env: Env, name: keyof Env): string {
  const value = env[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(`${name} is not set`);
  }
  return value.trim();
}

function optional(env: Env, name: keyof Env): string | undefined {
  const value = env[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function number(env: Env, name: keyof Env, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function flag(env: Env, name: keyof Env): boolean {
  return /^(1|true|yes|on)$/i.test(optional(env, name) ?? '');
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((item) => item.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}

/** Secrets set with `wrangler secret put` often arrive with literal `\n`. */
function pem(raw: string): string {
  return raw.includes('\\n') ? raw.replace(/\\n/g, '\n') : raw;
}

/**
 * S3 bucket naming rules (S3 User Guide, "General purpose bucket naming rules"):
 * 3–63 characters, lower-case letters, digits, dots and hyphens, starting and
 * ending with a letter or digit.
 */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * A bucket name with dots cannot be reached over HTTPS with virtual-hosted
 * addressing: `my.bucket.s3.eu-west-1.amazonaws.com` is not covered by S3's
 * wildcard certificate `*.s3.eu-west-1.amazonaws.com`, so every presigned URL
 * the browser gets would fail TLS (S3 User Guide, "Bucket naming rules" and
 * "Virtual hosting of buckets"). Path-style addressing works with dots.
 */
function bucketName(env: Env, forcePathStyle: boolean): string {
  const bucket = required(env, 'S3_BUCKET');
  if (!BUCKET_NAME.test(bucket)) {
    throw new ConfigError(`S3_BUCKET "${bucket}" is not a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)`);
  }
  if (bucket.includes('.') && !forcePathStyle) {
    throw new ConfigError(
      `S3_BUCKET "${bucket}" contains dots, which breaks TLS for virtual-hosted S3 URLs; ` +
        'use a bucket name without dots, or set S3_FORCE_PATH_STYLE=true',
    );
  }
  return bucket;
}

/**
 * The bindings parsed once per isolate: workerd hands every request of an isolate the same `env`
 * object, and bindings change only with a new deployment (a new isolate). Keyed by the object
 * itself, so another `env` (a test's, a second worker's) is parsed afresh; a failure is not kept.
 */
const parsed = new WeakMap<Env, Config>();

/**
 * Parses the bindings (once per isolate, see `parsed`). Fails loudly (500 with the variable's
 * name) rather than running with a half-configured bucket or CDN.
 */
export function loadConfig(env: Env): Config {
  let config = parsed.get(env);
  if (!config) {
    config = parseConfig(env);
    parsed.set(env, config);
  }
  return config;
}

function parseConfig(env: Env): Config {
  const issuers = list(required(env, 'MOODLE_ISSUERS'));
  const secret = required(env, 'MOODLE_SHARED_SECRET');
  if (secret.length < 32) throw new ConfigError('MOODLE_SHARED_SECRET must be at least 32 characters');
  const origins = optional(env, 'ALLOWED_ORIGINS');
  // A custom endpoint (Ceph RGW, a local server) rarely has wildcard DNS for buckets.
  const forcePathStyle = optional(env, 'S3_FORCE_PATH_STYLE') !== undefined
    ? flag(env, 'S3_FORCE_PATH_STYLE')
    : optional(env, 'S3_ENDPOINT') !== undefined;
  const region = required(env, 'S3_REGION');
  // Only the shape of an AWS region is checked here (other S3 implementations name theirs freely,
  // e.g. "auto"); whether it is the bucket's region is asked of S3 by GET /api/admin/health.
  if (optional(env, 'S3_ENDPOINT') === undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new ConfigError(`S3_REGION "${region}" is not a region name such as eu-west-1`);
  }
  return {
    issuers,
    secret,
    allowedOrigins: origins ? list(origins) : issuers.map((site) => new URL(site).origin),
    s3: {
      bucket: bucketName(env, forcePathStyle),
      region,
      endpoint: optional(env, 'S3_ENDPOINT'),
      forcePathStyle,
      accessKeyId: required(env, 'AWS_ACCESS_KEY_ID'),
      secretAccessKey: required(env, 'AWS_SECRET_ACCESS_KEY'),
      // S3's limits: one CopyObject up to 5 GiB, copy parts of 5 MiB to 5 GiB.
      copy: {
        multipartAbove: number(env, 'S3_COPY_MULTIPART_ABOVE_BYTES', 5 * 1024 ** 3, 0, 5 * 1024 ** 3),
        partBytes: number(env, 'S3_COPY_PART_BYTES', 512 * 1024 ** 2, 5 * 1024 ** 2, 5 * 1024 ** 3),
      },
    },
    cdn: {
      domain: required(env, 'CLOUDFRONT_DOMAIN').replace(/\/+$/, ''),
      keyPairId: required(env, 'CLOUDFRONT_KEY_PAIR_ID'),
      privateKey: pem(required(env, 'CLOUDFRONT_PRIVATE_KEY')),
      distributionId: optional(env, 'CLOUDFRONT_DISTRIBUTION_ID'),
      apiEndpoint: optional(env, 'CLOUDFRONT_API_ENDPOINT'),
      ipRestrict: flag(env, 'PLAYBACK_IP_RESTRICT'),
      ipPrefix: number(env, 'PLAYBACK_IP_PREFIX', 24, 8, 32),
    },
    // S3 checks a POST policy's expiry when the request starts, so one hour suffices even for 5 GB.
    // Seconds are allowed so tests can watch S3 refuse an expired policy and a player renew its URL.
    uploadUrlTtl: number(env, 'UPLOAD_URL_TTL_SECONDS', 3600, 1, 7 * 86400),
    playbackUrlTtl: number(env, 'PLAYBACK_URL_TTL_SECONDS', 86400, 1, 7 * 86400),
    limits: {
      uploadsPerHour: number(env, 'RATE_LIMIT_UPLOADS_PER_HOUR', 10, 1, 100000),
      playbacksPerHour: number(env, 'RATE_LIMIT_PLAYBACKS_PER_HOUR', 100, 1, 100000),
      eventsPerHour: number(env, 'RATE_LIMIT_EVENTS_PER_HOUR', 120, 1, 100000),
    },
    retentionDays: number(env, 'RETENTION_DAYS', 365, 0, 36500),
    unclaimedGraceDays: number(env, 'UNCLAIMED_GRACE_DAYS', 7, 1, 365),
    abandonedGraceHours: number(env, 'ABANDONED_GRACE_HOURS', 6, 0, 24 * 30),
    // Must equal the bucket's AbortIncompleteMultipartUpload rule (infra/ sets 7).
    multipartAbortAfterDays: number(env, 'MULTIPART_ABORT_AFTER_DAYS', 7, 1, 365),
    cleanup: {
      // DeleteObjects takes at most 1000 keys.
      batchSize: number(env, 'CLEANUP_BATCH_SIZE', 1000, 1, 1000),
      // Each batch costs 2 subrequests (DeleteObjects, CreateInvalidation) and ~3 D1 queries.
      // Workers Paid allows 10,000 subrequests and 1,000 D1 queries per invocation; the free
      // plan's 50 of each would already be spent by the aborts below (README, "Which plan").
      maxBatches: number(env, 'CLEANUP_MAX_BATCHES', 5, 1, 200),
      // One AbortMultipartUpload per idle upload (a subrequest and a D1 query each); the
      // bucket's lifecycle rule is the backstop for what a run leaves.
      maxAborts: number(env, 'CLEANUP_MAX_ABORTS', 20, 0, 500),
    },
    prices: {
      // AWS list prices, us-east-1, first tier: S3 Standard storage and CloudFront transfer out.
      storageGbMonth: number(env, 'PRICE_STORAGE_GB_MONTH', 0.023, 0, 1000),
      deliveryGb: number(env, 'PRICE_DELIVERY_GB', 0.085, 0, 1000),
    },
    devMode: flag(env, 'DEV_MODE'),
  };
}
