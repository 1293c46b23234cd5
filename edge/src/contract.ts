/**
 * The one contract between the Moodle shell, the components and the edge:
 * request/response shapes, token and receipt claims, error codes and the
 * limits both sides must agree on. `moodle-plugin/classes/contract.php`
 * mirrors the values here; test/contract asserts the two agree.
 *
 * Every enumeration is written once, as a `const` array, and its type is derived from it
 * (`type Scope = (typeof SCOPES)[number]`): code that must check a value at run time, and
 * the PHP mirror's test, use the array; nothing restates the members.
 */

/** True when `value` is one of `list`: narrows an untrusted value to the enumeration's type. */
export function isOneOf<T extends string | number>(list: readonly T[], value: unknown): value is T {
  return (list as readonly unknown[]).includes(value);
}

/** S3 refuses a single POST/PUT above 5 GiB, so no assignment may allow more. */
export const MAX_UPLOAD_BYTES = 5 * 1024 ** 3;

/** S3's floor for every part but the last. */
export const MIN_PART_BYTES = 5 * 1024 ** 2;
/** S3's ceiling on parts per upload. */
export const MAX_PARTS = 10_000;
/** Large enough to keep per-part overhead low, small enough that a retried part costs little. */
export const DEFAULT_PART_BYTES = 16 * 1024 ** 2;
/** Part URLs signed per request: a page of work, not the whole 5 GB at once. */
export const MAX_PARTS_PER_SIGN = 100;
/**
 * Signatures one part may get over an upload's life (a retry after an expired URL or a
 * BadDigest needs a new one); beyond this the session is misbehaving, not unlucky.
 */
export const MAX_SIGNATURES_PER_PART = 8;
/**
 * The largest file sent as one presigned POST. S3 and Ceph RGW count the whole form body
 * (file + ~1.5 KB of fields) against their 5 GiB single-upload limit, so a POST grant near
 * that limit is a grant that fails; anything larger goes as multipart (413 USE_MULTIPART).
 */
export const MAX_POST_BYTES = 1024 ** 3;

/**
 * The longest life the edge accepts for a token of each scope (`exp - iat`, seconds).
 * Moodle issues shorter ones (upload 6 h, view/admin 15 min, claim 5 min); a longer
 * token is refused as INVALID_TOKEN whatever its signature.
 */
export const MAX_TOKEN_LIFETIME_SECONDS = {
  upload: 6 * 3600,
  view: 3600,
  admin: 3600,
  claim: 600,
  server: 600,
} as const satisfies Record<string, number>;

/** The part size for a file: the default, grown only when the file would need more than MAX_PARTS. */
export function partSizeFor(filesize: number): number {
  const needed = Math.ceil(filesize / MAX_PARTS / 1024 ** 2) * 1024 ** 2;
  return Math.max(DEFAULT_PART_BYTES, needed);
}

/**
 * Video containers a student may hand in: extension → the MIME types browsers and systems
 * report for it, the FIRST being the one canonical type the edge presigns and stores
 * (see {@link canonicalVideoType}). Chromium 145+ reports `video/matroska` (RFC 9559) for
 * .mkv where older browsers said `video/x-matroska`; `video/vnd.avi` is AVI's IANA entry.
 */
export const VIDEO_TYPES = {
  mp4: ['video/mp4'],
  mov: ['video/quicktime'],
  avi: ['video/x-msvideo', 'video/vnd.avi', 'video/avi', 'video/msvideo'],
  mkv: ['video/matroska', 'video/x-matroska'],
  webm: ['video/webm'],
} as const satisfies Record<string, readonly string[]>;

export type VideoExtension = keyof typeof VIDEO_TYPES;

/**
 * What systems report for a file they have no type for. Accepted for any container:
 * then the extension names the type and the file's own bytes must agree with it
 * (the uploader checks before sending, confirm checks the stored object).
 */
export const GENERIC_TYPES: readonly string[] = ['', 'application/octet-stream'];

/**
 * The one type a file of this extension is presigned and stored under, given the type
 * its browser reported: a listed alias or a generic type maps to the extension's first
 * type; anything else (a type contradicting the extension) is null. Parameters
 * (`; codecs=…`) and case are ignored, as MIME types are compared (RFC 2045 §5.1).
 */
