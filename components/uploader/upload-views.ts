import { html, nothing, type TemplateResult } from 'lit';
import { formatBytes, formatClock, formatTimeLeft } from '../format';
import type { StringKey, StringParam } from '../strings';
import type { FormHold } from './form-guard';
import type { UploadState } from './upload-state';
import type { VideoMetadata } from './video-metadata';

/**
 * What `<s3v-uploader>` shows while a file is under way and after it: the
 * file (name, size, length, the still drawn from it), the progress bar, the
 * "Finalizing" spinner, the outcome, the problem with its Retry, what a held
 * Save or Cancel waits for, and what the live region says. Templates only:
 * the element (uploader.ts) owns the state and the actions.
 */

export interface ViewContext {
  t(key: StringKey, a?: StringParam): string;
  /** The chosen file's length and preview, once read. */
  metadata: VideoMetadata | null;
  cancel(): void;
  retry(): void;
  openPicker(): void;
  /** The submission has a video already (a Cancel of the form keeps it). */
  hasCurrent: boolean;
  /** Takes back the form's held Save or Cancel (form-guard.ts). */
  release(): void;
  /** The form's Cancel, confirmed: stop the upload and leave. */
  confirmCancel(): void;
}

type Phase<P extends UploadState['phase']> = Extract<UploadState, { phase: P }>;

export function fileView(v: ViewContext, file: File): TemplateResult {
  const meta = v.metadata;
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

/** Said while the upload waits for the browser to be back online (and goes on by itself then). */
export function offlineNote(v: ViewContext, offline: boolean): TemplateResult | typeof nothing {
  return offline ? html`<p class="offline">${v.t('upload_offline')}</p>` : nothing;
}

/** `focus`: the button that takes the focus when the one that had it went away with the phase. */
export function cancelButton(v: ViewContext, focus = true): TemplateResult {
  return html`<button type="button" class="danger" ?data-focus=${focus} @click=${() => v.cancel()}>${v.t('common_cancel')}</button>`;
}

export function uploadingView(v: ViewContext, s: Phase<'uploading'>): TemplateResult {
  const percent = s.total > 0 ? Math.floor((s.sent / s.total) * 100) : 0;
  const progress = v.t('upload_progress', { percent, sent: formatBytes(s.sent), total: formatBytes(s.total) });
  const left = s.secondsLeft === null ? '' : v.t('upload_timeleft', formatTimeLeft(s.secondsLeft));
  return html`
    ${fileView(v, s.file)}
    <p class="line">${v.t('upload_uploading', s.file.name)}</p>
    ${s.resumed ? html`<p class="muted resumed">${v.t('upload_resuming', s.resumed)}</p>` : nothing}
    ${offlineNote(v, s.offline)}
    <div
      class="bar"
      role="progressbar"
      aria-label=${v.t('upload_progress_label')}
      aria-valuemin="0"
      aria-valuemax="100"
      aria-valuenow=${percent}
      aria-valuetext=${left ? `${progress}. ${left}` : progress}
    >
      <div class="fill" style="transform: scaleX(${s.total > 0 ? (s.sent / s.total).toFixed(4) : 0})"></div>
    </div>
    <p class="muted progress-text">${progress}${left ? html` · <span class="left">${left}</span>` : nothing}</p>
    <div class="actions">${cancelButton(v)}</div>
  `;
}

export function processingView(v: ViewContext, s: Phase<'processing'>): TemplateResult {
  return html`
    ${fileView(v, s.file)}
    <p class="line"><span class="spinner" aria-hidden="true"></span> ${v.t('upload_processing')}</p>
    ${offlineNote(v, s.offline)}
    <div class="actions">${cancelButton(v)}</div>
  `;
}

export function successView(v: ViewContext, s: Phase<'success'>): TemplateResult {
  return html`
    ${fileView(v, s.file)}
    <p class="line success"><span class="mark" aria-hidden="true">✓</span> ${v.t('upload_success')}</p>
    <p class="muted">${v.t('upload_success_hint')}</p>
    <div class="actions">
      <button type="button" data-focus @click=${() => v.openPicker()}>${v.t('upload_replace')}</button>
    </div>
  `;
}

/** `cancellable`: a multipart upload is still open (Cancel ends it). */
export function errorView(v: ViewContext, s: Phase<'error'>, cancellable: boolean): TemplateResult {
  return html`
    ${s.file ? fileView(v, s.file) : nothing}
    <div class="problem" role="alert">
      <p class="error message">${v.t(s.problem.message, s.problem.a)}</p>
      ${s.problem.hint ? html`<p class="hint">${v.t(s.problem.hint, s.problem.hintA)}</p>` : nothing}
    </div>
    <div class="actions">
      ${s.retryable ? html`<button type="button" class="primary" data-focus @click=${() => v.retry()}>${v.t('common_retry')}</button>` : nothing}
      <button type="button" ?data-focus=${!s.retryable} @click=${() => v.openPicker()}>${v.t('upload_choose_other')}</button>
      ${cancellable ? cancelButton(v, false) : nothing}
    </div>
  `;
}

/** What the form's Save or Cancel, pressed during the upload, is waiting for. `saveDropped`: a held save was let go. */
export function holdView(v: ViewContext, hold: FormHold['kind'], saveDropped: boolean): TemplateResult | typeof nothing {
  if (hold === 'save') {
    return html`
      <div class="held">
        <p class="line"><span class="spinner" aria-hidden="true"></span> ${v.t('upload_save_held')}</p>
        <div class="actions"><button type="button" @click=${() => v.release()}>${v.t('upload_save_held_release')}</button></div>
      </div>
    `;
  }
  if (hold === 'cancel') {
    return html`
      <div class="leave" role="group" aria-labelledby="leave-question">
        <p id="leave-question" class="warning">${v.t(leaveQuestion(v))}</p>
        <div class="actions">
          <button type="button" class="danger" @click=${() => v.confirmCancel()}>${v.t('upload_leave_confirm')}</button>
          <button type="button" class="primary" data-keep @click=${() => v.release()}>${v.t('upload_leave_keep')}</button>
        </div>
      </div>
    `;
  }
  return saveDropped ? html`<p class="warning dropped">${v.t('upload_save_dropped')}</p>` : nothing;
}

const leaveQuestion = (v: ViewContext): StringKey => (v.hasCurrent ? 'upload_leave_question' : 'upload_leave_question_none');

/** What the live region says, once per phase: progress itself is on the progressbar, not repeated every second. */
export function announcement(v: ViewContext, s: UploadState, hold: FormHold['kind']): string {
  if (hold === 'save') return v.t('upload_save_held');
  if (hold === 'cancel') return v.t(leaveQuestion(v));
  switch (s.phase) {
    case 'initial':
      return s.cancelled ? v.t('upload_cancelled') : '';
    case 'validating':
      return s.offline ? v.t('upload_offline') : v.t('upload_validating');
    case 'uploading':
      if (s.offline) return v.t('upload_offline');
      return s.resumed ? v.t('upload_resuming', s.resumed) : v.t('upload_uploading', s.file.name);
    case 'processing':
      return s.offline ? v.t('upload_offline') : v.t('upload_processing');
    case 'success':
      return v.t('upload_success');
    case 'error':
      // The alert below speaks for itself.
      return '';
  }
}
