import { html, nothing, type TemplateResult } from 'lit';
import { property, query } from 'lit/decorators.js';
import { formatTimeLeft } from '../format';
import { S3vElement } from '../s3v-element';
import { sharedStyles } from '../shared.styles';
import type { StringKey } from '../strings';
import { playableFormats } from './playable-formats';
import type { PlaybackUrlResponse } from '../../edge/src/contract';
import { PlaybackController, type PlayerProblem } from './playback';
import { takePrefetch } from './prefetch';
import { playerStyles } from './player.styles';
import { videojsStyles } from './videojs-styles';

const MESSAGES: Record<PlayerProblem, StringKey> = {
  unavailable: 'player_error_unavailable',
  denied: 'player_error_denied',
  network: 'player_error_network',
  format: 'player_error_format',
  damaged: 'player_error_damaged',
  failed: 'player_error_failed',
  ratelimited: 'player_error_ratelimited',
};

/** Problems that another try might fix; the rest need someone else to act. */
const RETRYABLE: ReadonlySet<PlayerProblem> = new Set(['network', 'failed', 'ratelimited']);

/**
 * `<s3v-player>`: a submission's video for its grader, from a signed CDN URL
 * the edge issues, in Video.js. Video.js and its CSS live inside this
 * element's shadow root: Moodle's theme (and Moodle's own Video.js) neither
 * style it nor get styled by it.
 */
export class S3vPlayer extends S3vElement {
  static override styles = [sharedStyles, videojsStyles, playerStyles];

  protected readonly kind = 'player';

  @property({ type: Number }) submissionid = 0;

  @query('.stage') private stageEl!: HTMLElement;

  private readonly playback = new PlaybackController(this, {
    submissionid: () => this.submissionid,
    label: () => this.t('player_label'),
    stage: () => this.stageEl,
    edge: (req) => this.edge(req),
    prefetched: () => takePrefetch<PlaybackUrlResponse>(this, this.submissionid, this.token),
  });

  /** The Video.js player once mounted (for tests and page scripts). */
  get videojs() {
    return this.playback.videojs;
  }

  get phase() {
    return this.playback.state.phase;
  }

  /** What the current player was started for; a new token alone does not restart it. */
  private startedFor: string | null = null;

  protected override updated(): void {
    if (!this.edgeUrl || !this.token || !this.submissionid) return;
    const key = `${this.edgeUrl} ${this.submissionid}`;
    if (key === this.startedFor) return;
    this.startedFor = key;
    void this.playback.start();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // The controller disposed its player: a reconnected element starts afresh.
    this.startedFor = null;
  }

  protected override render(): TemplateResult {
    const s = this.playback.state;
    return html`
      <div class="frame" ?hidden=${s.phase === 'error'}>
        <div class="stage"></div>
        ${s.phase === 'loading'
          ? html`<p class="loading"><span class="spinner" aria-hidden="true"></span> ${this.t('player_loading')}</p>`
          : nothing}
      </div>
      ${s.phase === 'error' ? this.renderProblem(s.problem, s.retryAfter) : nothing}
      ${s.phase === 'ready' && this.playback.checksum
        ? html`<p class="checksum muted">${this.t('player_checksum')}: <code>${this.playback.checksum}</code></p>`
        : nothing}
      <p class="visually-hidden" role="status" aria-live="polite">
        ${s.phase === 'loading' ? this.t('player_loading') : s.phase === 'ready' && s.buffering ? this.t('player_buffering') : ''}
      </p>
    `;
  }

  private renderProblem(problem: PlayerProblem, retryAfter: number | null): TemplateResult {
    const hint =
      problem === 'format' ? this.t('player_error_format_hint', playableFormats().join(', ') || '—')
      : problem === 'damaged' ? this.t('player_error_damaged_hint')
      : problem === 'ratelimited' ? this.t('common_try_again_in', formatTimeLeft(retryAfter ?? 3600))
      : '';
    return html`
      <div class="problem" role="alert" data-problem=${problem}>
        <p class="message">${this.t(MESSAGES[problem])}</p>
        ${hint ? html`<p class="hint">${hint}</p>` : nothing}
        ${RETRYABLE.has(problem)
          ? html`<button type="button" class="primary" @click=${() => this.playback.start()}>${this.t('common_retry')}</button>`
          : nothing}
      </div>
    `;
  }
}