export function canonicalVideoType(ext: VideoExtension, reported: string): string | null {
  const essence = reported.split(';')[0]!.trim().toLowerCase();
  const known = VIDEO_TYPES[ext] as readonly string[];
  return GENERIC_TYPES.includes(essence) || known.includes(essence) ? known[0]! : null;
}

/** How people name the accepted containers, in messages. */
export const VIDEO_TYPE_NAMES = 'MP4, MOV, AVI, MKV, WebM';

/** Audiences: a token Moodle signs for the edge, a receipt the edge signs for Moodle. */
export const TOKEN_AUDIENCE = 's3video';
export const RECEIPT_AUDIENCE = 's3video-receipt';
export const RECEIPT_ISSUER = 's3video-edge';

export const ROLES = ['student', 'teacher', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * `claim` is the server-to-server scope Moodle uses when a form is saved;
 * the browser never holds one, so a student cannot attach a video without
 * Moodle's own save path. `server` is Moodle's server reading video statuses
 * for its pages and signing privacy export links; no browser holds it either.
 */
export const SCOPES = ['upload', 'view', 'admin', 'claim', 'server'] as const;
export type Scope = (typeof SCOPES)[number];

interface BaseClaims {
  iss: string;
  aud: typeof TOKEN_AUDIENCE;
  sub: string;
  role: Role;
  iat: number;
  exp: number;
}

export interface UploadClaims extends BaseClaims {
  scope: 'upload';
  courseid: number;
  assignmentid: number;
  submissionid: number;
  maxbytes: number;
  coursename?: string;
  assignmentname?: string;
  fullname?: string;
}

export interface ViewClaims extends BaseClaims {
  scope: 'view';
  courseid: number;
  assignmentid: number;
  submissionid: number;
  /**
   * True when Moodle lets this viewer attach captions to the submission's video: a grader of
   * it (mod/assign:grade there) or its owner while mod_assign lets them edit it. Absent = no.
   * Upload tokens need no such claim: Moodle issues them only to an owner who may edit.
   */
  captions?: boolean;
}

export interface ClaimClaims extends BaseClaims {
  scope: 'claim';
  courseid: number;
  assignmentid: number;
  submissionid: number;
}

export interface AdminClaims extends BaseClaims {
  scope: 'admin';
}

/** Site-wide, like admin, but only ever held by Moodle's server. */
export interface ServerClaims extends BaseClaims {
  scope: 'server';
}

export type TokenClaims = UploadClaims | ViewClaims | ClaimClaims | AdminClaims | ServerClaims;

/** The claims a token of one of `S` carries: what `requireToken(...scopes)` hands a handler. */
export type ClaimsOf<S extends Scope> = Extract<TokenClaims, { scope: S }>;

/** What the edge vouches for when an upload is confirmed. */
export interface ReceiptClaims {
  iss: typeof RECEIPT_ISSUER;
  aud: typeof RECEIPT_AUDIENCE;
  /** The Moodle site that issued the upload token: a receipt is only good there. */
  site: string;
  sub: string;
  videoid: number;
  s3_key: string;
  filesize: number;
  /** The checksum the browser computed and storage matched (see {@link ConfirmUploadRequest.md5}). */
  md5: string;
  duration: number | null;
  mimetype: string;
  courseid: number;
  assignmentid: number;
  submissionid: number;
  iat: number;
  exp: number;
}

export const ERROR_CODES = {
  // 400
  INVALID_JSON: 400,
  INVALID_REQUEST: 400,
  // 401
  MISSING_TOKEN: 401,
  INVALID_TOKEN: 401,
  TOKEN_EXPIRED: 401,
  // 403
  WRONG_SCOPE: 403,
  FORBIDDEN: 403,
  // 404 / 410
  NOT_FOUND: 404,
  UPLOAD_NOT_FOUND: 404,
  VIDEO_NOT_FOUND: 404,
  VIDEO_DELETED: 410,
  // 409
  OBJECT_NOT_UPLOADED: 409,
  SIZE_MISMATCH: 409,
  UPLOAD_NOT_PENDING: 409,
  /** The stored bytes are not the bytes the browser hashed (MD5 / S3 multipart ETag). */
  CHECKSUM_MISMATCH: 409,
  /** A claim lost a race (its video was replaced or deleted meanwhile): Moodle keeps its old link. */
  CLAIM_CONFLICT: 409,
  /** The upload already has its poster: one per upload, written once, so it cannot change under the teacher. */
  POSTER_EXISTS: 409,
  /** Another confirm of the same upload holds its lease and is still copying: ask again after Retry-After. */
  CONFIRM_IN_PROGRESS: 409,
  // 413 / 415
  FILE_TOO_LARGE: 413,
  REQUEST_TOO_LARGE: 413,
  /** Too large for one POST: send it as a multipart upload. */
  USE_MULTIPART: 413,
  UNSUPPORTED_TYPE: 415,
  /** The file's own bytes are not a video container (whatever its name or type says). */
  NOT_A_VIDEO: 415,
  /** A caption file that is not valid WebVTT (after the browser converted SubRip): `field` names the fault. */
  INVALID_CAPTIONS: 415,
  /** A poster that is not a JPEG image of at most MAX_POSTER_BYTES. */
  INVALID_POSTER: 415,
  // 429
  RATE_LIMITED: 429,
  // 500 / 502
  INTERNAL_ERROR: 500,
  STORAGE_ERROR: 502,
  CDN_ERROR: 502,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Every non-2xx answer of the edge has exactly this body. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    /** The request field at fault, for validation errors. */
    field?: string;
  };
}

