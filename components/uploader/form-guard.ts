import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Keeps the Moodle form the uploader sits in from losing a running upload.
 *
 * - "Save changes" pressed while an upload runs: the submission is held (stopped
 *   before Moodle's own handlers see it: validation, the change checker, the
 *   double-submit guard) and sent again, by the same button, once the video is
 *   confirmed and its receipt is in the form. The student may take the hold back.
 * - The form's Cancel (`name="cancel"` / `data-cancel`, as moodleform renders it)
 *   pressed while an upload runs: held too, and the student is told what Cancel
 *   will do — the upload is stopped and the video saved before stays — and chooses.
 * - Leaving the page any other way while an upload runs: the browser asks, as
 *   Moodle's form change checker does for unsaved changes (`beforeunload`).
 */

export type FormHold =
  | { kind: 'none' }
  /** A save waits for the upload; `submitter` is the button that asked for it. */
  | { kind: 'save'; submitter: HTMLElement | null }
  /** Cancel was pressed during an upload: waiting for the student to confirm it. */
  | { kind: 'cancel'; submitter: HTMLElement | null };

export interface FormGuardIO {
  form(): HTMLFormElement | null;
  /** An upload is under way (its bytes are going, or it is being checked or confirmed). */
  busy(): boolean;
  /** Stops the upload in progress, as the uploader's own Cancel does; settles once the edge knows. */
  stopUpload(): Promise<void>;
}

function isCancel(submitter: HTMLElement | null): boolean {
  return !!submitter && ((submitter as HTMLInputElement).name === 'cancel' || submitter.dataset.cancel === '1');
}

export class FormGuard implements ReactiveController {
  hold: FormHold = { kind: 'none' };
  /** Set once the student chose to leave: the page's own unload must not ask again. */
  private leaving = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly io: FormGuardIO,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    // Capture on the document: before the form's own handlers (moodleform's inline onsubmit included).
    document.addEventListener('submit', this.onSubmit, true);
    window.addEventListener('beforeunload', this.onBeforeUnload);
  }

  hostDisconnected(): void {
    document.removeEventListener('submit', this.onSubmit, true);
    window.removeEventListener('beforeunload', this.onBeforeUnload);
  }

  /** The upload was confirmed and its receipt is in the form: a held save goes now. */
  uploadConfirmed(): void {
    if (this.hold.kind !== 'save') return;
    const { submitter } = this.hold;
    this.set({ kind: 'none' });
    this.resubmit(submitter);
  }

  /** The upload ended without a video (failed or cancelled): a held save has nothing to wait for. */
  uploadEnded(): void {
    if (this.hold.kind !== 'none') this.set({ kind: 'none' });
  }

  /** "Don't save": the student takes the held save back; the upload goes on. */
  release(): void {
    this.set({ kind: 'none' });
  }

  /**
   * The student confirmed Cancel: the upload stops, its parts are let go on the edge
   * (leaving the page first would cut that request off), and the form's Cancel goes through.
   */
  async confirmCancel(): Promise<void> {
    if (this.hold.kind !== 'cancel') return;
    const { submitter } = this.hold;
    this.set({ kind: 'none' });
    this.leaving = true;
    await this.io.stopUpload();
    this.resubmit(submitter);
  }

  private readonly onSubmit = (event: SubmitEvent): void => {
    const form = this.io.form();
    if (!form || event.target !== form || !this.io.busy()) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const submitter = event.submitter as HTMLElement | null;
    this.set({ kind: isCancel(submitter) ? 'cancel' : 'save', submitter });
  };

  private readonly onBeforeUnload = (event: BeforeUnloadEvent): void => {
    if (this.leaving || !this.io.busy()) return;
    event.preventDefault();
    // Older browsers ask only when returnValue is set.
    event.returnValue = '';
  };

  private resubmit(submitter: HTMLElement | null): void {
    const form = this.io.form();
    if (!form) return;
    const button = submitter && form.contains(submitter) && !(submitter as HTMLButtonElement).disabled ? submitter : null;
    form.requestSubmit(button as HTMLButtonElement | HTMLInputElement | null);
  }

  private set(hold: FormHold): void {
    this.hold = hold;
    this.host.requestUpdate();
  }
}
