import { randomBytes } from 'node:crypto';

/**
 * A small MP4 whose header says what a test chooses: `ftyp`, then (fast start) `moov` holding
 * `mvhd` (duration), a video `trak` (`tkhd` size, `hdlr` vide, `stsd` entry) and optionally an
 * audio `trak`, then `mdat` of random bytes. Laid out per ISO/IEC 14496-12; only the fields
 * edge/src/media/iso-header.ts reads carry meaning, the rest are zeros.
 */

function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
}

/** tkhd matrices (a b u / c d v / x y w; 16.16 but u, v, w 2.30): none, and a quarter turn. */
const IDENTITY = u32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);
const QUARTER_TURN = u32(0, 0x10000, 0, 0xffff0000, 0, 0, 0, 0, 0x40000000);

function trak(handler: 'vide' | 'soun', format: string, width: number, height: number, portrait = false): Buffer {
  // tkhd v0: version/flags, creation, modification, track_ID, reserved, duration, reserved×2,
  // layer/alternate_group, volume/reserved, matrix (9×4), width, height (16.16).
  const tkhd = box('tkhd', u32(0, 0, 0, 1, 0, 0, 0, 0, 0, 0), portrait ? QUARTER_TURN : IDENTITY, u32(width * 65536, height * 65536));
  const hdlr = box('hdlr', u32(0, 0), Buffer.from(handler, 'latin1'), u32(0, 0, 0), Buffer.from([0]));
  const entry = box(format, Buffer.alloc(70));
  const stsd = box('stsd', u32(0, 1), entry);
  return box('trak', tkhd, box('mdia', hdlr, box('minf', box('stbl', stsd))));
}

export interface IsoOptions {
  seconds: number;
  width: number;
  height: number;
  videoFormat?: string;
  audioFormat?: string | null;
  /** false: `mdat` before `moov` (moov at the end). */
  faststart?: boolean;
  mdatBytes?: number;
  /** The video track turned a quarter (a phone held upright): `width` × `height` are the sensor's. */
  portrait?: boolean;
}

export function isoBytes(o: IsoOptions): Buffer {
  const timescale = 1000;
  const mvhd = box('mvhd', u32(0, 0, 0, timescale, Math.round(o.seconds * timescale)), Buffer.alloc(80));
  const traks = [trak('vide', o.videoFormat ?? 'avc1', o.width, o.height, o.portrait)];
  if (o.audioFormat !== null) traks.push(trak('soun', o.audioFormat ?? 'mp4a', 0, 0));
  const moov = box('moov', mvhd, ...traks);
  const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), u32(0x200), Buffer.from('isomiso2avc1mp41', 'latin1'));
  const mdat = box('mdat', randomBytes(o.mdatBytes ?? 4096));
  return o.faststart === false ? Buffer.concat([ftyp, mdat, moov]) : Buffer.concat([ftyp, moov, mdat]);
}

/**
 * The 16-byte header of a box whose 64-bit `largesize` is `size` (ISO/IEC 14496-12 §4.2: size
 * field 1, then the type, then the size), for a box too large to write out (e.g. a 2 GiB `free`
 * written sparse).
 */
export function largeBoxHeader(type: string, size: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(1, 0);
  b.write(type, 4, 'latin1');
  b.writeUInt32BE(Math.floor(size / 2 ** 32), 8);
  b.writeUInt32BE(size % 2 ** 32, 12);
  return b;
}
