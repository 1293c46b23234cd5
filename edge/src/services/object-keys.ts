import { safeFilename } from './filenames';

/**
 * Where an upload's bytes live. Every grant the edge issues (a POST policy, a multipart
 * upload and its part URLs) names the STAGING key; confirm copies the checked bytes
 * server-side to the FINAL key, which is what is played and is never presigned. So no grant,
 * however old, can change what a teacher watches. Both keys share one suffix,
 * `{userid}/{ms timestamp}_{random}/{safe name}`: unguessable, grouped per user, readable.
 */
const STAGING = 'uploads/';
const FINAL = 'videos/';

export interface UploadKeys {
  staging: string;
  final: string;
}

export function newUploadKeys(userid: string, nowMs: number, filename: string): UploadKeys {
  const random = crypto.randomUUID().replace(/-/g, '').slice(0, 16);
  const suffix = `${userid}/${nowMs}_${random}/${safeFilename(filename)}`;
  return { staging: STAGING + suffix, final: FINAL + suffix };
}

/** The final key of a staging key a browser sent, or null when it is not one. */
export function finalKeyOf(staging: string): string | null {
  return staging.startsWith(STAGING) ? FINAL + staging.slice(STAGING.length) : null;
}

/** The staging key a record's grants named (records keep the final key). */
export function stagingKeyOf(final: string): string {
  return final.startsWith(FINAL) ? STAGING + final.slice(FINAL.length) : STAGING + final;
}

/** The folder of a final key (`videos/{user}/{time}_{random}`): a video's poster and captions live there. */
function folderOf(final: string): string {
  return final.slice(0, final.lastIndexOf('/'));
}

/** The poster beside a video. A video's own name always ends in a video extension, so never collides. */
export function posterKeyOf(final: string): string {
  return `${folderOf(final)}/poster.jpg`;
}

/**
 * A new key for a caption file beside a video: every attach gets its own (keys are never reused,
 * so a CDN cache can never serve a replaced file).
 */
export function newCaptionKey(final: string, language: string): string {
  const random = crypto.randomUUID().replace(/-/g, '').slice(0, 12);
  return `${folderOf(final)}/captions/${language}_${random}.vtt`;
}
