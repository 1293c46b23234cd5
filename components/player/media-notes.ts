import type { MediaFacts } from '../../edge/src/contract';

/**
 * What the stored header facts (MediaFacts) let the player say before anyone
 * presses play: whether this browser says it cannot play the file's codecs,
 * and whether a large MP4/MOV keeps its index at the end.
 */

/** From this size on, an index at the end costs a noticeable wait: the player must fetch the file's tail before the first frame. */
export const INDEX_LAST_NOTICE_BYTES = 100 * 1024 ** 2;

const TYPES: Record<MediaFacts['container'], string> = {
  mp4: 'video/mp4',
  // Declared as MP4, as the player does (playable-formats.ts, sourceType).
  mov: 'video/mp4',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  avi: 'video/x-msvideo',
};

/** The MIME type with a `codecs` parameter (RFC 6381) the browser can judge: only identifiers of that form. */
export function typeWithCodecs(media: MediaFacts): string {
  const codecs = [media.video_codec, media.audio_codec].filter((c): c is string => c !== null && /^[A-Za-z0-9]{4}\.|^(vp8|vp9|opus|vorbis|flac|mp3)$/.test(c));
  return codecs.length > 0 ? `${TYPES[media.container]}; codecs="${codecs.join(', ')}"` : TYPES[media.container];
}

/**
 * True when this browser answers canPlayType with "" for the file's type and codecs, or the
 * file plays in no browser at all. "maybe"/"probably" are not promises, so the player still
 * watches playback itself (partial-playback.ts).
 */
export function browserLikelyCannotPlay(media: MediaFacts): boolean {
  if (media.playability === 'none') return true;
  if (media.playability === 'all') return false;
  return document.createElement('video').canPlayType(typeWithCodecs(media)) === '';
}

export function indexAtEndMatters(media: MediaFacts | null, filesize: number): boolean {
  return !!media && (media.container === 'mp4' || media.container === 'mov') && media.faststart === false && filesize >= INDEX_LAST_NOTICE_BYTES;
}
