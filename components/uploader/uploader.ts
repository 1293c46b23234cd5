import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { MAX_UPLOAD_BYTES, type VideoExtension, type VideoSummary } from '../../edge/src/contract';
import { emit, UPLOAD_COMPLETE, type UploadCompleteDetail } from '../events';
import { formatBytes, formatDate } from '../format';
import { LoadController } from '../load-controller';
import { S3vElement } from '../s3v-element';
import { sharedStyles } from '../shared.styles';
import { MULTIPART_THRESHOLD, UploadController } from './upload-controller';
import { RenderThrottle } from './render-throttle';
import type { UploadPhase, UploadState } from './upload-state';
import { announcement, cancelButton, errorView, fileView, holdView, offlineNote, processingView, successView, uploadingView, type ViewContext } from './upload-views';
import { FormGuard } from './form-guard';
import { PlayabilityGate } from './playability-gate';
import { playabilityNotice } from './playability-notice';
import { playabilityNoticeStyles } from './playability-notice.styles';
import { uploaderStyles } from './uploader.styles';
import { allowedTypes, pickerAccept, typeNames, uploadLimit } from './validate';

export { PROGRESS_RENDER_MS } from './render-throttle';

/** A video as the page or the edge describes it. */
interface CurrentVideo {
  filename: string;
  filesize: number | null;
  uploaded: string | null;
}

/**
 * A video uploaded and confirmed but not handed in (not claimed): `receipt` when this page holds
 * its receipt, so Save changes hands it in; `lost` when the page was left without saving, so the
 * receipt is gone and only uploading it again can hand it in (cleanup deletes it in time).
 */
interface UnsavedVideo extends CurrentVideo {
  saveable: boolean;
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
  /** The last upload finished here: its receipt is in the form, handed in when the form is saved. */
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
  /** Renders that would only move the progress numbers wait their turn (render-throttle.ts). */
  private readonly throttle = new RenderThrottle(this, () => ({ state: this.upload.state, hold: this.guard.hold.kind, metadata: this.upload.metadata }));

  /** For tests and the host page: the current phase, e.g. to wait for 'success'. */
  get phase(): UploadPhase {
    return this.upload.state.phase;
  }

  /** What the phase templates (upload-views.ts) show and do. */
  private get views(): ViewContext {
    return {
      t: (key, a) => this.t(key, a),
      metadata: this.upload.metadata,
      cancel: () => void this.upload.cancel(),
      retry: () => this.upload.retry(),
      openPicker: () => this.openPicker(),
      hasCurrent: this.current() !== null,
      release: () => this.guard.release(),
      confirmCancel: () => void this.guard.confirmCancel(),
    };
  }

  private types(): VideoExtension[] {
    return allowedTypes(this.accept);
  }

  /** Starts an upload of this file, as a drop or the picker would. */
  choose(file: File): void {
    this.upload.start(file);
  }

  protected override shouldUpdate(changed: PropertyValues<this>): boolean {
    return this.throttle.shouldUpdate(changed.size > 0);
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

  /** The video handed in: the page's saved one, or the edge's claimed one. Never one merely uploaded. */
  private current(): CurrentVideo | null {
    if (this.currentFilename) {
      return { filename: this.currentFilename, filesize: this.currentFilesize, uploaded: this.currentUploaded || null };
    }
    const summary = this.existing.value;
    return summary && summary.status === 'ready' && summary.claimed
      ? { filename: summary.filename, filesize: summary.filesize, uploaded: summary.uploaded_at }
      : null;
  }

  /** An upload confirmed but not handed in: this page's last one, or (without one) the edge's unclaimed one. */
  private unsaved(): UnsavedVideo | null {
    if (this.finished) return { ...this.finished, saveable: true };
    const summary = this.existing.value;
    return !this.currentFilename && summary && summary.status === 'ready' && !summary.claimed
      ? { filename: summary.filename, filesize: summary.filesize, uploaded: summary.uploaded_at, saveable: false }
      : null;
  }

  /** A video the student has (handed in, or uploaded and not saved): its label, name, size and date, and a hint. */
  private videoCard(kind: 'current' | 'unsaved', label: string, video: CurrentVideo, hint?: string): TemplateResult {
    return html`
      <div class=${kind}>
        <p class="label">${label}</p>
        <p class="name">${video.filename}</p>
        <p class="muted">${this.videoDetails(video)}</p>
        ${hint ? html`<p class="hint">${hint}</p>` : nothing}
      </div>
    `;
  }

  private videoDetails(video: CurrentVideo): string {
    return this.t('upload_current_details', {
      size: video.filesize === null ? '' : formatBytes(video.filesize),
      date: video.uploaded ? formatDate(video.uploaded, this) : '',
    });
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
        ${this.renderPhase(s)} ${holdView(this.views, this.guard.hold.kind, this.saveDropped)}
        <input type="file" accept=${pickerAccept(this.types())} hidden @change=${this.onPicked} />
      </section>
      <p class="visually-hidden" role="status" aria-live="polite">${announcement(this.views, s, this.guard.hold.kind)}</p>
    `;
  }

  private renderPhase(s: UploadState): TemplateResult {
    switch (s.phase) {
      case 'initial':
        return this.renderInitial(s.cancelled);
      case 'validating':
        if (this.playability.state.kind === 'asking') {
          const { summary, verdict } = this.playability.state;
          return html`${fileView(this.views, s.file)} ${playabilityNotice((key, a) => this.t(key, a), summary, verdict, {
            proceed: () => this.playability.proceed(),
            choose: () => this.openPicker(),
            cancel: () => void this.upload.cancel(),
          })}`;
        }
        return html`
          <p class="line"><span class="spinner" aria-hidden="true"></span> ${this.t('upload_validating')}</p>
          ${offlineNote(this.views, s.offline)}
          <div class="actions">${cancelButton(this.views)}</div>
        `;
      case 'uploading':
        return uploadingView(this.views, s);
      case 'processing':
        return processingView(this.views, s);
      case 'success':
        return successView(this.views, s);
      case 'error':
        return errorView(this.views, s, this.upload.cancellable);
    }
  }

  private renderInitial(cancelled: boolean): TemplateResult {
    const current = this.current();
    const accepted = this.t('upload_accepted', { types: typeNames(this.types()), limit: formatBytes(uploadLimit(this.maxbytes)) });
    const interrupted = this.upload.interrupted();
    const picker = html`<button type="button" class="primary" data-focus @click=${this.openPicker}>
      ${current ? this.t('upload_replace') : this.t('upload_choose')}
    </button>`;
    const unsaved = this.unsaved();
    return html`
      ${current ? this.videoCard('current', this.t('upload_current'), current) : nothing}
      ${unsaved
        ? this.videoCard('unsaved', this.t('upload_unsaved'), unsaved, this.t(unsaved.saveable ? 'upload_unsaved_hint' : 'upload_unsaved_lost'))
        : nothing}
      <p class="line">${this.t('upload_drop')} ${picker}</p>
      <p class="muted">${accepted}</p>
      ${interrupted ? html`<p class="resume-offer">${this.t('upload_resume_offer', interrupted.name)}</p>` : nothing}
      ${cancelled ? html`<p class="muted">${this.t('upload_cancelled')}</p>` : nothing}
    `;
  }
}