// ---- POST /api/upload-url ------------------------------------------------

export interface UploadUrlRequest {
  assignmentid: number;
  submissionid: number;
  filename: string;
  filesize: number;
  mimetype: string;
}

export interface UploadUrlResponse {
  /** POST target: the bucket URL. */
  presigned_url: string;
  /** Form fields to send before the file field, in this order. */
  fields: Record<string, string>;
  s3_key: string;
  /** ISO 8601: when S3 stops accepting this POST. */
  expires_at: string;
}

// ---- /api/multipart/* (large files, resumable) ----------------------------

/** POST /api/multipart/start takes an {@link UploadUrlRequest}. */
export interface MultipartStartResponse {
  s3_key: string;
  upload_id: string;
  part_size: number;
  part_count: number;
  /** Until then an idle upload may be resumed; each sign-parts call moves it later. */
  resumable_until: string;
}

export interface MultipartSignRequest {
  assignmentid: number;
  submissionid: number;
  s3_key: string;
  /**
   * The parts to sign, each with the base64 MD5 of its bytes (the `Content-MD5` header,
   * RFC 1864). The URL is signed with that Content-MD5 and the part's exact
   * Content-Length, so S3 refuses any other body (BadDigest / SignatureDoesNotMatch).
   */
  parts: Array<{ part_number: number; md5: string }>;
}

export interface MultipartSignResponse {
  /** Part number → presigned PUT URL; send it with the `Content-MD5` header given at signing. */
  urls: Record<string, string>;
  /** When these URLs stop working. */
  expires_at: string;
  /** The upload's resume deadline, moved later by this call. */
  resumable_until: string;
}

/** GET /api/multipart/parts?submissionid=&s3_key=: what S3 already holds, for resuming. */
export interface MultipartPartsResponse {
  parts: Array<{ part_number: number; size: number; etag: string }>;
}

/** POST /api/multipart/complete and /abort name the upload by its staging key. */
export interface MultipartUploadRequest {
  assignmentid: number;
  submissionid: number;
  s3_key: string;
}

export interface MultipartCompleteResponse {
  success: true;
  s3_key: string;
  part_count: number;
}

// ---- POST /api/confirm-upload --------------------------------------------

export interface ConfirmUploadRequest {
  assignmentid: number;
  submissionid: number;
  s3_key: string;
  filesize: number;
  /**
   * What the browser computed while sending, in S3's ETag form: the MD5 of the file as 32 hex
   * digits for a single POST, or for a multipart upload the MD5 of the concatenated binary part
   * MD5s, `-`, the part count. Confirm refuses (CHECKSUM_MISMATCH) stored bytes that differ.
   */
  md5: string;
  /**
   * Seconds, as the browser read it from the file; absent when it could not. An MP4/MOV whose
   * movie header lies in its first 4 KiB has the header's duration stored instead.
   */
  duration?: number | null;
  /**
   * What the browser read from the file's header before sending (see {@link MediaFacts});
   * absent when it could not read it. Set against the stored object's first bytes
   * (edge/src/media/checked-facts.ts: facts naming another container are not stored; an MP4's own
   * header wins where it holds the figure), then stored for display only: nothing is decided on it.
   */
  media?: MediaFacts | null;
}

