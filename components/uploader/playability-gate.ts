import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { MediaFacts } from '../../edge/src/contract';
import type { Verdict } from '../../edge/src/media/playability';
import { probeFile } from '../media/probe-loader';
import type { Problem } from './validate';

/**
 * The playability check between "the file is a video" and sending it: reads the
 * header (the reader is fetched on the first pick), and when the file plays only
 * in some browsers or in none, holds the upload until the student chooses
 * "Upload anyway" — or refuses it outright when the assignment says so and it
 * plays in none. A file whose header cannot be read passes: the container check
 * before this one already refused what is not a video.
 */

export type GateState =
  | { kind: 'idle' }
  | { kind: 'reading'; file: File }
  | { kind: 'asking'; file: File; facts: MediaFacts; verdict: Verdict; summary: string }
  | { kind: 'passed'; file: File; facts: MediaFacts | null };

/** What the upload goes on with: the facts to send at confirm, or the refusal to show. */
export type GateOutcome = { media: MediaFacts | null } | { refused: Problem };

export class PlayabilityGate implements ReactiveController {
  state: GateState = { kind: 'idle' };
  private answer: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly refuseNone: () => boolean,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.state = { kind: 'idle' };
  }

  /** The facts read from the last file checked, once it passed. */
  get facts(): MediaFacts | null {
    return this.state.kind === 'passed' ? this.state.facts : null;
  }

  /**
   * Settles when the upload may go on; rejects with an AbortError when `signal`
   * aborts first (Cancel, another file). A file already let through (Retry) passes at once.
   */
  async check(file: File, signal: AbortSignal): Promise<GateOutcome> {
    if (this.state.kind === 'passed' && this.state.file === file) return { media: this.state.facts };
    this.set({ kind: 'reading', file });
    const result = await probeFile(file, signal).catch((err: unknown) => {
      if (signal.aborted) throw err;
      // The reader could not be fetched or failed on this file: no verdict, nothing held back.
      return null;
    });
    signal.throwIfAborted();
    if (!result) return this.pass(file, null);
    const { facts, verdict, summary } = result;
    if (verdict.playability === 'none' && this.refuseNone()) {
      this.set({ kind: 'idle' });
      return { refused: { message: 'upload_playability_refused', a: summary, hint: 'upload_playability_howto' } };
    }
    if (verdict.playability === 'some' || verdict.playability === 'none') {
      this.set({ kind: 'asking', file, facts, verdict, summary });
      await new Promise<void>((resolve, reject) => {
        this.answer = resolve;
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
      this.answer = null;
    }
    return this.pass(file, facts);
  }

  /** "Upload anyway". */
  proceed(): void {
    this.answer?.();
  }

  private pass(file: File, facts: MediaFacts | null): GateOutcome {
    this.set({ kind: 'passed', file, facts });
    return { media: facts };
  }

  private set(state: GateState): void {
    this.state = state;
    this.host.requestUpdate();
  }
}
