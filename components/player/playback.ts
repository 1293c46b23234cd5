import type { ReactiveController, ReactiveControllerHost } from 'lit';
import videojs from 'video.js/core.es.js';
import type { PlaybackUrlResponse } from '../../edge/src/contract';
import { sendClientEvent } from '../client-events';
import { EdgeError, isAbort, type Edge } from '../edge-client';
import { sleep } from '../wait';
import { browserPlays, sourceType } from './playable-formats';
import { earlyOr } from './prefetch';

/**
 * A signed CloudFront URL in a Video.js player, kept working: when the URL
 * has expired (or the CDN refuses it) a new one is fetched and playback
 * resumes where it was, with backoff and a cap so a persistent refusal
 * becomes a message rather than a storm of requests.
 */

export type PlayerProblem = 'unavailable' | 'denied' | 'network' | 'format' | 'damaged' | 'failed' | 'ratelimited';

export type PlayerState =
  | { phase: 'loading' }
  | { phase: 'ready'; buffering: boolean }
  | { phase: 'error'; problem: PlayerProblem; retryAfter: number | null };

export interface PlaybackIO {
  submissionid(): number;
  /** The player region's accessible name. */
  label(): string;
  /** Where the player goes: an element this controller may fill as it likes. */
  stage(): HTMLElement;
  edge: Edge;
  /** The answer to this submission's URL request the page asked for early (prefetch.ts), taken once; null if none. */
  prefetched?(): Promise<PlaybackUrlResponse> | null;
}

/** New URLs fetched for one stretch of playback before the teacher is told. */
export const MAX_RENEWALS = 3;
/** The first renewal is the ordinary expiry and goes at once; repeats wait. */
export const RENEW_BACKOFF_MS = [0, 1000, 4000];
/** Smooth playback this long means earlier trouble is over. */
const STABLE_AFTER_MS = 10_000;
/** Renew slightly early: a request in flight at the deadline would be refused. */
const EXPIRY_MARGIN_MS = 5_000;
const PROBE_TIMEOUT_MS = 5_000;
/** Short stalls are normal while seeking; only announce a real wait. */
const BUFFERING_NOTICE_MS = 1_000;

/** HTMLMediaElement error codes. */
const MEDIA_ERR = { 1: 'MEDIA_ERR_ABORTED', 2: 'MEDIA_ERR_NETWORK', 3: 'MEDIA_ERR_DECODE', 4: 'MEDIA_ERR_SRC_NOT_SUPPORTED' } as const;

type Player = ReturnType<typeof videojs>;

const PLAYER_OPTIONS = {
  controls: true,
  autoplay: false,
  preload: 'metadata',
  fluid: true,
  // The icon font's @font-face does not work inside a shadow root; inline SVG icons do.
  experimentalSvgIcons: true,
  // This component explains errors itself, in Moodle's language.
  errorDisplay: false,
  playbackRates: [0.75, 1, 1.25, 1.5, 2],
  userActions: { hotkeys: true },
};

