import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Tiny real videos in every accepted container, made by Debian's ffmpeg in a
 * test's own temporary folder (one second of test pattern, 64×48): the bytes
 * a student's camera or editor would write, not hand-made signatures.
 */
export type MediaKind = 'mp4' | 'mov' | 'mkv' | 'webm' | 'avi';

const CODECS: Record<MediaKind, string[]> = {
  mp4: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'],
  mov: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'],
  mkv: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'],
  webm: ['-c:v', 'libvpx', '-b:v', '100k'],
  avi: ['-c:v', 'mpeg4'],
};

export function makeMedia(dir: string, kind: MediaKind, name = `clip.${kind}`): string {
  const path = join(dir, name);
  execFileSync('ffmpeg', [
    '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-t', '1', ...CODECS[kind], '-f', kind === 'mkv' ? 'matroska' : kind, path,
  ]);
  return path;
}

/**
 * A QuickTime file as cameras wrote them before `ftyp` existed: ffmpeg's MOV
 * with its leading `ftyp` atom cut off, so it opens with `wide`/`mdat`/`moov`.
 */
export function makeLegacyMov(dir: string, name = 'legacy.mov'): string {
  const bytes = readFileSync(makeMedia(dir, 'mov', `with-ftyp-${name}`));
  if (bytes.toString('latin1', 4, 8) !== 'ftyp') throw new Error('ffmpeg MOV does not start with ftyp');
  const path = join(dir, name);
  writeFileSync(path, bytes.subarray(bytes.readUInt32BE(0)));
  return path;
}

/** The issue's own example: 20 bytes of text named like a video. */
export function makeTextAsVideo(dir: string, name = 'notavideo.mp4'): string {
  const path = join(dir, name);
  writeFileSync(path, 'this is not a video\n');
  return path;
}