// ---- media facts (read by the uploader from the file's header) -----------

/** The containers the header reader tells apart (`mov`: QuickTime; `mkv`: Matroska other than WebM). */
export const MEDIA_CONTAINERS = ['mp4', 'mov', 'webm', 'mkv', 'avi'] as const;
export type MediaContainer = (typeof MEDIA_CONTAINERS)[number];

/**
 * Where a file plays (components/media/playability.ts holds the rules and their sources):
 * `all` current browsers, only `some` of them, `none`, or `unknown` (a codec the rules do not know).
 */
export const PLAYABILITIES = ['all', 'some', 'none', 'unknown'] as const;
export type Playability = (typeof PLAYABILITIES)[number];

/**
 * A codec as the header names it: the RFC 6381 `codecs` parameter where one exists
 * (`avc1.64001F`, `hvc1.1.6.L93.B0`, `vp09.00.10.08`, `mp4a.40.2`, `opus`), else the
 * container's own identifier (an MP4 sample entry `mp4v`/`apcn`, an AVI FourCC `XVID`,
 * a Matroska CodecID `V_MPEG4/ISO/ASP`). Letters, digits and `._-/`, at most this long.
 */
export const MEDIA_CODEC_MAX_LENGTH = 64;
export const MEDIA_CODEC_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/;
/** Frame sides above this are not a camera's (8K is 7680 × 4320; DCI 8K 8192). */
export const MEDIA_MAX_DIMENSION = 16384;

export interface MediaFacts {
  container: MediaContainer;
  video_codec: string | null;
  audio_codec: string | null;
  /** Display size in pixels (after pixel aspect ratio and rotation); null when unknown. */
  width: number | null;
  height: number | null;
  /** Seconds, from the header's own metadata; null when it has none. */
  duration: number | null;
  /** MP4/MOV: true when the index (`moov`) comes before the media data (`mdat`); null for other containers. */
  faststart: boolean | null;
  playability: Playability;
}

export interface ConfirmUploadResponse {
  success: true;
  message: string;
  videoid: number;
  /** The checksum confirmed against storage (see {@link ConfirmUploadRequest.md5}). */
  md5: string;
  /** JWT with {@link ReceiptClaims}: the form hands it to Moodle on save. */
  receipt: string;
}

// ---- POST /api/claim (Moodle server → edge) -----------------------------

export interface ClaimRequest {
  receipt: string;
}

export interface ClaimResponse {
  success: true;
  videoid: number;
  /** The video this claim replaced, now retired; null for the first claim. */
  replaced_videoid: number | null;
}

// ---- POST /api/events -----------------------------------------------------

export const CLIENT_EVENT_TYPES = ['upload_failure', 'upload_retry', 'playback_failure'] as const;
export type ClientEventType = (typeof CLIENT_EVENT_TYPES)[number];

