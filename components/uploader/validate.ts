import { canonicalVideoType, MAX_UPLOAD_BYTES, VIDEO_TYPE_NAMES, VIDEO_TYPES, type VideoExtension } from '../../edge/src/contract';
import { containerFitsExtension, sniffContainer, SNIFF_BYTES, type Container } from '../../edge/src/media/container';
import { formatBytes } from '../format';
import type { StringKey, StringParam } from '../strings';

/**
 * The checks made before anything is sent. The edge repeats them (a browser
 * can be bypassed); these exist so a student learns in a second, not after
 * a 5 GB transfer, that the file will be refused.
 */

export interface Problem {
  message: StringKey;
  /** The `{$a}` of the message. */
  a?: StringParam;
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
 * Type first: "only videos" is the more useful news about a huge .zip. The
 * reported type must be one the contract lists for the extension, or none at
 * all (empty, `application/octet-stream`: then the extension names it and the
 * bytes must agree, see {@link checkContent}); either way the type sent is the
 * extension's one canonical type.
 */
export function checkFile(
  file: Pick<File, 'name' | 'size' | 'type'>,
  maxbytes: number,
  allowed: readonly VideoExtension[] = ALL_TYPES,
): FileCheck {
  const ext = extensionOf(file.name);
  const typeProblem: Problem = { message: 'upload_error_type', a: typeNames(allowed) };
  const mimetype = isVideoExtension(ext) && allowed.includes(ext) ? canonicalVideoType(ext, file.type) : null;
  if (mimetype === null) return { ok: false, problem: typeProblem };

  const limit = uploadLimit(maxbytes);
  if (file.size > limit) {
    return { ok: false, problem: { message: 'upload_error_toolarge', a: formatBytes(limit), hint: 'upload_error_toolarge_hint' } };
  }
  if (file.size === 0) return { ok: false, problem: { message: 'upload_error_empty' } };
  return { ok: true, mimetype };
}

/** How people name each container, for the message about a file whose bytes are another than its name. */
const CONTAINER_NAMES: Record<Container, string> = { mp4: 'MP4', mov: 'MOV', matroska: 'MKV', webm: 'WebM', avi: 'AVI' };

/**
 * The file's own first bytes (see edge/src/media/container.ts, which confirm runs
 * again on the stored object): null when they are a video container of the family
 * its name says, else what to tell the student. Reads {@link SNIFF_BYTES}, not the file.
 */
export async function checkContent(file: Blob & { name: string }, allowed: readonly VideoExtension[] = ALL_TYPES): Promise<Problem | null> {
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  const container = sniffContainer(head);
  const ext = extensionOf(file.name);
  if (container === null || !isVideoExtension(ext)) {
    return { message: 'upload_error_notvideo', a: typeNames(allowed), hint: 'upload_error_notvideo_hint' };
  }
  if (!containerFitsExtension(container, ext)) {
    return { message: 'upload_error_mismatch', a: { found: CONTAINER_NAMES[container], ext } };
  }
  return null;
}
