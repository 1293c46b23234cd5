import { execFileSync } from 'node:child_process';
import { appendFileSync, closeSync, mkdtempSync, openSync, ftruncateSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary folder for one test file's videos; nothing here is committed. */
export function fixtureDir(): string {
  return mkdtempSync(join(tmpdir(), 's3video-e2e-'));
}

/** A real H.264/AAC MP4 made by Debian's ffmpeg: a test pattern and a tone. */
export function makeVideo(dir: string, name = 'clip.mp4', seconds = 6): string {
  const path = join(dir, name);
  execFileSync('ffmpeg', [
    '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25',
    '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', String(seconds), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart',
    path,
  ]);
  return path;
}

/**
 * A real MP4 grown to `size` bytes by a trailing `free` box, the padding ISO
 * BMFF defines and players skip: large enough to go multipart, still
 * playable, and sparse on disk.
 */
export function paddedVideo(dir: string, name: string, size: number): string {
  const path = makeVideo(dir, name);
  const pad = size - statSync(path).size;
  if (pad < 8 || pad >= 2 ** 32) throw new Error(`cannot pad ${name} to ${size} bytes with one box`);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(pad, 0);
  header.write('free', 4, 'ascii');
  appendFileSync(path, header);
  truncateSync(path, size);
  return path;
}

/**
 * A file of this size that takes no disk space (sparse): the browser sees its size, never
 * reads it all. It opens with an MP4's `ftyp` box, so the uploader's content check (the
 * first bytes) takes it for the video its name says.
 */
export function sparseFile(dir: string, name: string, size: number): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  writeSync(fd, Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2', 'latin1')]));
  ftruncateSync(fd, size);
  closeSync(fd);
  return path;
}

export function textFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
