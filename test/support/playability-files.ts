import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MediaFacts, Playability } from '../../edge/src/contract';

/**
 * The files students really hand in, made by Debian's ffmpeg in a test's own
 * folder (two seconds of test pattern and a tone, 320×240): each with the
 * facts and verdict the header reader must find. Encoders used: libx264,
 * libx265, mpeg4 (tagged XVID as Xvid/DivX write it), libvpx-vp9 + libopus,
 * prores_ks; all present in Debian 12's ffmpeg (`ffmpeg -encoders`).
 */
export interface PlayabilityCase {
  name: string;
  /** What the reader must report (null: the header cannot be read, nothing is held back). */
  expected: (Partial<MediaFacts> & { playability: Playability }) | null;
  args: string[];
}

const PATTERN = ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '2'];
const H264 = ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac'];
const HEVC = ['-c:v', 'libx265', '-x265-params', 'log-level=error', '-tag:v', 'hvc1', '-pix_fmt', 'yuv420p', '-c:a', 'aac'];

export const PLAYABILITY_CASES: readonly PlayabilityCase[] = [
  {
    name: 'h264-faststart.mp4',
    args: [...H264, '-movflags', '+faststart'],
    expected: { container: 'mp4', video_codec: 'avc1.64000d', audio_codec: 'mp4a.40.2', width: 320, height: 240, faststart: true, playability: 'all' },
  },
  {
    name: 'h264-index-last.mp4',
    args: H264,
    expected: { container: 'mp4', video_codec: 'avc1.64000d', audio_codec: 'mp4a.40.2', faststart: false, playability: 'all' },
  },
  { name: 'hevc-android.mp4', args: HEVC, expected: { container: 'mp4', audio_codec: 'mp4a.40.2', width: 320, height: 240, playability: 'some' } },
  { name: 'hevc-iphone.mov', args: [...HEVC, '-f', 'mov'], expected: { container: 'mov', audio_codec: 'mp4a.40.2', playability: 'some' } },
  { name: 'h264-obs.mkv', args: [...H264, '-f', 'matroska'], expected: { container: 'mkv', video_codec: 'avc1.64000d', faststart: null, playability: 'some' } },
  {
    name: 'divx.avi',
    args: ['-c:v', 'mpeg4', '-vtag', 'XVID', '-c:a', 'libmp3lame'],
    expected: { container: 'avi', video_codec: 'XVID', audio_codec: 'mp3', width: 320, height: 240, faststart: null, playability: 'none' },
  },
  {
    name: 'vp9.webm',
    args: ['-c:v', 'libvpx-vp9', '-b:v', '200k', '-c:a', 'libopus'],
    expected: { container: 'webm', audio_codec: 'opus', width: 320, height: 240, playability: 'all' },
  },
  {
    name: 'prores.mov',
    args: ['-c:v', 'prores_ks', '-profile:v', '2', '-c:a', 'pcm_s16le'],
    expected: { container: 'mov', video_codec: 'apcn', width: 320, height: 240, playability: 'none' },
  },
  { name: 'notes.mp4', args: [], expected: null },
];

/** Makes one case's file in `dir`; returns its path. */
export function makePlayabilityFile(dir: string, c: PlayabilityCase): string {
  const path = join(dir, c.name);
  if (c.args.length === 0) {
    writeFileSync(path, 'These are my notes, not a video.\n');
    return path;
  }
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', ...PATTERN, ...c.args, path]);
  return path;
}
