import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { MAX_UPLOAD_BYTES, type VideoExtension, type VideoSummary } from '../../edge/src/contract';
import { emit, UPLOAD_COMPLETE, type UploadCompleteDetail } from '../events';
import { formatBytes, formatClock, formatDate, formatTimeLeft } from '../format';
import { LoadController } from '../load-controller';
import { S3vElement } from '../s3v-element';
import { sharedStyles } from '../shared.styles';
import { MULTIPART_THRESHOLD, UploadController } from './upload-controller';
import type { UploadPhase, UploadState } from './upload-state';
import { FormGuard } from './form-guard';
import { PlayabilityGate } from './playability-gate';
import { playabilityNotice } from './playability-notice';
import { playabilityNoticeStyles } from './playability-notice.styles';
import { uploaderStyles } from './uploader.styles';
import { allowedTypes, pickerAccept, typeNames, uploadLimit } from './validate';

/** Progress renders (bar, texts, ARIA values) at most once per this many ms: 4 a second. */
export const PROGRESS_RENDER_MS = 250;

/** The video the submission has now, as the page or the edge describes it. */
interface CurrentVideo {
  filename: string;
  filesize: number | null;
  uploaded: string | null;
}

/**
 * `<s3v-uploader>`: the student's video for one submission. Checks the file,
 * sends it straight to S3, and hands the edge's receipt to the Moodle form
 * (the `receipt-input` field) and to listeners (`s3v-upload-complete`).
 */
export class S3vUploader extends S3vElement {
  static override styles = [sharedStyles, uploaderStyles, playabilityNoticeStyles];

  protected readonly kind = 'uploader';

  @property({ type: Number }) assignmentid = 0;
  @property({ type: Number }) submissionid = 0;
  /** The assignment's limit in bytes; never more than S3's 5 GB. */
  @property({ type: Number }) maxbytes = MAX_UPLOAD_BYTES;
  /** Name of the hidden form field (light DOM) that receives the receipt. */
  @property({ attribute: 'receipt-input' }) receiptInput = '';
  @property({ attribute: 'current-filename' }) currentFilename = '';
  @property({ attribute: 'current-filesize', type: Number }) currentFilesize: number | null = null;
  /** ISO 8601. */
  @property({ attribute: 'current-uploaded' }) currentUploaded = '';
  /** The site's allowed containers as Moodle renders them (".mp4,.mov"); empty allows every one the edge takes. */
  @property() accept = '';
  /** The assignment refuses videos that play in no browser (Moodle renders the attribute when so). */
  @property({ attribute: 'refuse-unplayable', type: Boolean }) refuseUnplayable = false;
  /** Files of at least this many bytes go multipart; tests move it to try either path with any file. */
  @property({ attribute: 'multipart-threshold', type: Number }) multipartThreshold = MULTIPART_THRESHOLD;

  @state() private dragging = false;
  /** The last upload finished here: it becomes "current" for the rest of this page's life. */
  @state() private finished: CurrentVideo | null = null;

  @query('input[type=file]') private picker!: HTMLInputElement;

  private readonly playability = new PlayabilityGate(this, () => this.refuseUnplayable);

  private readonly upload = new UploadController(this, {
    edgeUrl: () => this.edgeUrl,
    assignmentid: () => this.assignmentid,
    submissionid: () => this.submissionid,
    maxbytes: () => this.maxbytes,
    allowedTypes: () => this.types(),
    multipartThreshold: () => (this.multipartThreshold > 0 ? this.multipartThreshold : MULTIPART_THRESHOLD),
    edge: (endpoint, req) => this.edge(endpoint, req),
    completed: (result) => this.completed(result),
    playability: (file, signal) => this.playability.check(file, signal),
  });

  /** Holds the form's Save or Cancel while an upload runs (see form-guard.ts). */
  private readonly guard = new FormGuard(this, {
    form: () => this.closest('form'),
    busy: () => this.upload.busy,
    stopUpload: () => this.upload.cancel(),
  });
  /** A held save was let go because the upload ended without a video: said until the next file. */
  @state() private saveDropped = false;

  private readonly existing = new LoadController<VideoSummary | null>(this);
  private hadFocus = false;
  /** What the last render showed, for {@link shouldUpdate}'s progress throttle. */
  private shown: { state: UploadState; hold: string; metadata: unknown; at: number } | null = null;
  private progressTimer: ReturnType<typeof setTimeout> | undefined;

  /** For tests and the host page: the current phase, e.g. to wait for 'success'. */
  get phase(): UploadPhase {
    return this.upload.state.phase;
  }

  private types(): VideoExtension[] {
    return allowedTypes(this.accept);
  }

