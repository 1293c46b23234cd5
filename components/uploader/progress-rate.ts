/**
 * The time left of a transfer, from how fast its bytes have been moving: a
 * rate sampled at most every half second and smoothed (an exponential moving
 * average), and no estimate before ESTIMATE_AFTER_MS of sending.
 */

/** A time left computed from less than this is noise. */
const ESTIMATE_AFTER_MS = 2000;
const SAMPLE_MS = 500;

export class ProgressRate {
  private startedAt = 0;
  private lastAt = 0;
  private lastLoaded = 0;
  /** Bytes a second. */
  private rate = 0;

  /** Sending begins (again) with `sent` bytes already there. */
  restart(sent: number): void {
    const now = performance.now();
    this.startedAt = this.lastAt = now;
    this.lastLoaded = sent;
    this.rate = 0;
  }

  /** Seconds left for `total` bytes with `sent` there now, or null while there is no fair estimate. */
  secondsLeft(sent: number, total: number): number | null {
    const now = performance.now();
    if (now - this.lastAt >= SAMPLE_MS) {
      const rate = (sent - this.lastLoaded) / ((now - this.lastAt) / 1000);
      this.rate = this.rate === 0 ? rate : 0.8 * this.rate + 0.2 * rate;
      this.lastAt = now;
      this.lastLoaded = sent;
    }
    return this.rate > 0 && now - this.startedAt >= ESTIMATE_AFTER_MS ? (total - sent) / this.rate : null;
  }
}
