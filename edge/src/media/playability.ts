/**
 * Where a file plays, from what its header says (container, video codec,
 * audio codec). Pure: one table, tested row by row (test/media/playability.test.ts).
 * The uploader shows it before sending; the edge stores its own verdict on the
 * facts the uploader sent, once checked against the stored bytes (checked-facts.ts).
 *
 * "Current browsers" are the evergreen Chrome, Edge, Firefox and Safari (Moodle 4.5's own
 * list). Sources, checked for each row:
 * - MDN, "Web video codec guide" and "Media container formats" (developer.mozilla.org/docs/Web/Media/Formats);
 * - caniuse: `mpeg4` (H.264 MP4, every browser), `hevc` (Safari; Chrome/Edge 107+ only where the
 *   operating system or hardware decodes it; Firefox 136+ on Windows with a hardware decoder),
 *   `webm` and `webm`'s VP9 (every current browser, Safari since 14.1), `av1` (Chrome, Edge,
 *   Firefox; Safari 17+ only on devices with an AV1 hardware decoder: M3, iPhone 15 Pro),
 *   `opus` (every current browser), `ogg-vorbis` (Vorbis in WebM in Safari since 17.4);
 * - Matroska (.mkv) is not a web container in any specification: Chromium plays it by sniffing
 *   (`video/x-matroska` and `video/matroska` answer "maybe" from canPlayType; measured here in
 *   Debian's Chromium), Firefox since 145, Safari not at all;
 * - AVI, MPEG-4 Part 2 (DivX/Xvid), ProRes, WMV/VC-1, Motion JPEG and MPEG-2 appear in no
 *   browser's list of supported formats (MDN's guide names none of them); Safari on a Mac may
 *   hand a ProRes .mov to the system, which is not something to count on for a grader.
 *
 * The strictest part decides: an AVI is "none" whatever it holds, an HEVC video in MKV
 * "some" (and then only in the browsers both allow), AAC audio never lowers an H.264 MP4.
 */
import type { MediaFacts, Playability } from '../contract';
import { audioFamily, videoFamily, type AudioFamily, type VideoFamily } from './codecs';

/**
 * Why a file plays only in some browsers, or in none: each has a common_playability_* string
 * naming which browsers and what to do. `codec_unknown` is for codecs the table does not know.
 */
export type PlayabilityReason =
  | 'hevc' | 'av1' | 'mkv' | 'audio_ac3' | 'audio_pcm' | 'audio_other'
  | 'avi' | 'mpeg4' | 'prores' | 'vc1' | 'mjpeg' | 'mpeg2' | 'theora' | 'no_video'
  | 'codec_unknown';

export interface Verdict {
  playability: Playability;
  /** Every reason the file is not `all`, strictest first; empty for `all`. */
  reasons: PlayabilityReason[];
}

type Rule = readonly [Playability, PlayabilityReason | null];

const CONTAINERS: Record<MediaFacts['container'], Rule> = {
  mp4: ['all', null],
  // Browsers play QuickTime files as MP4 (the same box structure) when the codecs are MP4's.
  mov: ['all', null],
  webm: ['all', null],
  mkv: ['some', 'mkv'],
  avi: ['none', 'avi'],
};

const VIDEO: Record<VideoFamily, Rule> = {
  h264: ['all', null],
  vp8: ['all', null],
  vp9: ['all', null],
  hevc: ['some', 'hevc'],
  av1: ['some', 'av1'],
  mpeg4: ['none', 'mpeg4'],
  prores: ['none', 'prores'],
  vc1: ['none', 'vc1'],
  mjpeg: ['none', 'mjpeg'],
  mpeg2: ['none', 'mpeg2'],
  // Firefox alone still decodes Theora, and not in the containers accepted here.
  theora: ['none', 'theora'],
  other: ['unknown', 'codec_unknown'],
};

/** Audio that does not play leaves a silent video: "some", never "none". */
const AUDIO: Record<AudioFamily, Rule> = {
  aac: ['all', null],
  mp3: ['all', null],
  opus: ['all', null],
  vorbis: ['all', null],
  flac: ['all', null],
  // Safari and Edge on Windows decode AC-3 through the system; Chrome and Firefox do not.
  ac3: ['some', 'audio_ac3'],
  // QuickTime's uncompressed audio: Safari plays it, Chromium and Firefox not in MP4/MOV.
  pcm: ['some', 'audio_pcm'],
  wma: ['some', 'audio_other'],
  alac: ['some', 'audio_other'],
  other: ['some', 'audio_other'],
};

const RANK: Record<Playability, number> = { all: 0, unknown: 1, some: 2, none: 3 };

/** The verdict for a file's facts (container and codecs; sizes and duration play no part). */
export function verdictOf(facts: Pick<MediaFacts, 'container' | 'video_codec' | 'audio_codec'>): Verdict {
  // A header naming no track at all was not read (an index further on, a damaged or sparse file):
  // that says nothing about where it plays, so it is not "sound only" and nobody is stopped by it.
  if (facts.video_codec === null && facts.audio_codec === null) return { playability: 'unknown', reasons: [] };
  const rules: Rule[] = [CONTAINERS[facts.container]];
  rules.push(facts.video_codec === null ? ['none', 'no_video'] : VIDEO[videoFamily(facts.video_codec)]);
  if (facts.audio_codec !== null) rules.push(AUDIO[audioFamily(facts.audio_codec)]);
  let playability: Playability = 'all';
  for (const [p] of rules) if (RANK[p] > RANK[playability]) playability = p;
  const reasons = rules
    .filter(([p, reason]) => reason !== null && p !== 'all')
    .sort(([a], [b]) => RANK[b] - RANK[a])
    .map(([, reason]) => reason!);
  return { playability, reasons: [...new Set(reasons)] };
}
