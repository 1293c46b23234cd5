/**
 * What an MP4/QuickTime file's `moov` box says about it, read from the bytes confirm already
 * holds (the object's first {@link SNIFF_BYTES}, edge/src/media/container.ts). Pure (no I/O).
 * A file written for the web ("fast start") carries `moov` before `mdat`, so its movie header
 * and usually its first track's header and sample description fit in those bytes; a file with
 * `moov` at the end gives only `faststart: false`.
 *
 * Boxes, from ISO/IEC 14496-12 (§4.2 box header, §8.2.2 `mvhd`, §8.3.2 `tkhd`, §8.4.3 `hdlr`,
 * §8.5.2 `stsd`) and Apple's QTFF (same layout for these atoms). A box cut off by the end of the
 * bytes is walked as far as the bytes go; a field not wholly inside them is not read.
 */

/** What the edge reads itself from a container's header (this file for MP4/MOV, matroska-header.ts for MKV/WebM). */
export interface HeaderFacts {
  /** true: `moov` before `mdat`; false: `mdat` first; null: neither seen in the bytes. */
  faststart: boolean | null;
  /** Seconds, from `mvhd` (duration / timescale); null when absent, unknown (all ones) or 0. */
  duration: number | null;
  /** The first video track's display size (`tkhd` width/height, 16.16 fixed point), rounded. */
  width: number | null;
  height: number | null;
  /** The first video / audio track's sample entry type (`avc1`, `hvc1`, `mp4a`…). */
  videoFormat: string | null;
  audioFormat: string | null;
}

interface Box { type: string; body: number; end: number }

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
}

function u64(b: Uint8Array, at: number): number {
  return u32(b, at) * 2 ** 32 + u32(b, at + 4);
}

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

/** The boxes from `start` to `end` (the parent's end, possibly beyond the bytes held). */
function* boxes(b: Uint8Array, start: number, end: number): Generator<Box> {
  for (let at = start; at + 8 <= Math.min(end, b.length); ) {
    const size32 = u32(b, at);
    const type = fourcc(b, at + 4);
    let header = 8;
    let size = size32;
    if (size32 === 1) {
      if (at + 16 > b.length) return;
      size = u64(b, at + 8);
      header = 16;
    } else if (size32 === 0) {
      size = end - at;
    }
    if (size < header) return;
    yield { type, body: at + header, end: at + size };
    at += size;
  }
}

function child(b: Uint8Array, parent: Box, type: string): Box | null {
  for (const box of boxes(b, parent.body, parent.end)) if (box.type === type) return box;
  return null;
}

function has(b: Uint8Array, at: number, length: number): boolean {
  return at + length <= b.length;
}

function movieDuration(b: Uint8Array, mvhd: Box): number | null {
  if (!has(b, mvhd.body, 4)) return null;
  const v1 = b[mvhd.body] === 1;
  const at = mvhd.body + (v1 ? 20 : 12);
  if (!has(b, at, v1 ? 12 : 8)) return null;
  const timescale = u32(b, at);
  const raw = v1 ? u64(b, at + 4) : u32(b, at + 4);
  const unknown = v1 ? u32(b, at + 4) === 0xffffffff && u32(b, at + 8) === 0xffffffff : raw === 0xffffffff;
  if (timescale === 0 || raw === 0 || unknown) return null;
  return Math.round((raw / timescale) * 1000) / 1000;
}

/**
 * The size as shown: `tkhd` width × height, turned by its matrix when that is a quarter turn
 * (a = d = 0: how a phone marks a portrait recording), as players and the uploader's reader show it.
 */
function trackSize(b: Uint8Array, tkhd: Box): { width: number; height: number } | null {
  if (!has(b, tkhd.body, 4)) return null;
  const matrix = tkhd.body + (b[tkhd.body] === 1 ? 52 : 40);
  const at = matrix + 36;
  if (!has(b, at, 8)) return null;
  const width = Math.round(u32(b, at) / 65536);
  const height = Math.round(u32(b, at + 4) / 65536);
  if (width === 0 || height === 0) return null;
  const quarterTurn = u32(b, matrix) === 0 && u32(b, matrix + 16) === 0;
  return quarterTurn ? { width: height, height: width } : { width, height };
}

function handler(b: Uint8Array, mdia: Box): string | null {
  const hdlr = child(b, mdia, 'hdlr');
  return hdlr && has(b, hdlr.body + 8, 4) ? fourcc(b, hdlr.body + 8) : null;
}

function sampleEntry(b: Uint8Array, mdia: Box): string | null {
  const minf = child(b, mdia, 'minf');
  const stbl = minf && child(b, minf, 'stbl');
  const stsd = stbl && child(b, stbl, 'stsd');
  // version/flags(4) entry_count(4), then the first entry: size(4) format(4).
  return stsd && has(b, stsd.body + 12, 4) ? fourcc(b, stsd.body + 12) : null;
}

/** The header's facts, each null where the bytes do not hold it; null when there is no `moov` in them. */
export function readIsoHeader(b: Uint8Array): HeaderFacts | null {
  let faststart: boolean | null = null;
  let moov: Box | null = null;
  for (const box of boxes(b, 0, b.length)) {
    if (box.type === 'mdat' && faststart === null) faststart = false;
    if (box.type === 'moov') {
      faststart ??= true;
      moov = box;
      break;
    }
  }
  const header: HeaderFacts = { faststart, duration: null, width: null, height: null, videoFormat: null, audioFormat: null };
  if (!moov) return faststart === null ? null : header;
  for (const box of boxes(b, moov.body, moov.end)) {
    if (box.type === 'mvhd') header.duration = movieDuration(b, box);
    if (box.type !== 'trak') continue;
    const mdia = child(b, box, 'mdia');
    const kind = mdia && handler(b, mdia);
    if (kind === 'vide' && header.videoFormat === null) {
      const tkhd = child(b, box, 'tkhd');
      const size = tkhd && trackSize(b, tkhd);
      if (size) ({ width: header.width, height: header.height } = size);
      header.videoFormat = sampleEntry(b, mdia!);
    } else if (kind === 'soun' && header.audioFormat === null) {
      header.audioFormat = sampleEntry(b, mdia!);
    }
  }
  return header;
}