/** Every event the edge records: the browser's reports, then what the edge logs itself. */
export const EVENT_TYPES = [
  ...CLIENT_EVENT_TYPES,
  'upload_start',
  'upload_success',
  'upload_claimed',
  'playback_access',
  'download',
  'video_deletion',
  'cleanup_run',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface ClientEventRequest {
  event_type: ClientEventType;
  assignmentid?: number;
  submissionid?: number;
  s3_key?: string;
  error_code?: string;
  error_message?: string;
  /** Free-form browser context (user agent, attempt, HTTP status…). Stored, never trusted. */
  error_context?: Record<string, unknown>;
  file_size?: number;
  duration?: number;
  retry_count?: number;
}

export interface ClientEventResponse {
  success: true;
}

// ---- GET /api/playback-url?submissionid= ----------------------------------

export interface PlaybackUrlResponse {
  signed_url: string;
  expires_at: string;
  videoid: number;
  mimetype: string;
  filesize: number;
  duration: number | null;
  /** The confirmed checksum of the bytes behind signed_url; null for videos confirmed before checksums. */
  md5: string | null;
  /** What the uploader read from the file's header (display only); null when it sent none. */
  media: MediaFacts | null;
}

// ---- GET /api/download-url?submissionid= ----------------------------------

/** A download link lives minutes: it is followed at once, and a saved file needs no renewal. */
export const DOWNLOAD_URL_TTL_SECONDS = 300;

/**
 * Allowed exactly when playback-url is (same token, checks and hourly quota, logged as a
 * `download` event): a CDN URL whose answer is `Content-Disposition: attachment` with the
 * uploaded name (RFC 6266, the name also as RFC 5987 `filename*`).
 */
export interface DownloadUrlResponse {
  url: string;
  expires_at: string;
  videoid: number;
  filename: string;
  filesize: number;
}

// ---- posters: POST /api/poster?submissionid=&s3_key= (upload token, JPEG body)

/** A poster is a small still: JPEG, at most this many bytes (the uploader draws it 320 px wide, ~10–25 KB). */
export const MAX_POSTER_BYTES = 64 * 1024;

export interface PosterResponse {
  success: true;
  videoid: number;
}

// ---- captions: /api/captions (WebVTT beside the video) ----------------------

/** A caption file of a long lecture is ~100 KB; a cap keeps the edge's parse bounded. */
export const MAX_CAPTION_BYTES = 512 * 1024;
/** Caption tracks one video may carry (one per language). */
export const MAX_CAPTION_TRACKS = 20;

export interface CaptionTrack {
  id: number;
  videoid: number;
  /** BCP 47 tag (RFC 5646), e.g. `en`, `pt-BR`, `zh-Hant`. */
  language: string;
  /** What the player's captions menu calls it. */
  label: string;
  /** A signed CDN URL of the WebVTT file; null in answers that only list. */
  url: string | null;
  created_at: string;
  /** Moodle user id of whoever attached it. */
  created_by: string;
}

/**
 * GET /api/video-extras?submissionid=[&videoid=] (view or upload token): the poster and caption
 * tracks of the submission's current video (the one playback-url serves), or of `videoid`, one
 * of the submission's confirmed, unreplaced videos (the uploader's new upload before a save).
 */
export interface VideoExtrasResponse {
  videoid: number | null;
  /** Whether this token may attach or remove captions (see {@link ViewClaims.captions}). */
  can_edit: boolean;
  /** The poster's signed CDN URL, null when the video has none. */
  poster_url: string | null;
  tracks: CaptionTrack[];
}

/**
 * POST /api/captions: attaches (or replaces, per language) a WebVTT file. `vtt` is the file's
 * text; SubRip is converted in the browser first. Refused with 415 INVALID_CAPTIONS, `field`
 * one of {@link CaptionFault}, when it is not valid WebVTT.
 */
export interface AttachCaptionsRequest {
  submissionid: number;
  videoid: number;
  language: string;
  label: string;
  vtt: string;
}

export interface AttachCaptionsResponse {
  success: true;
  track: CaptionTrack;
  /** The track of the same language this one replaced, if any. */
  replaced_id: number | null;
}

/** What is wrong with a caption file: the browser and the edge name faults alike. */
export const CAPTION_FAULTS = ['empty', 'too_large', 'encoding', 'header', 'timing', 'no_cues'] as const;
export type CaptionFault = (typeof CAPTION_FAULTS)[number];

// ---- GET /api/video?submissionid= (what the uploader shows before a replace)

export interface VideoSummary {
  videoid: number;
  filename: string;
  filesize: number;
  duration: number | null;
  mimetype: string;
  status: VideoStatus;
  uploaded_at: string;
  claimed: boolean;
  md5: string | null;
  /** ISO 8601, when the video was deleted (status `deleted`); null otherwise. */
  deleted_at: string | null;
  /** What the uploader read from the file's header (display only); null when it sent none. */
  media: MediaFacts | null;
}

/**
 * GET /api/video answers 200 with this: the submission's current video, or null when it
 * has none. Absence is an ordinary answer (an empty form asks it every time), not a 404.
 */
export interface VideoSummaryResponse {
  video: VideoSummary | null;
}

// ---- admin ----------------------------------------------------------------

export const VIDEO_STATUSES = ['pending', 'ready', 'error', 'deleted'] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];
export const STATS_PERIODS = [7, 30, 90, 365] as const;
export type StatsPeriod = (typeof STATS_PERIODS)[number];

