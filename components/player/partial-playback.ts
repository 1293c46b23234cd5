import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Notices when the browser plays only part of a file, which media errors never
 * report: the sound of an HEVC or ProRes video over an empty picture, a file
 * whose frames never decode, or a container the browser fetches but never makes
 * sense of (a DivX AVI: no error, no metadata, a blank box for ever).
 *
 * It listens, in the capture phase, to the media events of whatever <video>
 * lands in the player's stage (media events do not bubble, but capture reaches
 * them), so the playback controller needs no change to be watched. No timers:
 * every finding follows an event.
 * - no picture: `loadedmetadata` with `videoWidth` and `videoHeight` 0 (HTML, "the
 *   video element": a resource with no video track, or none the browser decodes);
 * - no frame: playback time advanced by {@link NO_FRAME_SECONDS} while not one frame
 *   was presented (requestVideoFrameCallback; where it is missing, the
 *   `totalVideoFrames` of getVideoPlaybackQuality());
 * - no metadata: the browser stopped fetching (`suspend`) or the fetch stalled
 *   (`stalled`) after bytes arrived (`progress`), and still `readyState` is HAVE_NOTHING:
 *   what it downloaded did not let it read the file.
 */

export type PartialFinding = 'no-picture' | 'no-frame' | 'no-metadata';

/** About 25–30 frames of a camera's video: long enough that a slow first decode is not mistaken for none. */
export const NO_FRAME_SECONDS = 1;

const EVENTS = ['loadstart', 'emptied', 'progress', 'suspend', 'stalled', 'loadedmetadata', 'playing', 'timeupdate'] as const;

export interface PartialPlaybackIO {
  /** The element the player's <video> is mounted in. */
  stage(): HTMLElement | null;
  /** Called once per source with what was found (to report it). */
  found(finding: PartialFinding, context: Record<string, unknown>): void;
}

export class PartialPlaybackController implements ReactiveController {
  /** What was found for the current source; null while all is well. */
  finding: PartialFinding | null = null;

  private stageEl: HTMLElement | null = null;
  private bytesArrived = false;
  private frameSeen = false;
  private frameHandle: number | null = null;
  /** Playback time when playing began, to measure how far it got without a frame. */
  private playingFrom: number | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly io: PartialPlaybackIO,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const stage = this.io.stage();
    if (stage === this.stageEl) return;
    this.detach();
    this.stageEl = stage;
    for (const type of EVENTS) stage?.addEventListener(type, this.onEvent, true);
  }

  hostDisconnected(): void {
    this.detach();
  }

  private detach(): void {
    for (const type of EVENTS) this.stageEl?.removeEventListener(type, this.onEvent, true);
    this.stageEl = null;
  }

  private readonly onEvent = (event: Event): void => {
    const video = event.target;
    if (!(video instanceof HTMLVideoElement)) return;
    switch (event.type) {
      case 'loadstart':
      case 'emptied':
        return this.reset(video);
      case 'progress':
        this.bytesArrived = true;
        return;
      case 'suspend':
      case 'stalled':
        if (this.bytesArrived && video.readyState === HTMLMediaElement.HAVE_NOTHING && !video.error) {
          this.find('no-metadata', video, { event: event.type, network_state: video.networkState });
        }
        return;
      case 'loadedmetadata':
        if (video.videoWidth === 0 && video.videoHeight === 0) this.find('no-picture', video, { duration: video.duration });
        return;
      case 'playing':
        this.playingFrom = video.currentTime;
        return;
      case 'timeupdate':
        return this.checkFrames(video);
    }
  };

  private reset(video: HTMLVideoElement): void {
    const frames = typeof video.requestVideoFrameCallback === 'function';
    if (this.frameHandle !== null && frames) video.cancelVideoFrameCallback(this.frameHandle);
    this.bytesArrived = false;
    this.frameSeen = false;
    this.playingFrom = null;
    this.frameHandle = frames
      ? video.requestVideoFrameCallback(() => {
          this.frameSeen = true;
          this.frameHandle = null;
        })
      : null;
    if (this.finding !== null) {
      this.finding = null;
      this.host.requestUpdate();
    }
  }

  private checkFrames(video: HTMLVideoElement): void {
    if (this.finding !== null || this.frameSeen || this.playingFrom === null || video.paused) return;
    if (video.currentTime - this.playingFrom < NO_FRAME_SECONDS) return;
    const decoded = typeof video.requestVideoFrameCallback === 'function' ? 0 : video.getVideoPlaybackQuality().totalVideoFrames;
    if (decoded === 0) this.find('no-frame', video, { played: video.currentTime - this.playingFrom });
    else this.frameSeen = true;
  }

  private find(finding: PartialFinding, video: HTMLVideoElement, context: Record<string, unknown>): void {
    if (this.finding !== null) return;
    this.finding = finding;
    this.io.found(finding, { ...context, ready_state: video.readyState, video_width: video.videoWidth });
    this.host.requestUpdate();
  }
}