/** What the CDN says about a URL right now: its status, or 0 when nothing came back. */
async function probe(url: string): Promise<number> {
  try {
    const res = await fetch(url, { headers: { Range: 'bytes=0-0' }, cache: 'no-store', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await res.body?.cancel();
    return res.status;
  } catch {
    return 0;
  }
}

export class PlaybackController implements ReactiveController {
  state: PlayerState = { phase: 'loading' };

  private player: Player | null = null;
  private url: PlaybackUrlResponse | null = null;
  private expiresAt = 0;
  private attempts = 0;
  /** Fetching a new URL: the old source's errors and pauses are expected, not news. */
  private renewing = false;
  /** Between a new src and its metadata: the pause a source change causes is not the teacher's. */
  private swapping = false;
  private wantsPlay = false;
  /** Where playback last was with media loaded: a failing element may have reset its own clock to 0. */
  private position = 0;
  private run: AbortController | null = null;
  private stableTimer: ReturnType<typeof setTimeout> | undefined;
  private bufferingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly io: PlaybackIO,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.run?.abort();
    this.run = null;
    clearTimeout(this.stableTimer);
    clearTimeout(this.bufferingTimer);
    this.player?.dispose();
    this.player = null;
    this.state = { phase: 'loading' };
  }

  /** The confirmed MD5 of the bytes being played (S3's ETag form), for the grader to check; null if unknown. */
  get checksum(): string | null {
    return this.url?.md5 ?? null;
  }

  /** The stored header facts and size of the video being played (display only); null before a URL. */
  get media(): { facts: PlaybackUrlResponse['media']; filesize: number } | null {
    return this.url ? { facts: this.url.media ?? null, filesize: this.url.filesize } : null;
  }

  /** The element's Video.js instance, for tests and for pages that want to script it. */
  get videojs(): Player | null {
    return this.player;
  }

  /** Fetches a URL and shows the video; also what "Try again" does. */
  async start(): Promise<void> {
    this.run?.abort();
    const run = new AbortController();
    this.run = run;
    this.attempts = 0;
    this.renewing = false;
    this.position = 0;
    this.set({ phase: 'loading' });
    try {
      const url = await this.firstUrl(run.signal);
      if (this.run !== run) return;
      this.use(url);
      this.set({ phase: 'ready', buffering: false });
    } catch (err) {
      if (this.run !== run || isAbort(err)) return;
      this.failFromEdge(err);
    }
  }

  private set(state: PlayerState): void {
    this.state = state;
    this.host.requestUpdate();
  }

  private fetchUrl(signal: AbortSignal): Promise<PlaybackUrlResponse> {
    return this.io.edge('GET /api/playback-url', { query: { submissionid: this.io.submissionid() }, signal });
  }

  /** The page's early answer when there is one (prefetch.ts): the URL is not asked only after Video.js has loaded. */
  private firstUrl(signal: AbortSignal): Promise<PlaybackUrlResponse> {
    return earlyOr(this.io.prefetched?.(), () => this.fetchUrl(signal));
  }

  private use(url: PlaybackUrlResponse): void {
    this.url = url;
    this.expiresAt = Date.parse(url.expires_at);
    const player = this.player ?? this.mount();
    this.swapping = true;
    player.error(null as never);
    player.src({ src: url.signed_url, type: sourceType(url.mimetype) });
  }

  private mount(): Player {
    const stage = this.io.stage();
    const video = document.createElement('video');
    video.className = 'video-js vjs-big-play-centered';
    video.setAttribute('playsinline', '');
    stage.replaceChildren(video);
    const player = videojs(video, PLAYER_OPTIONS);
    // Video.js puts each player's sizing rules (the fluid aspect ratio) in <head>, where they
    // cannot reach into this shadow root; moved next to the player, they apply and leak nothing.
    const sizing = (player as unknown as { styleEl_?: unknown }).styleEl_;
    if (sizing instanceof HTMLStyleElement) stage.prepend(sizing);
    player.el().setAttribute('aria-label', this.io.label());

    player.on('loadedmetadata', () => {
      this.swapping = false;
    });
    player.on('timeupdate', () => {
      if (!this.swapping && !this.renewing && player.readyState() > 0) this.position = player.currentTime() ?? 0;
    });
    player.on('error', () => void this.onMediaError());
    // Only the source swap itself makes the element play and pause on its own; while a new
    // URL is being fetched, a press of play or pause is the teacher's and must stick.
    player.on('play', () => {
      if (this.swapping) return;
      this.wantsPlay = true;
      if (!this.renewing && this.expiringSoon()) void this.renew('expired');
    });
    player.on('pause', () => {
      if (!this.swapping) this.wantsPlay = false;
    });
    player.on('seeking', () => {
      if (this.swapping || this.renewing || !this.expiringSoon()) return;
      // Resume where the teacher asked to go, not where playback was.
      this.position = player.currentTime() ?? this.position;
      void this.renew('expired');
    });
    player.on('playing', () => {
      this.buffering(false);
      clearTimeout(this.stableTimer);
      this.stableTimer = setTimeout(() => (this.attempts = 0), STABLE_AFTER_MS);
    });
    player.on('waiting', () => {
      clearTimeout(this.bufferingTimer);
      this.bufferingTimer = setTimeout(() => this.buffering(true), BUFFERING_NOTICE_MS);
    });
    player.on(['canplay', 'pause', 'ended'], () => this.buffering(false));
    this.player = player;
    return player;
  }

  private buffering(on: boolean): void {
    if (!on) clearTimeout(this.bufferingTimer);
    if (this.state.phase === 'ready' && this.state.buffering !== on) this.set({ phase: 'ready', buffering: on });
  }

  private expiringSoon(): boolean {
    return Date.now() >= this.expiresAt - EXPIRY_MARGIN_MS;
  }

  /**
   * Media errors say little (a 403 mid-file is "network", on the first
   * request "not supported"), so the URL is asked directly what went wrong.
   */
  private async onMediaError(): Promise<void> {
    const player = this.player;
    const error = player?.error();
    if (!player || !error || error.code === 1 || this.renewing || !this.url) return;
    const mediaCode = MEDIA_ERR[error.code as keyof typeof MEDIA_ERR] ?? `MEDIA_ERR_${error.code}`;
    const run = this.run;
    const expired = this.expiringSoon();
    // The URL the media element actually asked for, which is what the CDN refused.
    const status = expired ? 403 : await probe((player.tech(true)?.el() as HTMLMediaElement | undefined)?.currentSrc || this.url.signed_url);
    if (this.run !== run || this.player !== player) return;
    const context = { media_error: mediaCode, probe: status, expired, attempt: this.attempts, position: this.position };

    if (status === 403) {
      // An expired URL is routine; a refused unexpired one is worth knowing about.
      if (!expired) this.report('CDN_403', error.message, context);
      return this.renew(expired ? 'expired' : 'refused');
    }
    if (status === 0 || (status >= 200 && status < 300 && error.code === 2)) {
      this.report(mediaCode, error.message, context);
      return this.renew('network');
    }
    if (status === 404 || status === 410) return this.fail('unavailable', `CDN_${status}`, error.message, context);
    if (error.code === 3 || error.code === 4) {
      // The CDN served the bytes. A decode failure, or "not supported" for a type this browser
      // claims to play, is the file's fault; only a type the browser refuses outright is its own.
      const browsersLack = error.code === 4 && !browserPlays(this.url.mimetype);
      return this.fail(browsersLack ? 'format' : 'damaged', mediaCode, error.message, { ...context, mimetype: this.url.mimetype });
    }
    return this.fail('failed', mediaCode, error.message, context);
  }

  /** A new URL, then back to the same second, playing if it was. */
  private async renew(reason: 'expired' | 'refused' | 'network'): Promise<void> {
    const player = this.player;
    if (!player || this.renewing) return;
    if (this.attempts >= MAX_RENEWALS) {
      return this.fail(reason === 'network' ? 'network' : 'failed', 'RENEWALS_EXHAUSTED', `Gave up after ${MAX_RENEWALS} new URLs (${reason}).`, { reason });
    }
    const delay = RENEW_BACKOFF_MS[this.attempts] ?? RENEW_BACKOFF_MS.at(-1)!;
    this.attempts += 1;
    this.renewing = true;
    clearTimeout(this.stableTimer);
    const position = this.position;
    const run = this.run ?? new AbortController();
    this.run = run;
    try {
      await sleep(delay, run.signal);
      const url = await this.fetchUrl(run.signal);
      if (this.run !== run || this.player !== player) return;
      this.renewing = false;
      this.use(url);
      player.one('loadedmetadata', () => {
        if (position > 0) player.currentTime(position);
        // Whatever the teacher chose last, even while the URL was being fetched.
        if (this.wantsPlay) player.play()?.catch(() => undefined);
      });
    } catch (err) {
      this.renewing = false;
      if (this.run !== run || isAbort(err)) return;
      this.failFromEdge(err);
    }
  }

  private failFromEdge(err: unknown): void {
    const code = err instanceof EdgeError ? err.code : 'CLIENT_ERROR';
    const message = err instanceof Error ? err.message : String(err);
    if (!(err instanceof EdgeError)) return this.fail('failed', code, message, {});
    if (err.status === 404 || err.status === 410) return this.fail('unavailable', code, message, {});
    if (err.status === 401 || err.status === 403) return this.fail('denied', code, message, {});
    if (err.status === 429) return this.fail('ratelimited', code, message, {}, err.retryAfter);
    if (err.code === 'NETWORK') return this.fail('network', code, message, {});
    return this.fail('failed', code, message, {});
  }

  private fail(problem: PlayerProblem, code: string, message: string, context: Record<string, unknown>, retryAfter: number | null = null): void {
    this.player?.pause();
    this.report(code, message, { ...context, problem });
    this.set({ phase: 'error', problem, retryAfter });
  }

  private report(code: string, message: string, context: Record<string, unknown>): void {
    sendClientEvent(this.io.edge, {
      event_type: 'playback_failure',
      submissionid: this.io.submissionid(),
      error_code: code,
      error_message: message,
      error_context: context,
      retry_count: this.attempts,
    });
  }
}
