import { MAX_UPLOAD_BYTES, VIDEO_TYPE_NAMES, VIDEO_TYPES, type VideoExtension } from '../../edge/src/contract';
import { formatBytes } from '../format';
import type { StringKey } from '../strings';

/**
 * The checks made before anything is sent. The edge repeats them (a browser
 * can be bypassed); these exist so a student learns in a second, not after
 * a 5 GB transfer, that the file will be refused.
 */

export interface Problem {
  message: StringKey;
  /** The `{$a}` of the message. */
  a?: string;
  hint?: StringKey;
}

export type FileCheck = { ok: true; mimetype: string } | { ok: false; problem: Problem };

/** Every container the contract knows, in the order people read them. */
export const ALL_TYPES = Object.keys(VIDEO_TYPES) as VideoExtension[];

/**
 * The containers the site allows, from the `accept` Moodle renders
 * (".mp4,.mov"): those the contract also knows, in the contract's order.
 * Nothing usable in it (or no attribute) means every container.
 */
export function allowedTypes(accept: string): VideoExtension[] {
  const listed = new Set(accept.split(',').map((t) => t.trim().replace(/^\./, '').toLowerCase()));
  const allowed = ALL_TYPES.filter((ext) => listed.has(ext));
  return allowed.length > 0 ? allowed : ALL_TYPES;
}

/** "MP4, MOV", named as the contract names them. */
export function typeNames(types: readonly VideoExtension[]): string {
  return VIDEO_TYPE_NAMES.split(', ')
    .filter((name) => types.includes(name.toLowerCase() as VideoExtension))
    .join(', ');
}

/** What the file picker offers: the extensions and the MIME types browsers report for them. */
export function pickerAccept(types: readonly VideoExtension[]): string {
  return types.flatMap((ext) => [`.${ext}`, ...VIDEO_TYPES[ext]]).join(',');
}

/** The assignment's limit, never above what S3 takes in one POST; 0 or nonsense means "no limit of its own". */
export function uploadLimit(maxbytes: number): number {
  return Number.isFinite(maxbytes) && maxbytes > 0 ? Math.min(maxbytes, MAX_UPLOAD_BYTES) : MAX_UPLOAD_BYTES;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function isVideoExtension(ext: string): ext is VideoExtension {
  return Object.hasOwn(VIDEO_TYPES, ext);
}

/**
 * Type first: "only videos" is the more useful news about a huge .zip. Some
 * systems report no type (or octet-stream) for MKV and AVI; then the
 * extension decides and the type the edge expects for it is sent.
 */
export function checkFile(
  file: Pick<File, 'name' | 'size' | 'type'>,
  maxbytes: number,
  allowed: readonly VideoExtension[] = ALL_TYPES,
): FileCheck {
  const ext = extensionOf(file.name);
  const reported = file.type.toLowerCase();
  const known = isVideoExtension(ext) && allowed.includes(ext) ? (VIDEO_TYPES[ext] as readonly string[]) : null;
  const typeProblem: Problem = { message: 'upload_error_type', a: typeNames(allowed) };
  if (!known) return { ok: false, problem: typeProblem };
  const untyped = reported === '' || reported === 'application/octet-stream';
  if (!untyped && !known.includes(reported)) return { ok: false, problem: typeProblem };

  const limit = uploadLimit(maxbytes);
  if (file.size > limit) {
    return { ok: false, problem: { message: 'upload_error_toolarge', a: formatBytes(limit), hint: 'upload_error_toolarge_hint' } };
  }
  if (file.size === 0) return { ok: false, problem: { message: 'upload_error_empty' } };
  return { ok: true, mimetype: untyped ? known[0]! : reported };
}
