import { html, nothing, type TemplateResult } from 'lit';
import { property, query } from 'lit/decorators.js';
import { sendClientEvent } from '../client-events';
import { emit, PLAYBACK_INCOMPLETE } from '../events';
import { formatTimeLeft } from '../format';
import { S3vElement } from '../s3v-element';
import { sharedStyles } from '../shared.styles';
import type { StringKey } from '../strings';
import { CAPTION_LANGUAGES, ExtrasController, languageName } from './extras';
import { playableFormats } from './playable-formats';
import { browserLikelyCannotPlay, indexAtEndMatters } from './media-notes';
import { PartialPlaybackController, type PartialFinding } from './partial-playback';
import { playabilityNote } from './playability-note';
import { playabilityNoteStyles } from './playability-note.styles';
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

/** Problems where the file is there but this browser cannot show it: downloading it is the way out. */
const DOWNLOADABLE: ReadonlySet<PlayerProblem> = new Set(['format', 'damaged', 'failed']);

/** Asked of the player (by a page script or a message inside it): save the video as a file. */
export const DOWNLOAD_REQUEST = 's3v-download';

/** Problems that another try might fix; the rest need someone else to act. */
const RETRYABLE: ReadonlySet<PlayerProblem> = new Set(['network', 'failed', 'ratelimited']);

/**
 * `<s3v-player>`: a submission's video for its grader, from a signed CDN URL
 * the edge issues, in Video.js. Video.js and its CSS live inside this
 * element's shadow root: Moodle's theme (and Moodle's own Video.js) neither
 * style it nor get styled by it.
 */
export class S3vPlayer extends S3vElement {
  static override styles = [sharedStyles, videojsStyles, playerStyles, playabilityNoteStyles];

  protected readonly kind = 'player';

  @property({ type: Number }) submissionid = 0;

  @query('.stage') private stageEl!: HTMLElement;

  private readonly playback = new PlaybackController(this, {
    submissionid: () => this.submissionid,
    label: () => this.t('player_label'),
    stage: () => this.stageEl,
    edge: (endpoint, req) => this.edge(endpoint, req),
    prefetched: () => takePrefetch(this, 'GET /api/playback-url', this.submissionid, this.token),
  });

  private readonly extras = new ExtrasController(this, {
    submissionid: () => this.submissionid,
    edge: (endpoint, req) => this.edge(endpoint, req),
    player: () => this.playback.videojs,
    prefetched: () => takePrefetch(this, 'GET /api/video-extras', this.submissionid, this.token),
  });

  /**
   * Saves the video under its uploaded name (a short-lived CDN URL answered as an attachment).
   * Dispatching `s3v-download` on the element, or from inside it, does the same.
   */
  download() {
    return this.extras.save();
  }

