import { html, nothing, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import {
  VIDEO_STATUSES,
  type AdminVideo,
  type AdminVideosResponse,
  type VideoStatus,
} from '../../edge/src/contract';
import { EdgeError } from '../edge-client';
import { formatDate, formatDuration, formatNumber } from '../format';
import { LoadController } from '../load-controller';
import { S3vElement } from '../s3v-element';
import { sharedStyles } from '../shared.styles';
import type { StringKey } from '../strings';
import { adminStyles } from './admin.styles';
import { adminTableStyles } from './admin-table.styles';
import { mediaLine } from './media-summary';

const PER_PAGE = [10, 20, 50, 100] as const;

const STATUS_LABEL: Record<VideoStatus, StringKey> = {
  pending: 'videos_status_pending',
  ready: 'videos_status_ready',
  error: 'videos_status_error',
  deleted: 'videos_status_deleted',
};

export interface CourseOption {
  id: number;
  name: string;
}

interface Filters {
  courseid: string;
  status: VideoStatus | '';
  q: string;
}

/**
 * `<s3v-admin-table>`: every submitted video of the site, filtered and paged
 * by the edge, with deletion behind a confirmation. Names and keys come from
 * students and are only ever rendered as text.
 */
export class S3vAdminTable extends S3vElement {
  static override styles = [sharedStyles, adminStyles, adminTableStyles];

  protected readonly kind = 'admin';

  /** Courses to offer in the filter (Moodle may pass them); courses seen in results are added. */
  @property({ attribute: false }) courses: CourseOption[] = [];
  @property({ type: Number }) perpage: number = 20;

  @state() private filters: Filters = { courseid: '', status: '', q: '' };
  @state() private page = 1;
  /** The video the dialog asks about; kept after closing (a late close event must not clear the next one). */
  @state() private confirming: AdminVideo | null = null;
  @state() private deleting = false;
  @state() private notice: { ok: boolean; text: string } | null = null;

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('.notice') private noticeEl!: HTMLElement | null;

  private readonly list = new LoadController<AdminVideosResponse>(this);
  private readonly seenCourses = new Map<number, string>();
  private loadedFor: string | null = null;

  protected override updated(): void {
    if (!this.edgeUrl || !this.token) return;
    if (this.queryKey() !== this.loadedFor) this.reload();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.loadedFor = null;
  }

  private queryKey(): string {
    return JSON.stringify([this.edgeUrl, this.filters, this.page, this.perpage]);
  }

  /** Fetches the current page again (after a delete, or on demand). */
  reload(): void {
    this.loadedFor = this.queryKey();
    const { courseid, status, q } = this.filters;
    // The form's "any" is an empty value: left out of the query.
    const query = { courseid: courseid ? Number(courseid) : undefined, status: status || undefined, q, page: this.page, perpage: this.perpage };
    void this.list.load(async (signal) => {
      const res = await this.edge('GET /api/admin/videos', { query, signal });
      for (const v of res.videos) if (v.coursename) this.seenCourses.set(v.courseid, v.coursename);
      return res;
    });
  }

  private setFilter(patch: Partial<Filters>): void {
    this.filters = { ...this.filters, ...patch };
    this.page = 1;
  }

  private onSearch(e: SubmitEvent): void {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    this.setFilter({ q: String(data.get('q') ?? '').trim() });
  }

  private askDelete(video: AdminVideo): void {
    this.confirming = video;
    this.notice = null;
    void this.updateComplete.then(() => this.dialog.showModal());
  }

  private async confirmDelete(): Promise<void> {
    const video = this.confirming;
    if (!video) return;
    this.deleting = true;
    try {
      await this.edge('DELETE /api/admin/videos/:id', { params: { id: video.id } });
      this.notice = { ok: true, text: this.t('videos_delete_done') };
    } catch (err) {
      // Already deleted (by someone else, or cleanup) is the outcome the admin wanted.
      if (err instanceof EdgeError && err.code === 'VIDEO_DELETED') this.notice = { ok: true, text: this.t('videos_delete_done') };
      else this.notice = { ok: false, text: this.t('videos_delete_failed', err instanceof Error ? err.message : String(err)) };
    }
    this.deleting = false;
    this.dialog.close();
    this.reload();
    await this.updateComplete;
    this.noticeEl?.focus();
  }

  private courseOptions(): CourseOption[] {
    const all = new Map(this.seenCourses);
    for (const c of this.courses) all.set(c.id, c.name);
    return [...all].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  }

  protected override render(): TemplateResult {
    const state = this.list.state;
    const data = this.list.value;
    return html`
      ${this.renderFilters()}
      <p class="visually-hidden" role="status" aria-live="polite">
        ${state.status === 'loading' ? this.t('videos_loading') : data ? this.t('videos_total', formatNumber(data.total)) : ''}
      </p>
      ${this.notice
        ? html`<p class="notice ${this.notice.ok ? 'ok' : 'error'}" tabindex="-1" role=${this.notice.ok ? 'status' : 'alert'}>${this.notice.text}</p>`
        : nothing}
      ${state.status === 'failed'
        ? html`<div class="problem" role="alert">
            <p class="error">${this.t('videos_error_load')}</p>
            <button type="button" @click=${() => this.reload()}>${this.t('common_retry')}</button>
          </div>`
        : nothing}
      ${data ? this.renderTable(data, state.status === 'loading') : state.status === 'loading'
        ? html`<p class="muted"><span class="spinner" aria-hidden="true"></span> ${this.t('videos_loading')}</p>`
        : nothing}
      ${this.renderDialog()}
    `;
  }

  private renderFilters(): TemplateResult {
    return html`
      <form class="toolbar" role="search" aria-label=${this.t('videos_filters')} @submit=${this.onSearch}>
        <label>
          ${this.t('videos_course')}
          <select name="courseid" @change=${(e: Event) => this.setFilter({ courseid: (e.target as HTMLSelectElement).value })}>
            <option value="">${this.t('videos_all')}</option>
            ${this.courseOptions().map((c) => html`<option value=${c.id} ?selected=${String(c.id) === this.filters.courseid}>${c.name}</option>`)}
          </select>
        </label>
        <label>
          ${this.t('videos_status')}
          <select name="status" @change=${(e: Event) => this.setFilter({ status: (e.target as HTMLSelectElement).value as VideoStatus | '' })}>
            <option value="">${this.t('videos_all')}</option>
            ${VIDEO_STATUSES.map((s) => html`<option value=${s} ?selected=${s === this.filters.status}>${this.t(STATUS_LABEL[s])}</option>`)}
          </select>
        </label>
        <label>
          ${this.t('videos_search')}
          <input type="search" name="q" maxlength="200" .value=${this.filters.q} placeholder=${this.t('videos_search_hint')} />
        </label>
        <button type="submit">${this.t('videos_apply')}</button>
        <label>
          ${this.t('videos_perpage')}
          <select name="perpage" @change=${(e: Event) => { this.perpage = Number((e.target as HTMLSelectElement).value); this.page = 1; }}>
            ${PER_PAGE.map((n) => html`<option value=${n} ?selected=${n === this.perpage}>${n}</option>`)}
          </select>
        </label>
      </form>
    `;
  }

  private renderTable(data: AdminVideosResponse, stale: boolean): TemplateResult {
    const pages = Math.max(1, Math.ceil(data.total / data.perpage));
    return html`
      <p class="muted total">${this.t('videos_total', formatNumber(data.total))}</p>
      <div class="scroll ${stale ? 'stale' : ''}" tabindex="0" role="region" aria-labelledby="caption" aria-busy=${stale ? 'true' : 'false'}>
        <table>
          <caption id="caption">${this.t('videos_title')}</caption>
          <thead>
            <tr>
              <th scope="col">${this.t('videos_course')}</th>
              <th scope="col">${this.t('videos_assignment')}</th>
              <th scope="col">${this.t('videos_student')}</th>
              <th scope="col">${this.t('videos_key')}</th>
              <th scope="col">${this.t('videos_duration')}</th>
              <th scope="col">${this.t('videos_status')}</th>
              <th scope="col">${this.t('videos_date')}</th>
              <th scope="col"><span class="visually-hidden">${this.t('videos_delete')}</span></th>
            </tr>
          </thead>
          <tbody>
            ${data.videos.length === 0
              ? html`<tr><td colspan="8" class="muted">${this.t('videos_empty')}</td></tr>`
              : data.videos.map((v) => this.renderRow(v))}
          </tbody>
        </table>
      </div>
      <nav class="pages" aria-label=${this.t('videos_pagination')}>
        <button type="button" ?disabled=${this.page <= 1} @click=${() => (this.page -= 1)}>${this.t('videos_previous')}</button>
        <span>${this.t('videos_page', { page: data.page, pages })}</span>
        <button type="button" ?disabled=${this.page >= pages} @click=${() => (this.page += 1)}>${this.t('videos_next')}</button>
      </nav>
    `;
  }

  /** The video's true state: a replaced one is not "Ready", a deleted one says since when. */
  private renderStatus(v: AdminVideo): TemplateResult {
    if (v.status === 'deleted' && v.deleted_at) {
      return html`<span class="status status-deleted">${this.t('videos_status_deleted')}</span>
        <span class="muted when">${this.t('videos_status_deleted_on', formatDate(v.deleted_at, this))}</span>`;
    }
    if (v.status !== 'deleted' && v.replaced_at) {
      return html`<span class="status status-replaced">${this.t('videos_status_replaced')}</span>
        <span class="muted when">${this.t('videos_status_replaced_on', formatDate(v.replaced_at, this))}</span>`;
    }
    return html`<span class="status status-${v.status}">${this.t(STATUS_LABEL[v.status])}</span>`;
  }

  private renderRow(v: AdminVideo): TemplateResult {
    return html`<tr data-videoid=${v.id}>
      <td>${v.coursename ?? v.courseid}</td>
      <td>${v.assignmentname ?? v.assignmentid}</td>
      <td>${v.fullname ?? v.userid}</td>
      <td class="key">
        <div class="file">
          ${v.poster_url
            ? html`<img class="poster" src=${v.poster_url} alt=${v.filename} loading="lazy" decoding="async" width="64" height="36" />`
            : nothing}
          <div>
            ${v.s3_key}
            ${v.md5 ? html`<br /><span class="checksum muted">${this.t('videos_checksum')}: <code>${v.md5}</code></span>` : nothing}
            ${mediaLine((key, a) => this.t(key, a), v.media)}
          </div>
        </div>
      </td>
      <td class="nowrap duration">${v.duration === null ? '' : formatDuration(v.duration)}</td>
      <td>${this.renderStatus(v)}</td>
      <td class="nowrap">${formatDate(v.uploaded_at, this)}</td>
      <td>
        ${v.status === 'deleted' || v.replaced_at
          ? nothing
          : html`<button type="button" class="danger" @click=${() => this.askDelete(v)}>
              ${this.t('videos_delete')}<span class="visually-hidden"> ${v.filename}</span>
            </button>`}
      </td>
    </tr>`;
  }

  private renderDialog(): TemplateResult {
    const v = this.confirming;
    return html`
      <dialog aria-labelledby="dialog-title">
        <h3 id="dialog-title">${this.t('videos_delete_title')}</h3>
        <p>${v ? this.t('videos_delete_confirm', { filename: v.filename, fullname: v.fullname ?? v.userid }) : ''}</p>
        <p class="key">${v?.s3_key ?? ''}</p>
        <div class="actions">
          <button type="button" autofocus ?disabled=${this.deleting} @click=${() => this.dialog.close()}>${this.t('common_cancel')}</button>
          <button type="button" class="danger primary" ?disabled=${this.deleting} @click=${() => this.confirmDelete()}>${this.t('videos_delete')}</button>
        </div>
      </dialog>
    `;
  }
}
