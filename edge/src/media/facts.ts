import type { MediaContainer, MediaFacts, Playability } from '../contract';

/** Media facts as `videos` stores them (migration 0007), and back: pure, shared with no HTTP. */

/** The columns migration 0007 adds to `videos`. */
export interface MediaColumns {
  media_container: string | null;
  media_video_codec: string | null;
  media_audio_codec: string | null;
  media_width: number | null;
  media_height: number | null;
  media_duration: number | null;
  media_faststart: number | null;
  media_playability: string | null;
}

/** The stored facts, or null for a video confirmed without them. */
export function mediaOf(row: MediaColumns): MediaFacts | null {
  if (row.media_container === null || row.media_playability === null) return null;
  return {
    container: row.media_container as MediaContainer,
    video_codec: row.media_video_codec,
    audio_codec: row.media_audio_codec,
    width: row.media_width,
    height: row.media_height,
    duration: row.media_duration,
    faststart: row.media_faststart === null ? null : row.media_faststart === 1,
    playability: row.media_playability as Playability,
  };
}

/** The values for the columns, in MediaColumns' order (all NULL without facts). */
export function mediaColumnValues(media: MediaFacts | null): Array<string | number | null> {
  if (!media) return [null, null, null, null, null, null, null, null];
  return [
    media.container, media.video_codec, media.audio_codec, media.width, media.height, media.duration,
    media.faststart === null ? null : media.faststart ? 1 : 0, media.playability,
  ];
}
