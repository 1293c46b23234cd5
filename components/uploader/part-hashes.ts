import { md5Of, toBase64 } from './md5';
import { isDone, PARALLEL_PARTS, type PartState } from './parts';

/**
 * Parts hashed ahead of the ones being sent, so hashing (CPU) overlaps sending
 * (network) and each signing request can carry several parts. Only digests are
 * kept: the bytes are read again when the part is sent.
 */
export const HASH_AHEAD = 2 * PARALLEL_PARTS;

/**
 * The parts' Content-MD5s, hashed from the file one part after another
 * (hashing is CPU work: two at once would not be faster), each once — again
 * only after its {@link PartState.md5} is cleared.
 */
export class PartHashes {
  /** Part number → its hashing, queued or running. */
  private readonly hashing = new Map<number, { promise: Promise<string>; signal: AbortSignal }>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly parts: readonly PartState[],
    private readonly slice: (part: PartState) => Blob,
  ) {}

  md5(part: PartState, signal: AbortSignal): Promise<string> {
    if (part.md5) return Promise.resolve(part.md5);
    const queued = this.hashing.get(part.number);
    // One queued by a run since stopped is about to fail with that run: queue a fresh one behind it.
    if (queued && !queued.signal.aborted) return queued.promise;
    const promise = this.queue.then(async () => {
      const md5 = toBase64(await md5Of(this.slice(part), signal));
      part.md5 = md5;
      return md5;
    });
    const forget = () => {
      if (this.hashing.get(part.number)?.promise === promise) this.hashing.delete(part.number);
    };
    promise.then(forget, forget);
    this.queue = promise.catch(() => undefined);
    this.hashing.set(part.number, { promise, signal });
    return promise;
  }

  /** Queues the hashing of the next parts still to send after `from`, so each is ready by its turn. */
  ahead(from: PartState, signal: AbortSignal): void {
    const later = this.parts.filter((p) => p.number > from.number && !isDone(p));
    const inHand = later.filter((p) => p.md5 || this.hashing.has(p.number)).length;
    const next = later.filter((p) => !p.md5 && !this.hashing.has(p.number));
    for (const part of next.slice(0, Math.max(0, HASH_AHEAD - inHand))) {
      // A failure here shows again, and is handled, when the part's own turn asks for it.
      this.md5(part, signal).catch(() => undefined);
    }
  }
}