  /** Starts an upload of this file, as a drop or the picker would. */
  choose(file: File): void {
    this.upload.start(file);
  }

  /**
   * Progress arrives ~20 times a second (every part's XHR progress event);
   * each render restyles the bar and rewrites the texts. A render that would
   * only move the numbers waits until PROGRESS_RENDER_MS after the last one —
   * a human rate, and the progressbar's ARIA values with it. Anything else (a
   * phase, going offline, a held save, a property) renders at once.
   */
  protected override shouldUpdate(changed: PropertyValues<this>): boolean {
    const shown = this.shown;
    const s = this.upload.state;
    const progressOnly =
      changed.size === 0 &&
      shown !== null &&
      shown.state.phase === 'uploading' &&
      s.phase === 'uploading' &&
      s.file === shown.state.file &&
      s.offline === shown.state.offline &&
      s.resumed === shown.state.resumed &&
      this.guard.hold.kind === shown.hold &&
      this.upload.metadata === shown.metadata;
    const wait = progressOnly ? shown.at + PROGRESS_RENDER_MS - performance.now() : 0;
    if (wait > 0) {
      this.progressTimer ??= setTimeout(() => {
        this.progressTimer = undefined;
        this.requestUpdate();
      }, wait);
      return false;
    }
    clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    this.shown = { state: s, hold: this.guard.hold.kind, metadata: this.upload.metadata, at: performance.now() };
    return true;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
  }

  protected override willUpdate(): void {
    this.hadFocus = this.shadowRoot?.activeElement != null;
    const phase = this.upload.state.phase;
    if (this.guard.hold.kind !== 'none' && !this.upload.busy && phase !== 'success') {
      this.saveDropped = this.guard.hold.kind === 'save' && phase === 'error';
      this.guard.uploadEnded();
    }
    if (phase === 'validating') this.saveDropped = false;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Cancel was pressed in the form: the question takes the focus, on its safe answer.
    if (this.guard.hold.kind === 'cancel' && !this.shadowRoot!.activeElement?.closest('.leave')) {
      this.shadowRoot!.querySelector<HTMLElement>('.leave [data-keep]')?.focus();
    } else if (this.hadFocus && !this.shadowRoot!.activeElement) {
      // The button that had focus (Cancel, Retry…) may have gone with the phase: keep keyboard users in place.
      this.shadowRoot!.querySelector<HTMLElement>('[data-focus]')?.focus();
    }
    // Without the page's word on the current video, ask the edge, once, as soon as we can.
    const ready = this.edgeUrl && this.token && this.submissionid && !this.currentFilename;
    if (ready && this.existing.state.status === 'idle' && (changed.has('edgeUrl') || changed.has('token') || changed.has('submissionid'))) {
      void this.loadExisting();
    }
  }

  private loadExisting(): Promise<void> {
    return this.existing.load(async (signal) =>
      (await this.edge('GET /api/video', { query: { submissionid: this.submissionid }, signal })).video);
  }

  private current(): CurrentVideo | null {
    if (this.finished) return this.finished;
    if (this.currentFilename) {
      return { filename: this.currentFilename, filesize: this.currentFilesize, uploaded: this.currentUploaded || null };
    }
    const summary = this.existing.value;
    return summary && summary.status === 'ready'
      ? { filename: summary.filename, filesize: summary.filesize, uploaded: summary.uploaded_at }
      : null;
  }

  private completed(result: UploadCompleteDetail): void {
    this.finished = { filename: result.filename, filesize: result.filesize, uploaded: new Date().toISOString() };
    const field = this.receiptField();
    if (field) {
      field.value = result.receipt;
      // Moodle's form change checker listens for this, so leaving unsaved warns the student.
      field.dispatchEvent(new Event('change', { bubbles: true }));
    }
    emit(this, UPLOAD_COMPLETE, result);
    // A "Save changes" pressed during the upload goes now, with the receipt in the form.
    this.guard.uploadConfirmed();
  }

  /** The hidden input lives in the page (light DOM), in this element's form when there is one. */
  private receiptField(): HTMLInputElement | null {
    if (!this.receiptInput) return null;
    const selector = `input[name="${CSS.escape(this.receiptInput)}"]`;
    const form = this.closest('form');
    return form?.querySelector<HTMLInputElement>(selector)
      ?? (this.getRootNode() as Document | ShadowRoot).querySelector<HTMLInputElement>(selector);
  }

  private openPicker(): void {
    this.picker.click();
  }

  private onPicked(e: Event): void {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    // Cleared so that choosing the same file again (after an error) is still a change.
    input.value = '';
    if (file) this.upload.start(file);
  }