export interface AdminStatsResponse {
  days: StatsPeriod;
  /** Upload sessions started in the period: successful + failed + pending, exactly. */
  total_uploads: number;
  /** Confirmed (whatever became of the video since). */
  successful_uploads: number;
  /** Ended without a video: failed, cancelled, abandoned, or deleted before it was confirmed. */
  failed_uploads: number;
  /** Still open: neither confirmed nor ended (counted in neither of the two above). */
  pending_uploads: number;
  /** successful / (successful + failed), 0…1: open sessions are not judged yet; null when none ended. */
  success_rate: number | null;
  /** Bytes of every current video (status ready, not replaced), whenever uploaded. */
  total_storage_bytes: number;
  ready_videos: number;
  playbacks: number;
  estimated_monthly_cost: {
    currency: 'USD';
    storage: number;
    delivery: number;
    total: number;
    storage_price_per_gb_month: number;
    delivery_price_per_gb: number;
  };
  recent_failures: Array<{
    id: number;
    event_type: EventType;
    error_code: string | null;
    error_message: string | null;
    /** Moodle user id: the dashboard links it to `{wwwroot}/user/profile.php?id=`. */
    userid: string;
    /** The person's name as Moodle signed it into their latest upload token; null if none is known. */
    fullname: string | null;
    /** The video concerned: the event's own key, else its submission's latest upload. */
    s3_key: string | null;
    /** That video's file name as the student chose it; null when no video is known. */
    filename: string | null;
    timestamp: string;
  }>;
  /**
   * Failure events by code: every refused request and failed attempt (upload_failure, playback_failure),
   * retried ones included, so one upload may count many times. Not a count of failed uploads.
   */
  error_breakdown: Array<{ error_code: string; count: number }>;
  /**
   * Current videos (as `ready_videos`) by where they play, as their uploaders read them;
   * `unrecorded`: confirmed without media facts (an older uploader, or a header it could not read).
   */
  playability: Record<Playability | 'unrecorded', number>;
}

export interface AdminVideo {
  id: number;
  courseid: number;
  coursename: string | null;
  assignmentid: number;
  assignmentname: string | null;
  submissionid: number;
  userid: string;
  fullname: string | null;
  filename: string;
  s3_key: string;
  status: VideoStatus;
  file_size: number | null;
  duration: number | null;
  mime_type: string;
  md5: string | null;
  claimed: boolean;
  uploaded_at: string;
  deleted_at: string | null;
  /** A signed CDN URL of the video's poster (ready videos that have one), else null. */
  poster_url: string | null;
  /**
   * ISO 8601, when a newer saved (or, before any save, newer confirmed) video of the same
   * submission took this one's place; null while it is the current one. A replaced video is
   * no longer shown to anyone, is not counted as stored, and the cleanup run deletes it.
   */
  replaced_at: string | null;
  /** What the uploader read from the file's header (display only); null when it sent none. */
  media: MediaFacts | null;
}

export interface AdminVideosResponse {
  videos: AdminVideo[];
  total: number;
  page: number;
  perpage: number;
}

export const INVALIDATION_OUTCOMES = ['created', 'none', 'refused'] as const;
export type InvalidationOutcome = (typeof INVALIDATION_OUTCOMES)[number];

/** Deleting is idempotent: a repeated or parallel delete of the same video gets this same answer. */
export interface AdminDeleteResponse {
  success: true;
  videoid: number;
  invalidation_id: string | null;
  /**
   * `created`: CloudFront is removing cached copies (`invalidation_id`); `none`: no
   * distribution is configured; `refused`: CloudFront said "not now" (its limit of 3,000
   * paths in progress, or throttling). The bytes are deleted either way, and a cached copy
   * can only be fetched with a signed URL issued before the delete, so it stops being
   * reachable when that URL expires (PLAYBACK_URL_TTL_SECONDS at most).
   */
  invalidation: InvalidationOutcome;
}

export const HEALTH_CHECK_NAMES = ['bucket_region', 'versioning'] as const;
export type HealthCheckName = (typeof HEALTH_CHECK_NAMES)[number];

/** One finding of GET /api/admin/health; `message` says what to change when `ok` is false. */
export interface HealthCheck {
  name: HealthCheckName;
  ok: boolean;
  message: string;
}

