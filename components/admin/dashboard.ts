import { html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { STATS_PERIODS, type AdminStatsResponse, type StatsPeriod } from '../../edge/src/contract';
import { formatBytes, formatDate, formatMoney, formatNumber, formatPercent } from '../format';
import { LoadController } from '../load-controller';
import { S3vElement } from '../s3v-element';
import { sharedStyles } from '../shared.styles';
import type { StringKey } from '../strings';
import { adminStyles } from './admin.styles';
import { dashboardStyles } from './dashboard.styles';
import { errorChart } from './error-chart';
import { playabilityDetail } from './media-summary';

/**
 * `<s3v-dashboard>`: how the service is doing over a period — uploads,
 * success rate, storage, cost, what failed and why.
 */
export class S3vDashboard extends S3vElement {
  static override styles = [sharedStyles, adminStyles, dashboardStyles];

  protected readonly kind = 'admin';

  /** Where the video management page is (Moodle's admin/videos.php). */
  @property({ attribute: 'videos-url' }) videosUrl = '';
  @property({ type: Number }) days: StatsPeriod = 30;
  /** The Moodle site, for links to people's profiles; Moodle's own `M.cfg.wwwroot` when not set. */
  @property() wwwroot = '';

  private readonly stats = new LoadController<AdminStatsResponse>(this);
  private loadedFor: string | null = null;

  protected override updated(): void {
    if (!this.edgeUrl || !this.token) return;
    const key = `${this.edgeUrl} ${this.days}`;
    if (key !== this.loadedFor) this.reload();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.loadedFor = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.requestUpdate();
  }

  /** Fetches the figures again for the current period. */
  reload(): void {
    this.loadedFor = `${this.edgeUrl} ${this.days}`;
    const days = this.days;
    void this.stats.load((signal) => this.edge('GET /api/admin/stats', { query: { days }, signal }));
  }

  private onPeriod(e: Event): void {
    this.days = Number((e.target as HTMLSelectElement).value) as StatsPeriod;
  }

  protected override render(): TemplateResult {
    const state = this.stats.state;
    const stats = this.stats.value;
    return html`
      <div class="toolbar">
        <label>
          ${this.t('dashboard_period')}
          <select @change=${this.onPeriod}>
            ${STATS_PERIODS.map(
              (d) => html`<option value=${d} ?selected=${d === this.days}>${this.t('dashboard_period_days', d)}</option>`,
            )}
          </select>
        </label>
        ${this.videosUrl ? html`<a class="manage" href=${this.videosUrl}>${this.t('dashboard_manage')}</a>` : nothing}
      </div>
      <p class="visually-hidden" role="status" aria-live="polite">
        ${state.status === 'loading' ? this.t('dashboard_loading') : ''}
      </p>
      ${state.status === 'failed'
        ? html`<div class="problem" role="alert">
            <p class="error">${this.t('videos_error_load')}</p>
            <button type="button" @click=${() => this.reload()}>${this.t('common_retry')}</button>
          </div>`
        : nothing}
      ${stats ? this.renderStats(stats, state.status === 'loading') : state.status === 'loading' ? this.renderLoading() : nothing}
    `;
  }

  private renderLoading(): TemplateResult {
    return html`<p class="muted"><span class="spinner" aria-hidden="true"></span> ${this.t('dashboard_loading')}</p>`;
  }

  private renderStats(s: AdminStatsResponse, stale: boolean): TemplateResult {
    const cost = s.estimated_monthly_cost;
    return html`
      <div class="body ${stale ? 'stale' : ''}" aria-busy=${stale ? 'true' : 'false'}>
        <ul class="cards">
          ${this.card(
            'dashboard_uploads',
            formatNumber(s.total_uploads),
            this.t('dashboard_uploads_detail', {
              ok: formatNumber(s.successful_uploads),
              failed: formatNumber(s.failed_uploads),
              pending: formatNumber(s.pending_uploads),
            }),
          )}
          ${this.card(
            'dashboard_success_rate',
            s.success_rate === null ? '—' : formatPercent(s.success_rate),
            this.t('dashboard_success_rate_detail', {
              ok: formatNumber(s.successful_uploads),
              ended: formatNumber(s.successful_uploads + s.failed_uploads),
            }),
          )}
          ${this.card('dashboard_storage', formatBytes(s.total_storage_bytes), this.t('dashboard_storage_detail', formatNumber(s.ready_videos)))}
          ${this.card(
            'dashboard_playability',
            `${this.t('videos_playability_all')}: ${formatNumber(s.playability.all)}`,
            playabilityDetail((key, a) => this.t(key, a), s.playability),
          )}
          ${this.card(
            'dashboard_cost',
            formatMoney(cost.total, cost.currency),
            this.t('dashboard_cost_detail', { storage: formatMoney(cost.storage, cost.currency), delivery: formatMoney(cost.delivery, cost.currency) }),
          )}
        </ul>
        <section>
          <h3 id="errors-title">${this.t('dashboard_errors')}</h3>
          <p class="muted">${this.t('dashboard_errors_hint')}</p>
          ${s.error_breakdown.length
            ? errorChart(s.error_breakdown, { code: this.t('dashboard_error_code'), count: this.t('dashboard_errors_count'), caption: this.t('dashboard_errors') })
            : html`<p class="muted">${this.t('dashboard_failures_none')}</p>`}
        </section>
        <section>
          <h3 id="failures-title">${this.t('dashboard_failures')}</h3>
          ${s.recent_failures.length ? this.renderFailures(s.recent_failures) : html`<p class="muted">${this.t('dashboard_failures_none')}</p>`}
        </section>
      </div>
    `;
  }

  private card(title: StringKey, value: string, detail: string): TemplateResult {
    return html`<li class="card">
      <p class="card-title">${this.t(title)}</p>
      <p class="card-value">${value}</p>
      <p class="muted">${detail}</p>
    </li>`;
  }

  /** Moodle's profile page for a user id. */
  private profileUrl(userid: string): string {
    const root = (this.wwwroot || (window as { M?: { cfg?: { wwwroot?: string } } }).M?.cfg?.wwwroot || '').replace(/\/+$/, '');
    return `${root}/user/profile.php?id=${encodeURIComponent(userid)}`;
  }

  private renderFailures(rows: AdminStatsResponse['recent_failures']): TemplateResult {
    return html`
      <div class="scroll" tabindex="0" role="region" aria-labelledby="failures-title">
        <table>
          <thead>
            <tr>
              <th scope="col">${this.t('dashboard_when')}</th>
              <th scope="col">${this.t('dashboard_who')}</th>
              <th scope="col">${this.t('dashboard_error_code')}</th>
              <th scope="col">${this.t('dashboard_message')}</th>
              <th scope="col">${this.t('dashboard_video')}</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (f) => html`<tr>
                <td class="nowrap">${formatDate(f.timestamp, this)}</td>
                <td><a href=${this.profileUrl(f.userid)}>${f.fullname ?? f.userid}</a></td>
                <td><code>${f.error_code ?? '—'}</code></td>
                <td>${f.error_message ?? ''}</td>
                <td>${f.filename ? html`<span class="name">${f.filename}</span>` : nothing}
                  ${f.s3_key ? html`<span class="key">${f.s3_key}</span>` : nothing}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    `;
  }
}
