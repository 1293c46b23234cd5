import { randomBytes } from 'node:crypto';

/**
 * A small Matroska/WebM file whose header says what a test chooses: the EBML header (DocType),
 * a Segment of unknown size holding Info (TimestampScale, Duration), Tracks (a video TrackEntry
 * with its pixel size, optionally an audio one) and a Cluster of random bytes. Laid out per
 * RFC 8794 / RFC 9559; every size is written as 8 bytes, which both allow.
 */

function size(n: number | 'unknown'): Buffer {
  const b = Buffer.alloc(8);
  if (n === 'unknown') b.fill(0xff);
  else b.writeBigUInt64BE(BigInt(n));
  b[0] = 0x01;
  return b;
}

function el(id: number, ...body: Buffer[]): Buffer {
  const idBytes = Buffer.from(id.toString(16).padStart(id > 0xffffff ? 8 : id > 0xffff ? 6 : id > 0xff ? 4 : 2, '0'), 'hex');
  const content = Buffer.concat(body);
  return Buffer.concat([idBytes, size(content.length), content]);
}

const uint = (id: number, v: number) => el(id, Buffer.from([v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]));
const str = (id: number, v: string) => el(id, Buffer.from(v, 'latin1'));
function f64(id: number, v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(v);
  return el(id, b);
}

export interface MatroskaOptions {
  docType: 'webm' | 'matroska';
  seconds: number;
  width: number;
  height: number;
  videoCodec: string;
  audioCodec?: string | null;
}

export function matroskaBytes(o: MatroskaOptions): Buffer {
  const ebml = el(0x1a45dfa3, str(0x4282, o.docType), uint(0x4287, 4), uint(0x4285, 2));
  // TimestampScale 1 ms; Duration in ticks.
  const info = el(0x1549a966, uint(0x2ad7b1, 1_000_000), f64(0x4489, o.seconds * 1000));
  const video = el(0xae, uint(0xd7, 1), uint(0x83, 1), str(0x86, o.videoCodec), el(0xe0, uint(0xb0, o.width), uint(0xba, o.height)));
  const tracks = [video];
  if (o.audioCodec !== null) tracks.push(el(0xae, uint(0xd7, 2), uint(0x83, 2), str(0x86, o.audioCodec ?? 'A_OPUS')));
  const cluster = el(0x1f43b675, randomBytes(4096));
  const segmentBody = Buffer.concat([info, el(0x1654ae6b, ...tracks), cluster]);
  return Buffer.concat([ebml, Buffer.from([0x18, 0x53, 0x80, 0x67]), size('unknown'), segmentBody]);
}
