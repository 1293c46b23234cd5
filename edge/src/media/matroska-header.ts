import type { HeaderFacts } from './iso-header';
import { vint } from './ebml';

/**
 * What a Matroska/WebM file's header says about it, read from the bytes confirm already holds
 * (the object's first SNIFF_BYTES). Pure (no I/O). Muxers write `Info` and `Tracks` right after
 * the `SeekHead`, before the first `Cluster`, so a file's duration, first video track's size and
 * each track's codec usually lie in its first kilobytes; whatever does not is left null.
 *
 * Elements, from RFC 9559 (Matroska) §5.1: Segment `18 53 80 67`; Info `15 49 A9 66` with
 * TimestampScale `2A D7 B1` (ns per tick, default 1 000 000) and Duration `44 89` (float, ticks);
 * Tracks `16 54 AE 6B`, TrackEntry `AE`, TrackType `83` (1 video, 2 audio), CodecID `86`, Video
 * `E0` with PixelWidth `B0`, PixelHeight `BA`, DisplayWidth `54 B0`, DisplayHeight `54 BA`,
 * DisplayUnit `54 B2` (0: pixels); Cluster `1F 43 B6 75` ends the header. Sizes: RFC 8794 §4.
 */

const ID = {
  segment: 0x18538067, info: 0x1549a966, tracks: 0x1654ae6b, cluster: 0x1f43b675,
  timestampScale: 0x2ad7b1, duration: 0x4489,
  trackEntry: 0xae, trackType: 0x83, codecId: 0x86, video: 0xe0,
  pixelWidth: 0xb0, pixelHeight: 0xba, displayWidth: 0x54b0, displayHeight: 0x54ba, displayUnit: 0x54b2,
} as const;

interface Element { id: number; body: number; size: number; end: number }

/** The elements from `start` to `end`; an unknown size (all ones) runs to `end`. */
function* elements(b: Uint8Array, start: number, end: number): Generator<Element> {
  for (let at = start; at < Math.min(end, b.length); ) {
    const id = vint(b, at, true);
    const size = id && vint(b, at + id.length, false);
    if (!id || !size) return;
    const body = at + id.length + size.length;
    const elementEnd = size.allOnes ? end : body + size.value;
    yield { id: id.value, body, size: elementEnd - body, end: elementEnd };
    at = elementEnd;
  }
}

/** A value wholly inside the bytes, or null. */
function held(b: Uint8Array, e: Element): boolean {
  return e.size >= 0 && e.end <= b.length;
}

function uint(b: Uint8Array, e: Element): number | null {
  if (!held(b, e) || e.size < 1 || e.size > 6) return null;
  let value = 0;
  for (let i = e.body; i < e.end; i++) value = value * 256 + b[i]!;
  return value;
}

function float(b: Uint8Array, e: Element): number | null {
  if (!held(b, e) || (e.size !== 4 && e.size !== 8)) return null;
  const view = new DataView(b.buffer, b.byteOffset + e.body, e.size);
  return e.size === 4 ? view.getFloat32(0) : view.getFloat64(0);
}

function text(b: Uint8Array, e: Element): string | null {
  if (!held(b, e) || e.size < 1 || e.size > 64) return null;
  let s = '';
  for (let i = e.body; i < e.end && b[i] !== 0; i++) s += String.fromCharCode(b[i]!);
  return s;
}

interface Track { type: number | null; codec: string | null; width: number | null; height: number | null }

function track(b: Uint8Array, entry: Element): Track {
  const t: Track = { type: null, codec: null, width: null, height: null };
  for (const e of elements(b, entry.body, entry.end)) {
    if (e.id === ID.trackType) t.type = uint(b, e);
    else if (e.id === ID.codecId) t.codec = text(b, e);
    else if (e.id === ID.video) {
      // A Video element cut off by the end of the bytes may hide a DisplayWidth after the pixel size.
      if (!held(b, e)) continue;
      const v: Record<number, number | null> = {};
      for (const f of elements(b, e.body, e.end)) v[f.id] = uint(b, f);
      // DisplayWidth/Height are in pixels only with DisplayUnit 0 (its default); otherwise they are a ratio.
      const pixels = (v[ID.displayUnit] ?? 0) === 0;
      const width = (pixels ? v[ID.displayWidth] : null) ?? v[ID.pixelWidth] ?? null;
      const height = (pixels ? v[ID.displayHeight] : null) ?? v[ID.pixelHeight] ?? null;
      if (width && height) ({ width: t.width, height: t.height } = { width, height });
    }
  }
  return t;
}

/** The header's facts, each null where the bytes do not hold it; null when there is no Segment in them. */
export function readMatroskaHeader(b: Uint8Array): HeaderFacts | null {
  const segment = [...elements(b, 0, b.length)].find((e) => e.id === ID.segment);
  if (!segment) return null;
  const header: HeaderFacts = { faststart: null, duration: null, width: null, height: null, videoFormat: null, audioFormat: null };
  for (const e of elements(b, segment.body, segment.end)) {
    if (e.id === ID.cluster) break;
    if (e.id === ID.info) {
      let scale = 1_000_000;
      let ticks: number | null = null;
      for (const f of elements(b, e.body, e.end)) {
        if (f.id === ID.timestampScale) scale = uint(b, f) ?? scale;
        if (f.id === ID.duration) ticks = float(b, f);
      }
      if (ticks !== null && Number.isFinite(ticks) && ticks > 0) header.duration = Math.round((ticks * scale) / 1e6) / 1000;
    }
    if (e.id === ID.tracks) {
      for (const entry of elements(b, e.body, e.end)) {
        if (entry.id !== ID.trackEntry || !held(b, entry)) continue;
        const t = track(b, entry);
        if (t.type === 1 && header.videoFormat === null && t.codec) {
          header.videoFormat = t.codec;
          header.width = t.width;
          header.height = t.height;
        } else if (t.type === 2 && header.audioFormat === null && t.codec) {
          header.audioFormat = t.codec;
        }
      }
    }
  }
  return header;
}
