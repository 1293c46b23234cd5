/**
 * Codec identifiers (as {@link MediaFacts} stores them) → the codec family the
 * playability rules reason about, and the name people know it by. Pure.
 *
 * Identifiers: RFC 6381 `codecs` parameters (`avc1.64001F`: ISO/IEC 14496-15 Annex E;
 * `hvc1.1.6.L93.B0`: ISO/IEC 14496-15 Annex E.3; `vp09.…`: the VP codec ISO-BMFF binding;
 * `av01.…`: AV1 ISOBMFF binding §5), MP4/QuickTime sample entries (`mp4v`, `apch`…: Apple
 * QTFF), AVI FourCCs (`XVID`, `DX50`, `WMV3`…) and Matroska CodecIDs (`V_MPEG4/ISO/ASP`).
 */
import type { MediaFacts } from '../contract';

export type VideoFamily =
  | 'h264' | 'hevc' | 'vp8' | 'vp9' | 'av1' | 'mpeg4' | 'prores' | 'vc1' | 'mjpeg' | 'mpeg2' | 'theora' | 'other';
export type AudioFamily =
  | 'aac' | 'mp3' | 'opus' | 'vorbis' | 'flac' | 'ac3' | 'pcm' | 'wma' | 'alac' | 'other';

const VIDEO_PREFIXES: ReadonlyArray<readonly [RegExp, VideoFamily]> = [
  [/^(avc[1-4]|h264|x264|V_MPEG4\/ISO\/AVC)/i, 'h264'],
  [/^(hvc1|hev1|hevc|h265|x265|V_MPEGH\/ISO\/HEVC)/i, 'hevc'],
  [/^(vp08|vp8|V_VP8)/i, 'vp8'],
  [/^(vp09|vp9|V_VP9)/i, 'vp9'],
  [/^(av01|av1|V_AV1)/i, 'av1'],
  // MPEG-4 Part 2 (Simple / Advanced Simple profile): DivX, Xvid, FFmpeg's own, Microsoft's variants.
  [/^(mp4v|xvid|divx|dx50|fmp4|mp4s|m4s2|mp42|mp43|div3|3iv2|V_MPEG4\/ISO\/(ASP|SP|AP)|V_MPEG4\/MS\/V3)/i, 'mpeg4'],
  [/^(apch|apcn|apcs|apco|ap4h|ap4x|prores|V_PRORES)/i, 'prores'],
  [/^(wmv[123]|wvc1|wmva|vc-?1|V_MS\/VFW\/WVC1)/i, 'vc1'],
  [/^(mjpg|mjpa|jpeg|avdj|V_MJPEG)/i, 'mjpeg'],
  [/^(mp2v|mpg2|mpeg|hdv|xdcam|V_MPEG2|V_MPEG1)/i, 'mpeg2'],
  [/^(theo|V_THEORA)/i, 'theora'],
];

const AUDIO_PREFIXES: ReadonlyArray<readonly [RegExp, AudioFamily]> = [
  [/^(mp4a\.40|aac|A_AAC)/i, 'aac'],
  [/^(mp3|mp4a\.6b|mp4a\.69|\.mp3|A_MPEG\/L3)/i, 'mp3'],
  [/^(opus|A_OPUS)/i, 'opus'],
  [/^(vorbis|A_VORBIS)/i, 'vorbis'],
  [/^(flac|fLaC|A_FLAC)/i, 'flac'],
  [/^(ac-3|ec-3|ac3|eac3|A_AC3|A_EAC3)/i, 'ac3'],
  [/^(pcm|lpcm|sowt|twos|in24|in32|fl32|fl64|ipcm|fpcm|ulaw|alaw|A_PCM)/i, 'pcm'],
  [/^(wma|A_MS\/ACM)/i, 'wma'],
  [/^(alac|A_ALAC)/i, 'alac'],
];

export function videoFamily(codec: string): VideoFamily {
  return VIDEO_PREFIXES.find(([re]) => re.test(codec))?.[1] ?? 'other';
}

export function audioFamily(codec: string): AudioFamily {
  return AUDIO_PREFIXES.find(([re]) => re.test(codec))?.[1] ?? 'other';
}

const VIDEO_NAMES: Record<VideoFamily, string> = {
  h264: 'H.264', hevc: 'HEVC (H.265)', vp8: 'VP8', vp9: 'VP9', av1: 'AV1', mpeg4: 'MPEG-4 Part 2 (DivX/Xvid)',
  prores: 'Apple ProRes', vc1: 'WMV/VC-1', mjpeg: 'Motion JPEG', mpeg2: 'MPEG-2', theora: 'Theora', other: '',
};

const AUDIO_NAMES: Record<AudioFamily, string> = {
  aac: 'AAC', mp3: 'MP3', opus: 'Opus', vorbis: 'Vorbis', flac: 'FLAC', ac3: 'Dolby Digital (AC-3)', pcm: 'PCM',
  wma: 'WMA', alac: 'Apple Lossless', other: '',
};

/** H.264 profile_idc (ITU-T H.264 Annex A) → its name; read from `avc1.PPCCLL`. */
const H264_PROFILES: Record<number, string> = { 66: 'Baseline', 77: 'Main', 88: 'Extended', 100: 'High', 110: 'High 10', 122: 'High 4:2:2', 244: 'High 4:4:4' };
/** HEVC general_profile_idc (ITU-T H.265 Annex A) → its name; read from `hvc1.P.…`. */
const HEVC_PROFILES: Record<number, string> = { 1: 'Main', 2: 'Main 10', 3: 'Main Still Picture', 4: 'Range extensions' };

/** The profile, where the identifier carries it. */
function profileOf(codec: string, family: VideoFamily): string | null {
  if (family === 'h264') {
    const m = /^avc[13]\.([0-9a-f]{2})/i.exec(codec);
    return m ? (H264_PROFILES[parseInt(m[1]!, 16)] ?? null) : null;
  }
  if (family === 'hevc') {
    const m = /^(?:hvc1|hev1)\.[A-C]?(\d+)\./i.exec(codec);
    return m ? (HEVC_PROFILES[Number(m[1])] ?? null) : null;
  }
  return null;
}

/** "H.264 High", "HEVC (H.265) Main 10", "VP9"; an unknown identifier as it is. */
export function videoCodecName(codec: string): string {
  const family = videoFamily(codec);
  if (family === 'other') return codec;
  const profile = profileOf(codec, family);
  return profile ? `${VIDEO_NAMES[family]} ${profile}` : VIDEO_NAMES[family];
}

export function audioCodecName(codec: string): string {
  const family = audioFamily(codec);
  return family === 'other' ? codec : AUDIO_NAMES[family];
}

const CONTAINER_NAMES: Record<MediaFacts['container'], string> = { mp4: 'MP4', mov: 'MOV', webm: 'WebM', mkv: 'MKV', avi: 'AVI' };

/** One line for people: "MP4 · H.264 High · AAC · 1920×1080". */
export function describeMedia(facts: MediaFacts): string {
  return [
    CONTAINER_NAMES[facts.container],
    facts.video_codec ? videoCodecName(facts.video_codec) : '',
    facts.audio_codec ? audioCodecName(facts.audio_codec) : '',
    facts.width && facts.height ? `${facts.width}×${facts.height}` : '',
  ].filter(Boolean).join(' · ');
}
