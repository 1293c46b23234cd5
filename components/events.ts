/**
 * The events the elements send to the page (docs/integration.md). Both
 * bubble and are composed, so a listener on the form or the document hears
 * them from inside any shadow root.
 */

/** Which loader `init(kind)` serves an element, and so which token scope it needs. */
export type ComponentKind = 'uploader' | 'player' | 'admin';

export const UPLOAD_COMPLETE = 's3v-upload-complete';
export const TOKEN_EXPIRED = 's3v-token-expired';

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

export type UploadCompleteEvent = CustomEvent<UploadCompleteDetail>;
export type TokenExpiredEvent = CustomEvent<TokenExpiredDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    [UPLOAD_COMPLETE]: UploadCompleteEvent;
    [TOKEN_EXPIRED]: TokenExpiredEvent;
  }
}

export function emit<K extends typeof UPLOAD_COMPLETE | typeof TOKEN_EXPIRED>(
  target: EventTarget,
  type: K,
  detail: GlobalEventHandlersEventMap[K]['detail'],
): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
