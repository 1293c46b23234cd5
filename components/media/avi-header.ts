/**
 * What an AVI's header says (Microsoft "AVI RIFF File Reference"; OpenDML AVI
 * File Format Extensions 1.02): `RIFF size 'AVI '`, then `LIST 'hdrl'` holding
 * `avih` (the main header: frame size) and one `LIST 'strl'` a stream, each with
 * `strh` (type `vids`/`auds`, handler, scale, rate, length) and `strf` (video:
 * BITMAPINFOHEADER, whose biCompression is the codec's FourCC; audio:
 * WAVEFORMATEX, whose wFormatTag names the codec). The header list sits at the
 * start of the file, so one read of its length is all it costs. No media
 * library reads AVI headers in the browser (mediabunny does not read AVI), and
 * this is all the playability check needs of one.
 */
import { fourcc, u32le, type ByteReader } from './byte-reader';

export interface AviFacts {
  /** biCompression (or strh's handler when that is empty), e.g. `XVID`, `DX50`, `FMP4`, `H264`. */
  videoCodec: string | null;
  /** `mp3`, `aac`, `ac3`, `pcm`, `wma`, or `wFormatTag 0x…` for others. */
  audioCodec: string | null;
  width: number | null;
  height: number | null;
  /** Seconds: the video stream's length × scale / rate. */
  duration: number | null;
}

/** A header list longer than this is not a real AVI's (OpenDML super indexes are a few KB). */
const MAX_HDRL_BYTES = 1024 * 1024;

/** WAVEFORMATEX wFormatTag values (RFC 2361 appendix A; mmreg.h) → the names codecs.ts knows. */
const AUDIO_TAGS: Record<number, string> = {
  0x0001: 'pcm', 0x0003: 'pcm', 0x0006: 'alaw', 0x0007: 'ulaw', 0x0055: 'mp3', 0x00ff: 'aac', 0x1610: 'aac',
  0x0160: 'wma', 0x0161: 'wma', 0x0162: 'wma', 0x2000: 'ac3',
};

/** A FourCC as text: printable ASCII only, trailing spaces and NULs dropped. */
function cleanFourcc(raw: string): string | null {
  const text = raw.replace(/[\0 ]+$/, '');
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,3}$/.test(text) ? text : null;
}

interface Chunk {
  id: string;
  /** For LIST: its list type. */
  list: string | null;
  data: number;
  size: number;
}

/** The chunks directly inside [start, end) of `bytes` (RIFF chunks are padded to even sizes). */
function chunks(bytes: Uint8Array, start: number, end: number): Chunk[] {
  const found: Chunk[] = [];
  let at = start;
  while (at + 8 <= end) {
    const id = fourcc(bytes, at);
    const size = u32le(bytes, at + 4);
    const isList = id === 'LIST' && at + 12 <= end;
    found.push({ id, list: isList ? fourcc(bytes, at + 8) : null, data: at + (isList ? 12 : 8), size: isList ? size - 4 : size });
    at += 8 + size + (size % 2);
  }
  return found;
}

/** Null when the file is not an AVI whose header list could be read. */
export async function readAviHeader(reader: ByteReader): Promise<AviFacts | null> {
  const head = await reader.read(0, 24);
  if (head.length < 24 || fourcc(head, 0) !== 'RIFF' || fourcc(head, 8) !== 'AVI ' || fourcc(head, 12) !== 'LIST' || fourcc(head, 20) !== 'hdrl') {
    return null;
  }
  const hdrlSize = u32le(head, 16);
  if (hdrlSize < 4 || hdrlSize > MAX_HDRL_BYTES) return null;
  const bytes = await reader.read(0, 20 + hdrlSize);
  const end = Math.min(bytes.length, 20 + hdrlSize);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  const facts: AviFacts = { videoCodec: null, audioCodec: null, width: null, height: null, duration: null };
  for (const chunk of chunks(bytes, 24, end)) {
    if (chunk.id === 'avih' && chunk.size >= 40 && chunk.data + 40 <= end) {
      facts.width = view.getUint32(chunk.data + 32, true) || null;
      facts.height = view.getUint32(chunk.data + 36, true) || null;
    }
    if (chunk.list !== 'strl') continue;
    const inner = chunks(bytes, chunk.data, Math.min(end, chunk.data + chunk.size));
    const strh = inner.find((c) => c.id === 'strh' && c.size >= 36 && c.data + 36 <= end);
    const strf = inner.find((c) => c.id === 'strf' && c.data + Math.min(c.size, 20) <= end);
    if (!strh) continue;
    const type = fourcc(bytes, strh.data);
    if (type === 'vids' && facts.videoCodec === null) {
      const compression = strf && strf.size >= 20 ? cleanFourcc(fourcc(bytes, strf.data + 16)) : null;
      facts.videoCodec = compression ?? cleanFourcc(fourcc(bytes, strh.data + 4));
      const scale = view.getUint32(strh.data + 20, true);
      const rate = view.getUint32(strh.data + 24, true);
      const length = view.getUint32(strh.data + 32, true);
      if (scale > 0 && rate > 0 && length > 0) facts.duration = (length * scale) / rate;
      if (strf && strf.size >= 12 && facts.width === null) {
        facts.width = view.getInt32(strf.data + 4, true) || null;
        facts.height = Math.abs(view.getInt32(strf.data + 8, true)) || null;
      }
    } else if (type === 'auds' && facts.audioCodec === null && strf && strf.size >= 2) {
      const tag = view.getUint16(strf.data, true);
      facts.audioCodec = AUDIO_TAGS[tag] ?? `wFormatTag-0x${tag.toString(16).padStart(4, '0')}`;
    }
  }
  return facts;
}
