/**
 * The events the elements send to the page (docs/integration.md). Both
 * bubble and are composed, so a listener on the form or the document hears
 * them from inside any shadow root.
 */

/** Which loader `init(kind)` serves an element, and so which token scope it needs. */
export type ComponentKind = 'uploader' | 'player' | 'admin';

export const UPLOAD_COMPLETE = 's3v-upload-complete';
export const TOKEN_EXPIRED = 's3v-token-expired';
/** The player found the browser cannot (fully) play the video: a Download offer can answer it. */
export const PLAYBACK_INCOMPLETE = 's3v-playback-incomplete';

export interface UploadCompleteDetail {
  /** What Moodle verifies and claims on save; also written to the `receipt-input` field. */
  receipt: string;
  videoid: number;
  s3_key: string;
  filename: string;
  filesize: number;
  duration: number | null;
}

export interface TokenExpiredDetail {
  kind: ComponentKind;
}

export interface PlaybackIncompleteDetail {
  /** What the player noticed (components/player/partial-playback.ts), or `unsupported`: the stored facts say this browser cannot play it. */
  finding: 'no-picture' | 'no-frame' | 'no-metadata' | 'unsupported';
  submissionid: number;
}

export type PlaybackIncompleteEvent = CustomEvent<PlaybackIncompleteDetail>;
export type UploadCompleteEvent = CustomEvent<UploadCompleteDetail>;
export type TokenExpiredEvent = CustomEvent<TokenExpiredDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    [UPLOAD_COMPLETE]: UploadCompleteEvent;
    [TOKEN_EXPIRED]: TokenExpiredEvent;
    [PLAYBACK_INCOMPLETE]: PlaybackIncompleteEvent;
  }
}

export function emit<K extends typeof UPLOAD_COMPLETE | typeof TOKEN_EXPIRED | typeof PLAYBACK_INCOMPLETE>(
  target: EventTarget,
  type: K,
  detail: GlobalEventHandlersEventMap[K]['detail'],
): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
