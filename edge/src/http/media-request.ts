import {
  MEDIA_CODEC_MAX_LENGTH,
  MEDIA_CODEC_PATTERN,
  MEDIA_CONTAINERS,
  MEDIA_MAX_DIMENSION,
  PLAYABILITIES,
  type MediaContainer,
  type MediaFacts,
  type Playability,
} from '../contract';
import { ApiError } from '../errors';
import { verdictOf } from '../media/playability';

/**
 * The `media` of a confirm (ConfirmUploadRequest.media): what the student's browser read
 * from the file's header. Checked field by field here — a browser can send anything — then
 * set against the stored object's own first bytes (media/checked-facts.ts), and stored for
 * display only. The stored verdict is the edge's own, from the same table the uploader used
 * (playability.ts), not the one sent.
 */

const FIELDS = ['container', 'video_codec', 'audio_codec', 'width', 'height', 'duration', 'faststart', 'playability'] as const;
/** The edge's bound on a duration (confirm's own `duration`): a day. */
const MAX_DURATION_SECONDS = 86400;

function invalid(field: string, message: string): never {
  throw new ApiError('INVALID_REQUEST', message, `media.${field}`);
}

function codec(value: unknown, field: string): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || value.length > MEDIA_CODEC_MAX_LENGTH || !MEDIA_CODEC_PATTERN.test(value)) {
    invalid(field, `${field} must be null or a codec identifier (letters, digits, "._-/", at most ${MEDIA_CODEC_MAX_LENGTH}).`);
  }
  return value;
}

function dimension(value: unknown, field: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MEDIA_MAX_DIMENSION) {
    invalid(field, `${field} must be null or a whole number from 1 to ${MEDIA_MAX_DIMENSION}.`);
  }
  return value;
}

/** Null when absent or null; the facts when every field is valid; 400 INVALID_REQUEST (field `media.…`) otherwise. */
export function parseMediaFacts(raw: unknown): MediaFacts | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) invalid('', 'media must be an object or null.');
  const body = raw as Record<string, unknown>;
  const extra = Object.keys(body).filter((key) => !(FIELDS as readonly string[]).includes(key));
  if (extra.length > 0) invalid(extra[0]!, `media has no field ${extra[0]}.`);
  const missing = FIELDS.filter((key) => !(key in body));
  if (missing.length > 0) invalid(missing[0]!, `media.${missing[0]} is required (null when unknown).`);

  if (!MEDIA_CONTAINERS.includes(body.container as MediaContainer)) invalid('container', `container must be one of ${MEDIA_CONTAINERS.join(', ')}.`);
  const container = body.container as MediaContainer;
  const duration = body.duration;
  if (duration !== null && (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0 || duration > MAX_DURATION_SECONDS)) {
    invalid('duration', `duration must be null or a number of seconds above 0, at most ${MAX_DURATION_SECONDS}.`);
  }
  const faststart = body.faststart;
  const iso = container === 'mp4' || container === 'mov';
  if (iso ? faststart !== null && typeof faststart !== 'boolean' : faststart !== null) {
    invalid('faststart', iso ? 'faststart must be true, false or null.' : 'faststart is for MP4/MOV only: null.');
  }
  if (!PLAYABILITIES.includes(body.playability as Playability)) invalid('playability', `playability must be one of ${PLAYABILITIES.join(', ')}.`);

  const facts = {
    container,
    video_codec: codec(body.video_codec, 'video_codec'),
    audio_codec: codec(body.audio_codec, 'audio_codec'),
    width: dimension(body.width, 'width'),
    height: dimension(body.height, 'height'),
    duration: duration as number | null,
    faststart: faststart as boolean | null,
  };
  return { ...facts, playability: verdictOf(facts).playability };
}