  /** Watches the <video> for audio without picture, no frame, no metadata (partial-playback.ts). */
  private readonly partial = new PartialPlaybackController(this, {
    stage: () => this.stageEl ?? null,
    found: (finding, context) => this.incomplete(finding, context),
  });
  /** The source the "likely cannot play" note was already announced for. */
  private announcedFor: string | null = null;

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
    this.announceUnsupported();
    if (!this.edgeUrl || !this.token || !this.submissionid) return;
    const key = `${this.edgeUrl} ${this.submissionid}`;
    if (key === this.startedFor) return;
    this.startedFor = key;
    void this.playback.start();
    void this.extras.load();
  }

  protected override willUpdate(): void {
    // The poster and tracks go to Video.js as soon as both it and they exist.
    this.extras.apply();
  }

  /** Tells the page (a Download offer may answer) and the admins (a playback_failure event). */
  private incomplete(finding: PartialFinding | 'unsupported', context: Record<string, unknown>): void {
    emit(this, PLAYBACK_INCOMPLETE, { finding, submissionid: this.submissionid });
    const media = this.playback.media?.facts ?? null;
    sendClientEvent((endpoint, req) => this.edge(endpoint, req), {
      event_type: 'playback_failure',
      submissionid: this.submissionid,
      error_code: `PARTIAL_${finding.toUpperCase().replace('-', '_')}`,
      error_message: `The browser ${finding === 'unsupported' ? 'says it cannot play' : `played only part of (${finding})`} this video.`,
      error_context: { ...context, media },
    });
  }

  /** Once per video: the stored facts say this browser cannot play it. */
  private announceUnsupported(): void {
    const current = this.playback.media;
    if (this.playback.state.phase !== 'ready' || !current?.facts || this.partial.finding) return;
    const key = `${this.submissionid} ${this.playback.videojs?.currentSrc() ?? ''}`;
    if (key === this.announcedFor || !browserLikelyCannotPlay(current.facts)) return;
    this.announcedFor = key;
    this.incomplete('unsupported', {});
  }

  /** The note for the video being played, if any: what playback showed, else what the stored facts predict. */
  private note(): TemplateResult | typeof nothing {
    const current = this.playback.media;
    if (this.playback.state.phase !== 'ready' || !current) return nothing;
    const finding = this.partial.finding ?? (current.facts && browserLikelyCannotPlay(current.facts) ? 'unsupported' : null);
    const indexLast = indexAtEndMatters(current.facts, current.filesize)
      ? html`<p class="muted index-last">${this.t('player_media_index_last')}</p>`
      : nothing;
    return html`${finding ? playabilityNote((key, a) => this.t(key, a), current.facts, finding) : nothing}${indexLast}`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener(DOWNLOAD_REQUEST, this.onDownloadRequest);
    if (this.hasUpdated) this.requestUpdate();
  }

  private readonly onDownloadRequest = (event: Event): void => {
    event.stopPropagation();
    void this.download();
  };

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener(DOWNLOAD_REQUEST, this.onDownloadRequest);
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
      ${s.phase === 'error' ? this.renderProblem(s.problem, s.retryAfter) : this.note()}
      ${s.phase === 'ready' && this.playback.checksum
        ? html`<p class="checksum muted">${this.t('player_checksum')}: <code>${this.playback.checksum}</code></p>`
        : nothing}
      ${s.phase === 'ready' ? html`<div class="actions">${this.renderDownload()}</div>` : nothing}
      ${s.phase === 'ready' && this.extras.extras?.can_edit ? this.renderCaptionsForm() : nothing}
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
        ${DOWNLOADABLE.has(problem) ? html`<p class="hint">${this.t('player_download_hint')}</p>` : nothing}
        ${RETRYABLE.has(problem)
          ? html`<button type="button" class="primary" @click=${() => this.playback.start()}>${this.t('common_retry')}</button>`
          : nothing}
        ${DOWNLOADABLE.has(problem) ? this.renderDownload() : nothing}
      </div>
    `;
  }

  private renderDownload(): TemplateResult {
    const d = this.extras.download;
    return html`
      <button type="button" class="download" ?disabled=${d.phase === 'asking'} @click=${() => this.download()}>
        ${this.t('player_download')}
      </button>
      ${d.phase === 'failed'
        ? html`<p class="download-error" role="alert">
            ${d.code === 'RATE_LIMITED' ? this.t('player_error_ratelimited') : this.t('player_download_failed')}
          </p>`
        : nothing}
    `;
  }

  private renderCaptionsForm(): TemplateResult {
    const a = this.extras.attach;
    const message =
      a.phase === 'invalid' ? this.t(`player_captions_invalid_${a.fault}`, a.line === null ? '—' : String(a.line))
      : a.phase === 'failed' ? this.t('player_captions_failed')
      : a.phase === 'done' ? this.t('player_captions_done', a.label)
      : a.phase === 'sending' ? this.t('player_captions_sending')
      : '';
    const submit = (event: SubmitEvent) => {
      event.preventDefault();
      const form = event.target as HTMLFormElement;
      const file = (form.elements.namedItem('file') as HTMLInputElement).files?.[0];
      const language = (form.elements.namedItem('language') as HTMLSelectElement).value;
      const label = (form.elements.namedItem('label') as HTMLInputElement).value.trim() || languageName(language);
      if (file) void this.extras.attachFile(file, language, label);
    };
    return html`
      <details class="captions">
        <summary>${this.t('player_captions_add')}</summary>
        <form @submit=${submit}>
          <label>${this.t('player_captions_file')}
            <input name="file" type="file" accept=".vtt,.srt,text/vtt,application/x-subrip" required />
          </label>
          <label>${this.t('player_captions_language')}
            <select name="language">
              ${CAPTION_LANGUAGES.map((tag) => html`<option value=${tag}>${languageName(tag)} (${tag})</option>`)}
            </select>
          </label>
          <label>${this.t('player_captions_label')} <input name="label" type="text" maxlength="100" /></label>
          <button type="submit" ?disabled=${a.phase === 'sending'}>${this.t('player_captions_send')}</button>
          <p class="captions-status" role=${a.phase === 'invalid' || a.phase === 'failed' ? 'alert' : 'status'}>${message}</p>
        </form>
      </details>
    `;
  }
}
