/**
 * Where an MP4/QuickTime file keeps its index: the top-level boxes, walked by
 * their headers alone (ISO/IEC 14496-12 §4.2: `size(4) type(4)`, `size` 1 →
 * a 64-bit `largesize` follows, 0 → to the end of the file). One 16-byte read
 * a box, whatever the boxes hold, so a 5 GB file costs a handful of reads.
 */
import { fourcc, u32be, type ByteReader } from './byte-reader';

/** A file with more top-level boxes than this is not a camera's or an editor's; stop looking. */
const MAX_TOP_LEVEL_BOXES = 1024;

/**
 * True when `moov` comes before the first `mdat` ("faststart": a player can start
 * from the first bytes), false when after (it must fetch the end of the file first),
 * null when the walk cannot tell (a broken box size, no `moov` found).
 */
export async function moovBeforeMdat(reader: ByteReader): Promise<boolean | null> {
  let offset = 0;
  for (let i = 0; i < MAX_TOP_LEVEL_BOXES && offset + 8 <= reader.size; i++) {
    const head = await reader.read(offset, offset + 16);
    if (head.length < 8) return null;
    const type = fourcc(head, 4);
    if (type === 'moov') return true;
    if (type === 'mdat') return false;
    let size = u32be(head, 0);
    if (size === 1) {
      if (head.length < 16) return null;
      size = u32be(head, 8) * 2 ** 32 + u32be(head, 12);
    } else if (size === 0) {
      return null;
    }
    if (size < 8) return null;
    offset += size;
  }
  return null;
}