/** GET /api/admin/health: the deployment checked against the live bucket (Moodle's connection check shows it). */
export interface HealthResponse {
  ok: boolean;
  bucket: string;
  region: string;
  checks: HealthCheck[];
}

export interface PingResponse {
  ok: true;
  /** The issuer the edge saw, echoed so the Moodle settings check can show it. */
  issuer: string;
  time: string;
}

// ---- POST /api/video-status (Moodle server → edge) ------------------------

/** Ids per status request: one page of Moodle's grading table is far fewer. */
export const MAX_STATUS_IDS = 1000;

export interface VideoStatusRequest {
  /** Edge video ids (1…MAX_STATUS_IDS, as the receipts named them). */
  videoids: number[];
}

/**
 * A video's state as people need it: `replaced` is a ready video a newer save took the place
 * of (cleanup deletes it next); `missing` an id this site has no record of.
 */
export const VIDEO_STATES = ['pending', 'ready', 'replaced', 'error', 'deleted', 'missing'] as const;
export type VideoState = (typeof VIDEO_STATES)[number];

/**
 * Why a video was deleted (the `reason` of its `video_deletion` event) or, for `replaced`, why
 * it is about to be: by an administrator, past the retention period, replaced by a newer save,
 * never saved within the grace period, an upload never finished.
 */
export const DELETION_REASONS = ['admin', 'retention', 'replaced', 'unclaimed', 'abandoned'] as const;
export type DeletionReason = (typeof DELETION_REASONS)[number];

export interface VideoStatusEntry {
  status: VideoState;
  /** The submission the video belongs to at the edge: a restored course copy's link names another. */
  submissionid: number | null;
  reason: DeletionReason | null;
  /** ISO 8601 times, null when not applicable. */
  uploaded_at: string | null;
  deleted_at: string | null;
  /** The Moodle user id of the administrator who deleted it (reason `admin`). */
  deleted_by: string | null;
  replaced_at: string | null;
  /** The video that took its place: the submission's current claimed one, if any. */
  replaced_by: number | null;
  /** Seconds, as the uploader read them; null when unknown. */
  duration: number | null;
  /** A signed CDN URL of the video's poster, for ready videos that have one; null otherwise. */
  poster_url: string | null;
}

export interface VideoStatusResponse {
  /** Keyed by video id (as a string), one entry for every id asked. */
  videos: Record<string, VideoStatusEntry>;
}

// ---- POST /api/export-url (Moodle server → edge, privacy exports) ---------

/** SigV4 presigned URLs live at most 7 days; a privacy export link lives exactly that. */
export const EXPORT_URL_TTL_SECONDS = 7 * 86400;

export interface ExportUrlRequest {
  videoid: number;
}

export interface ExportUrlResponse {
  /** A presigned S3 GetObject of the video, answered as an attachment named `filename`. */
  url: string;
  expires_at: string;
  filename: string;
  filesize: number | null;
  mimetype: string;
  /** The video's caption files, each a presigned GetObject valid as long as `url`. */
  captions: Array<{ language: string; label: string; url: string }>;
}

/** The answer of the endpoints that only say they did it (multipart abort, captions delete). */
export interface SuccessResponse {
  success: true;
}

// ---- POST /dev/token (DEV_MODE only, loopback callers only) -----------------

/** The demo pages' stand-in for Moodle's token issuer; unset fields get demo values. */
export interface DevTokenRequest {
  scope: Scope;
  courseid?: number;
  assignmentid?: number;
  submissionid?: number;
  maxbytes?: number;
  coursename?: string;
  assignmentname?: string;
  fullname?: string;
  lifetime?: number;
  sub?: string;
  role?: Role;
}

export interface DevTokenResponse {
  token: string;
}

// ---- The endpoint table -----------------------------------------------------

/**
 * Every endpoint the edge serves, `METHOD /path` → what it takes (a JSON `body`, a `query`,
 * path `params`, or for the poster the raw JPEG) and its 2xx answer (`response`). Routes type
 * their answers from it (http/respond.ts); the scopes each admits are {@link ENDPOINT_SCOPES}.
 * test/contract/endpoints.test.ts checks that the worker serves exactly these paths with
 * exactly those scopes, and that the README's endpoint table lists the same.
 */
