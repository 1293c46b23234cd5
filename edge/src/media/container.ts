import type { VideoExtension } from '../contract';
import { vint } from './ebml';

/**
 * Which video container a file is, read from its first bytes, never from its
 * name or its reported type. Pure (no I/O): the uploader runs it on the
 * picked file's first {@link SNIFF_BYTES} before anything is sent, the edge
 * on the stored object's first bytes (a ranged GET) at confirm.
 *
 * Signatures, each from its format's own specification:
 * - ISO base media (ISO/IEC 14496-12 §4.3): a box `size(4) 'ftyp' major_brand(4)`; the brand
 *   `qt  ` is QuickTime (Apple QTFF), anything else MP4 and its kin. QuickTime files older than
 *   `ftyp` start with another top-level atom: `moov`, `mdat`, `wide`, `free`, `skip`, `pnot`.
 * - Matroska / WebM (RFC 8794 EBML, RFC 9559): the EBML header element `1A 45 DF A3`, whose
 *   DocType child (ID `42 82`) is `matroska` or `webm`.
 * - AVI (Microsoft RIFF): `'RIFF' size(4) 'AVI '`.
 */

export type Container = 'mp4' | 'mov' | 'matroska' | 'webm' | 'avi';

/** Enough for every signature above, with room for an EBML header padded by Void or CRC elements. */
export const SNIFF_BYTES = 4096;

/**
 * The extensions each container may arrive under. MP4 and QuickTime share one box
 * structure and people rename freely between .mov and .mp4 (players decide by the
 * bytes); WebM is a Matroska profile, and a .mkv holding one is common. What is
 * refused is a file whose bytes are another family than its name, or no video at all.
 */
const EXTENSIONS: Record<Container, readonly VideoExtension[]> = {
  mp4: ['mp4', 'mov'],
  mov: ['mov', 'mp4'],
  matroska: ['mkv', 'webm'],
  webm: ['webm', 'mkv'],
  avi: ['avi'],
};

/** QuickTime top-level atoms that may open a file written without `ftyp`. */
const QUICKTIME_FIRST_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3] as const;
const EBML_DOCTYPE_ID = 0x4282;

function ascii(bytes: Uint8Array, start: number, length: number): string {
  if (bytes.length < start + length) return '';
  let s = '';
  for (let i = start; i < start + length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function uint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) >>> 0) + (bytes[at + 1]! << 16) + (bytes[at + 2]! << 8) + bytes[at + 3]!;
}

/** The container the bytes open with, or null when they are not one of the accepted video containers. */
export function sniffContainer(bytes: Uint8Array): Container | null {
  return isoBmff(bytes) ?? matroska(bytes) ?? avi(bytes);
}

/** Whether a file named `.ext` may hold this container (see {@link EXTENSIONS} for why families, not exact matches). */
export function containerFitsExtension(container: Container, ext: VideoExtension): boolean {
  return EXTENSIONS[container].includes(ext);
}

function isoBmff(bytes: Uint8Array): Container | null {
  if (bytes.length < 12) return null;
  const size = uint32(bytes, 0);
  const type = ascii(bytes, 4, 4);
  // 0: the box runs to the end of the file; 1: a 64-bit size follows; otherwise at least its own header.
  const plausible = size === 0 || size === 1 || size >= 8;
  if (!plausible) return null;
  if (type === 'ftyp') {
    if (size !== 0 && size !== 1 && size < 16) return null;
    return ascii(bytes, 8, 4) === 'qt  ' ? 'mov' : 'mp4';
  }
  return QUICKTIME_FIRST_ATOMS.has(type) ? 'mov' : null;
}

function matroska(bytes: Uint8Array): Container | null {
  if (!EBML_MAGIC.every((b, i) => bytes[i] === b)) return null;
  const headerSize = vint(bytes, 4, false);
  if (!headerSize) return null;
  const start = 4 + headerSize.length;
  const end = Math.min(bytes.length, start + headerSize.value);
  for (let at = start; at < end; ) {
    const id = vint(bytes, at, true);
    if (!id) return null;
    const size = vint(bytes, at + id.length, false);
    if (!size) return null;
    const body = at + id.length + size.length;
    if (id.value === EBML_DOCTYPE_ID) {
      const docType = ascii(bytes, body, size.value).replace(/\0+$/, '');
      return docType === 'webm' ? 'webm' : docType === 'matroska' ? 'matroska' : null;
    }
    at = body + size.value;
  }
  return null;
}

function avi(bytes: Uint8Array): Container | null {
  return ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'AVI ' ? 'avi' : null;
}
