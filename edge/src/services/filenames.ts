import { VIDEO_TYPES, type VideoExtension } from '../contract';

const MAX_NAME_LENGTH = 100;

/**
 * Makes a file name safe for an S3 key and a CloudFront URL (ASCII letters,
 * digits, `.`, `_`, `-`) while staying readable: accents are dropped rather
 * than the letter ("Vidéo finale (v2).MP4" → "Video_finale_v2.mp4").
 */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const clean = stem
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, MAX_NAME_LENGTH - ext.length - 1);
  return `${clean || 'video'}.${ext.replace(/[^a-z0-9]/g, '')}`;
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export function isVideoExtension(ext: string): ext is VideoExtension {
  return Object.hasOwn(VIDEO_TYPES, ext);
}
