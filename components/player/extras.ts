import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type videojs from 'video.js/core.es.js';
import type { CaptionFault, DownloadUrlResponse, VideoExtrasResponse } from '../../edge/src/contract';
import { EdgeError, isAbort, type Edge } from '../edge-client';
import { earlyOr } from './prefetch';
import { readCaptionFile } from './captions-file';

/**
 * What the player shows besides the video: its poster (before play), its caption tracks in
 * Video.js's own captions menu, the Download button, and — for a token that may — a form to
 * attach a caption file. Everything comes from the edge as signed CDN URLs.
 */

type Player = ReturnType<typeof videojs>;

export interface ExtrasIO {
  submissionid(): number;
  edge: Edge;
  player(): Player | null;
  /** The page's early answer to this submission's extras request (prefetch.ts), taken once; null if none. */
  prefetched?(): Promise<VideoExtrasResponse> | null;
}

export type AttachState =
  | { phase: 'idle' }
  | { phase: 'sending' }
  | { phase: 'done'; label: string }
  | { phase: 'invalid'; fault: CaptionFault; line: number | null }
  | { phase: 'failed'; code: string };

export type DownloadState = { phase: 'idle' } | { phase: 'asking' } | { phase: 'failed'; code: string; retryAfter: number | null };

/** Languages offered for a caption file (BCP 47); the menu names them in the reader's language. */
export const CAPTION_LANGUAGES = [
  'ar', 'cs', 'da', 'de', 'el', 'en', 'es', 'fi', 'fr', 'he', 'hi', 'hu', 'id', 'it', 'ja', 'ko', 'nb', 'nl',
  'pl', 'pt', 'pt-BR', 'ro', 'ru', 'sv', 'th', 'tr', 'uk', 'vi', 'zh-Hans', 'zh-Hant',
] as const;

export function languageName(tag: string, locale = document.documentElement.lang || navigator.language): string {
  try {
    return new Intl.DisplayNames([locale, 'en'], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

export class ExtrasController implements ReactiveController {
  extras: VideoExtrasResponse | null = null;
  attach: AttachState = { phase: 'idle' };
  download: DownloadState = { phase: 'idle' };
  private applied = new Set<string>();
  private run: AbortController | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly io: ExtrasIO,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.run?.abort();
    this.run = null;
    this.applied.clear();
  }

  /** Asks the edge for the poster and tracks; a failure only costs them (the video still plays). */
  async load(): Promise<void> {
    this.run?.abort();
    const run = new AbortController();
    this.run = run;
    try {
      // The page's early answer when there is one: the poster need not wait for Video.js's module.
      const extras = await earlyOr(this.io.prefetched?.(), () => this.io.edge('GET /api/video-extras', {
        query: { submissionid: this.io.submissionid() }, signal: run.signal,
      }));
      if (this.run !== run) return;
      this.extras = extras;
      this.applied.clear();
      this.apply();
      this.host.requestUpdate();
    } catch (err) {
      if (!isAbort(err)) this.extras = null;
    }
  }

  /** Gives the player what it lacks of the extras: called when either arrives. */
  apply(): void {
    const player = this.io.player();
    if (!player || !this.extras) return;
    if (this.extras.poster_url && !this.applied.has('poster')) {
      player.poster(this.extras.poster_url);
      this.applied.add('poster');
    }
    for (const track of this.extras.tracks) {
      if (!track.url || this.applied.has(track.url)) continue;
      // manualCleanup: Video.js drops the other kind at every src(), and the player sets a new
      // src each time it renews its signed URL: the captions would vanish at the first renewal.
      player.addRemoteTextTrack({ kind: 'captions', src: track.url, srclang: track.language, label: track.label }, true);
      this.applied.add(track.url);
    }
  }

  /**
   * Asks for a download URL and hands it to the browser, which saves the file under the name
   * the CDN's `Content-Disposition: attachment` gives. Resolves with the URL (tests, scripts).
   */
  async save(): Promise<DownloadUrlResponse | null> {
    this.download = { phase: 'asking' };
    this.host.requestUpdate();
    try {
      const res = await this.io.edge('GET /api/download-url', { query: { submissionid: this.io.submissionid() } });
      const a = document.createElement('a');
      a.href = res.url;
      a.rel = 'noopener';
      a.download = res.filename;
      a.hidden = true;
      document.body.append(a);
      a.click();
      a.remove();
      this.download = { phase: 'idle' };
      return res;
    } catch (err) {
      this.download = {
        phase: 'failed',
        code: err instanceof EdgeError ? err.code : 'NETWORK',
        retryAfter: err instanceof EdgeError ? err.retryAfter : null,
      };
      return null;
    } finally {
      this.host.requestUpdate();
    }
  }

  /** Checks the file as the edge will, converts SubRip, sends it, and adds the track to the player. */
  async attachFile(file: File, language: string, label: string): Promise<void> {
    const videoid = this.extras?.videoid;
    if (!videoid) return;
    this.attach = { phase: 'sending' };
    this.host.requestUpdate();
    const read = await readCaptionFile(file);
    if (!read.ok) {
      this.attach = { phase: 'invalid', fault: read.fault, line: read.line };
      this.host.requestUpdate();
      return;
    }
    try {
      const res = await this.io.edge('POST /api/captions', {
        body: { submissionid: this.io.submissionid(), videoid, language, label, vtt: read.vtt },
      });
      const player = this.io.player();
      if (player && res.replaced_id !== null) {
        const old = this.extras!.tracks.find((t) => t.id === res.replaced_id);
        const tracks = player.remoteTextTracks() as unknown as ArrayLike<TextTrack & { src?: string }>;
        for (let i = 0; i < tracks.length; i++) if (old && tracks[i]!.language === old.language) player.removeRemoteTextTrack(tracks[i] as never);
      }
      this.extras = { ...this.extras!, tracks: [...this.extras!.tracks.filter((t) => t.id !== res.replaced_id), res.track] };
      this.apply();
      this.attach = { phase: 'done', label: res.track.label };
    } catch (err) {
      if (err instanceof EdgeError && err.code === 'INVALID_CAPTIONS') {
        this.attach = { phase: 'invalid', fault: (err.field as CaptionFault | null) ?? 'timing', line: null };
      } else {
        this.attach = { phase: 'failed', code: err instanceof EdgeError ? err.code : 'NETWORK' };
      }
    }
    this.host.requestUpdate();
  }
}