export interface Endpoints {
  'POST /api/upload-url': { body: UploadUrlRequest; response: UploadUrlResponse };
  'POST /api/confirm-upload': { body: ConfirmUploadRequest; response: ConfirmUploadResponse };
  'POST /api/claim': { body: ClaimRequest; response: ClaimResponse };
  'POST /api/multipart/start': { body: UploadUrlRequest; response: MultipartStartResponse };
  'POST /api/multipart/sign-parts': { body: MultipartSignRequest; response: MultipartSignResponse };
  'GET /api/multipart/parts': { query: { submissionid: number; s3_key: string }; response: MultipartPartsResponse };
  'POST /api/multipart/complete': { body: MultipartUploadRequest; response: MultipartCompleteResponse };
  'POST /api/multipart/abort': { body: MultipartUploadRequest; response: SuccessResponse };
  'GET /api/video': { query: { submissionid: number }; response: VideoSummaryResponse };
  'GET /api/playback-url': { query: { submissionid: number }; response: PlaybackUrlResponse };
  'GET /api/download-url': { query: { submissionid: number }; response: DownloadUrlResponse };
  'GET /api/video-extras': { query: { submissionid: number; videoid?: number }; response: VideoExtrasResponse };
  'POST /api/captions': { body: AttachCaptionsRequest; response: AttachCaptionsResponse };
  'DELETE /api/captions': { query: { submissionid: number; videoid: number; language: string }; response: SuccessResponse };
  'POST /api/poster': { query: { submissionid: number; s3_key: string }; body: Blob; response: PosterResponse };
  'POST /api/events': { body: ClientEventRequest; response: ClientEventResponse };
  'GET /api/admin/stats': { query: { days?: StatsPeriod }; response: AdminStatsResponse };
  'GET /api/admin/videos': {
    query: { courseid?: number; status?: VideoStatus; q?: string; page?: number; perpage?: number };
    response: AdminVideosResponse;
  };
  'DELETE /api/admin/videos/:id': { params: { id: number }; response: AdminDeleteResponse };
  'GET /api/admin/health': { response: HealthResponse };
  'GET /api/ping': { response: PingResponse };
  'POST /api/video-status': { body: VideoStatusRequest; response: VideoStatusResponse };
  'POST /api/export-url': { body: ExportUrlRequest; response: ExportUrlResponse };
  'POST /dev/token': { body: DevTokenRequest; response: DevTokenResponse };
}

export type Endpoint = keyof Endpoints;

/**
 * The token scopes each endpoint admits (`requireToken(...)` in its route). `/dev/token`
 * takes none: it exists only with DEV_MODE on and answers only loopback callers.
 */
export const ENDPOINT_SCOPES = {
  'POST /api/upload-url': ['upload'],
  'POST /api/confirm-upload': ['upload'],
  'POST /api/claim': ['claim'],
  'POST /api/multipart/start': ['upload'],
  'POST /api/multipart/sign-parts': ['upload'],
  'GET /api/multipart/parts': ['upload'],
  'POST /api/multipart/complete': ['upload'],
  'POST /api/multipart/abort': ['upload'],
  'GET /api/video': ['upload', 'view'],
  'GET /api/playback-url': ['view'],
  'GET /api/download-url': ['view'],
  'GET /api/video-extras': ['upload', 'view'],
  'POST /api/captions': ['upload', 'view'],
  'DELETE /api/captions': ['upload', 'view'],
  'POST /api/poster': ['upload'],
  'POST /api/events': ['upload', 'view', 'admin'],
  'GET /api/admin/stats': ['admin'],
  'GET /api/admin/videos': ['admin'],
  'DELETE /api/admin/videos/:id': ['admin'],
  'GET /api/admin/health': ['admin'],
  'GET /api/ping': ['admin'],
  'POST /api/video-status': ['server'],
  'POST /api/export-url': ['server'],
  'POST /dev/token': [],
} as const satisfies { readonly [K in Endpoint]: readonly Scope[] };

/** The scopes `K` admits, and the claims a handler of `K` sees. */
export type ScopesOf<K extends Endpoint> = (typeof ENDPOINT_SCOPES)[K][number];
export type EndpointClaims<K extends Endpoint> = ClaimsOf<ScopesOf<K>>;
export type EndpointResponse<K extends Endpoint> = Endpoints[K]['response'];
