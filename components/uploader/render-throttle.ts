import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { UploadState } from './upload-state';

/** Progress renders (bar, texts, ARIA values) at most once per this many ms: 4 a second. */
export const PROGRESS_RENDER_MS = 250;

/** What a render shows beyond the upload's numbers: any change here renders at once. */
export interface Shown {
  state: UploadState;
  /** The form guard's hold (form-guard.ts). */
  hold: string;
  metadata: unknown;
}

/**
 * Progress arrives ~20 times a second (every part's XHR progress event);
 * each render restyles the bar and rewrites the texts. A render that would
 * only move the numbers waits until PROGRESS_RENDER_MS after the last one —
 * a human rate, and the progressbar's ARIA values with it. Anything else (a
 * phase, going offline, a held save, a property) renders at once.
 */
export class RenderThrottle implements ReactiveController {
  private shown: (Shown & { at: number }) | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly now: () => Shown,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The element's shouldUpdate: `propertiesChanged`, whether any property changed. */
  shouldUpdate(propertiesChanged: boolean): boolean {
    const shown = this.shown;
    const next = this.now();
    const s = next.state;
    const progressOnly =
      !propertiesChanged &&
      shown !== null &&
      shown.state.phase === 'uploading' &&
      s.phase === 'uploading' &&
      s.file === shown.state.file &&
      s.offline === shown.state.offline &&
      s.resumed === shown.state.resumed &&
      next.hold === shown.hold &&
      next.metadata === shown.metadata;
    const wait = progressOnly ? shown.at + PROGRESS_RENDER_MS - performance.now() : 0;
    if (wait > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.host.requestUpdate();
      }, wait);
      return false;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.shown = { ...next, at: performance.now() };
    return true;
  }
}
