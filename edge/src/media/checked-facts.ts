import type { MediaContainer, MediaFacts } from '../contract';
import { audioFamily, videoFamily } from './codecs';
import type { Container } from './container';
import { readIsoHeader, type HeaderFacts } from './iso-header';
import { readMatroskaHeader } from './matroska-header';
import { verdictOf } from './playability';

/**
 * A confirm's reported facts (its `duration` and `media`) set against the stored object's own
 * first bytes, which confirm has already read (SNIFF_BYTES). Pure. The rule: what the bytes say
 * wins; what they do not hold stays the browser's report (README "Media facts: what is checked").
 *
 * - The container is the sniffed one. Facts naming another container were not read from this
 *   object (the uploader reads the same bytes with the same sniffContainer), so none is kept.
 * - MP4/MOV (iso-header.ts) and Matroska/WebM (matroska-header.ts): the header's duration, the
 *   first video track's size, (MP4/MOV) moov-before-mdat and each track's codec replace the
 *   browser's figures wherever the bytes hold them; a codec whose family differs from the
 *   header's is replaced by the header's own identifier (`avc1`, `V_VP9`).
 * - The verdict is always recomputed from the kept facts (playability.ts), never the one sent.
 */

export interface ReportedMedia {
  /** Seconds (confirm's top-level `duration`, shown to Moodle and in the receipt). */
  duration: number | null;
  media: MediaFacts | null;
}

/** How contract.ts names each sniffed container (the uploader's probe maps them the same way). */
export const CONTAINER_NAMES: Record<Container, MediaContainer> = { mp4: 'mp4', mov: 'mov', matroska: 'mkv', webm: 'webm', avi: 'avi' };

/** `mp4a` is a family of its own (AAC or MP3, told apart only inside `esds`). */
function audioAgrees(entry: string, reported: string | null): boolean {
  if (reported === null) return false;
  if (entry.toLowerCase() === 'mp4a') return ['aac', 'mp3'].includes(audioFamily(reported));
  return audioFamily(entry) === audioFamily(reported);
}

/** The header's own facts, from the bytes held; null for AVI (its header is the browser's report). */
function ownHeader(first: Uint8Array, sniffed: Container): HeaderFacts | null {
  if (sniffed === 'mp4' || sniffed === 'mov') return readIsoHeader(first);
  if (sniffed === 'matroska' || sniffed === 'webm') return readMatroskaHeader(first);
  return null;
}

export function checkedMedia(first: Uint8Array, sniffed: Container, reported: ReportedMedia): ReportedMedia {
  const container = CONTAINER_NAMES[sniffed];
  const iso = ownHeader(first, sniffed);
  const duration = iso?.duration ?? reported.duration;
  const sent = reported.media;
  if (!sent || sent.container !== container) return { duration, media: null };

  let videoCodec = sent.video_codec;
  if (iso?.videoFormat && (videoCodec === null || videoFamily(iso.videoFormat) !== videoFamily(videoCodec))) {
    videoCodec = iso.videoFormat;
  }
  let audioCodec = sent.audio_codec;
  if (iso?.audioFormat && !audioAgrees(iso.audioFormat, audioCodec)) audioCodec = iso.audioFormat;
  const facts = {
    container,
    video_codec: videoCodec,
    audio_codec: audioCodec,
    width: iso?.width ?? sent.width,
    height: iso?.height ?? sent.height,
    duration: iso?.duration ?? sent.duration,
    faststart: iso?.faststart ?? sent.faststart,
  };
  return { duration, media: { ...facts, playability: verdictOf(facts).playability } };
}