  private onDragOver(e: DragEvent): void {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = this.upload.busy ? 'none' : 'copy';
    this.dragging = !this.upload.busy;
  }

  private onDragLeave(e: DragEvent): void {
    if (!this.contains(e.relatedTarget as Node | null) && !this.shadowRoot!.contains(e.relatedTarget as Node | null)) {
      this.dragging = false;
    }
  }

  private onDrop(e: DragEvent): void {
    // Always: otherwise the browser navigates away to the dropped file.
    e.preventDefault();
    this.dragging = false;
    const file = e.dataTransfer?.files[0];
    if (file && !this.upload.busy) this.upload.start(file);
  }

  protected override render(): TemplateResult {
    const s = this.upload.state;
    return html`
      <section
        class="zone ${this.dragging ? 'dragging' : ''}"
        aria-label=${this.t('upload_label')}
        aria-busy=${this.upload.busy ? 'true' : 'false'}
        data-phase=${s.phase}
        @dragenter=${this.onDragOver}
        @dragover=${this.onDragOver}
        @dragleave=${this.onDragLeave}
        @drop=${this.onDrop}
      >
        ${this.renderPhase(s)} ${this.renderHold()}
        <input type="file" accept=${pickerAccept(this.types())} hidden @change=${this.onPicked} />
      </section>
      <p class="visually-hidden" role="status" aria-live="polite">${this.announcement(s)}</p>
    `;
  }

  /** What the form's Save or Cancel, pressed during the upload, is waiting for. */
  private renderHold(): TemplateResult | typeof nothing {
    const hold = this.guard.hold;
    if (hold.kind === 'save') {
      return html`
        <div class="held">
          <p class="line"><span class="spinner" aria-hidden="true"></span> ${this.t('upload_save_held')}</p>
          <div class="actions"><button type="button" @click=${() => this.guard.release()}>${this.t('upload_save_held_release')}</button></div>
        </div>
      `;
    }
    if (hold.kind === 'cancel') {
      const question = this.current() ? 'upload_leave_question' : 'upload_leave_question_none';
      return html`
        <div class="leave" role="group" aria-labelledby="leave-question">
          <p id="leave-question" class="warning">${this.t(question)}</p>
          <div class="actions">
            <button type="button" class="danger" @click=${() => void this.guard.confirmCancel()}>${this.t('upload_leave_confirm')}</button>
            <button type="button" class="primary" data-keep @click=${() => this.guard.release()}>${this.t('upload_leave_keep')}</button>
          </div>
        </div>
      `;
    }
    return this.saveDropped ? html`<p class="warning dropped">${this.t('upload_save_dropped')}</p>` : nothing;
  }

  /** Said once per phase: progress itself is on the progressbar, not repeated every second. */
  private announcement(s: UploadState): string {
    if (this.guard.hold.kind === 'save') return this.t('upload_save_held');
    if (this.guard.hold.kind === 'cancel') return this.t(this.current() ? 'upload_leave_question' : 'upload_leave_question_none');
    switch (s.phase) {
      case 'initial':
        return s.cancelled ? this.t('upload_cancelled') : '';
      case 'validating':
        return this.t('upload_validating');
      case 'uploading':
        if (s.offline) return this.t('upload_offline');
        return s.resumed ? this.t('upload_resuming', s.resumed) : this.t('upload_uploading', s.file.name);
      case 'processing':
        return s.offline ? this.t('upload_offline') : this.t('upload_processing');
      case 'success':
        return this.t('upload_success');
      case 'error':
        // The alert below speaks for itself.
        return '';
    }
  }

  private renderPhase(s: UploadState): TemplateResult {
    switch (s.phase) {
      case 'initial':
        return this.renderInitial(s.cancelled);
      case 'validating':
        if (this.playability.state.kind === 'asking') {
          const { summary, verdict } = this.playability.state;
          return html`${this.renderFile(s.file)} ${playabilityNotice((key, a) => this.t(key, a), summary, verdict, {
            proceed: () => this.playability.proceed(),
            choose: () => this.openPicker(),
            cancel: () => void this.upload.cancel(),
          })}`;
        }
        return html`
          <p class="line"><span class="spinner" aria-hidden="true"></span> ${this.t('upload_validating')}</p>
          <div class="actions">${this.cancelButton()}</div>
        `;
      case 'uploading':
        return this.renderUploading(s);
      case 'processing':
        return html`
          ${this.renderFile(s.file)}
          <p class="line"><span class="spinner" aria-hidden="true"></span> ${this.t('upload_processing')}</p>
          ${s.offline ? html`<p class="offline">${this.t('upload_offline')}</p>` : nothing}
          <div class="actions">${this.cancelButton()}</div>
        `;
      case 'success':
        return html`
          ${this.renderFile(s.file)}
          <p class="line success"><span class="mark" aria-hidden="true">✓</span> ${this.t('upload_success')}</p>
          <p class="muted">${this.t('upload_success_hint')}</p>
          <div class="actions">
            <button type="button" data-focus @click=${this.openPicker}>${this.t('upload_replace')}</button>
          </div>
        `;
      case 'error':
        return html`
          ${s.file ? this.renderFile(s.file) : nothing}
          <div class="problem" role="alert">
            <p class="error message">${this.t(s.problem.message, s.problem.a)}</p>
            ${s.problem.hint ? html`<p class="hint">${this.t(s.problem.hint, s.problem.hintA)}</p>` : nothing}
          </div>
          <div class="actions">
            ${s.retryable
              ? html`<button type="button" class="primary" data-focus @click=${() => this.upload.retry()}>${this.t('common_retry')}</button>`
              : nothing}
            <button type="button" ?data-focus=${!s.retryable} @click=${this.openPicker}>${this.t('upload_choose_other')}</button>
            ${this.upload.cancellable ? this.cancelButton(false) : nothing}
          </div>
        `;
    }
  }

  private renderInitial(cancelled: boolean): TemplateResult {
    const current = this.current();
    const accepted = this.t('upload_accepted', { types: typeNames(this.types()), limit: formatBytes(uploadLimit(this.maxbytes)) });
    const interrupted = this.upload.interrupted();
    const picker = html`<button type="button" class="primary" data-focus @click=${this.openPicker}>
      ${current ? this.t('upload_replace') : this.t('upload_choose')}
    </button>`;
    return html`
      ${current
        ? html`
            <div class="current">
              <p class="label">${this.t('upload_current')}</p>
              <p class="name">${current.filename}</p>
              <p class="muted">
                ${this.t('upload_current_details', {
                  size: current.filesize === null ? '' : formatBytes(current.filesize),
                  date: current.uploaded ? formatDate(current.uploaded, this) : '',
                })}
              </p>
            </div>
            <p class="line">${this.t('upload_drop')} ${picker}</p>
          `
        : html`<p class="line">${this.t('upload_drop')} ${picker}</p>`}
      <p class="muted">${accepted}</p>
      ${interrupted ? html`<p class="resume-offer">${this.t('upload_resume_offer', interrupted.name)}</p>` : nothing}
      ${cancelled ? html`<p class="muted">${this.t('upload_cancelled')}</p>` : nothing}
    `;
  }

  private renderUploading(s: UploadState & { phase: 'uploading' }): TemplateResult {
    const percent = s.total > 0 ? Math.floor((s.sent / s.total) * 100) : 0;
    const progress = this.t('upload_progress', { percent, sent: formatBytes(s.sent), total: formatBytes(s.total) });
    const left = s.secondsLeft === null ? '' : this.t('upload_timeleft', formatTimeLeft(s.secondsLeft));
    return html`
      ${this.renderFile(s.file)}
      <p class="line">${this.t('upload_uploading', s.file.name)}</p>
      ${s.resumed ? html`<p class="muted resumed">${this.t('upload_resuming', s.resumed)}</p>` : nothing}
      ${s.offline ? html`<p class="offline">${this.t('upload_offline')}</p>` : nothing}
      <div
        class="bar"
        role="progressbar"
        aria-label=${this.t('upload_progress_label')}
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${percent}
        aria-valuetext=${left ? `${progress}. ${left}` : progress}
      >
        <div class="fill" style="transform: scaleX(${s.total > 0 ? (s.sent / s.total).toFixed(4) : 0})"></div>
      </div>
      <p class="muted progress-text">${progress}${left ? html` · <span class="left">${left}</span>` : nothing}</p>
      <div class="actions">${this.cancelButton()}</div>
    `;
  }

  private renderFile(file: File): TemplateResult {
    const meta = this.upload.metadata;
    const details = [formatBytes(file.size), meta?.duration ? formatClock(meta.duration) : ''].filter(Boolean).join(' · ');
    return html`
      <div class="file">
        ${meta?.poster ? html`<img class="poster" src=${meta.poster} alt="" />` : nothing}
        <div>
          <p class="name">${file.name}</p>
          <p class="muted">${details}</p>
        </div>
      </div>
    `;
  }

  /** `focus`: the button that takes the focus when the one that had it went away with the phase. */
  private cancelButton(focus = true): TemplateResult {
    return html`<button type="button" class="danger" ?data-focus=${focus} @click=${() => this.upload.cancel()}>${this.t('common_cancel')}</button>`;
  }
}
