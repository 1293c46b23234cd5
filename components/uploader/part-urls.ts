import { MAX_PARTS_PER_SIGN, type MultipartSignRequest, type MultipartSignResponse } from '../../edge/src/contract';
import { EdgeError } from '../edge-client';
import { isDone, type PartState } from './parts';

/** A part URL this close to its expiry is renewed first, so none runs out halfway through a part. */
const URL_MARGIN_MS = 60_000;

export interface SignedUrl {
  url: string;
  /** The Content-MD5 the URL was signed with: it is good for those bytes only. */
  md5: string;
  signedAt: number;
  expiresAt: number;
}

/**
 * The parts' presigned PUT URLs, each bound to its part's length and MD5:
 * kept while fresh, and asked for a page at a time — the part that needs one
 * brings along every other hashed part still waiting, so parallel parts share
 * one request.
 */
export class PartUrls {
  private readonly urls = new Map<number, SignedUrl>();
  /** Part number → the signing request that will bring its URL. */
  private readonly signing = new Map<number, Promise<void>>();

  constructor(
    private readonly parts: readonly PartState[],
    /** `POST /api/multipart/sign-parts` for these parts, patiently (edge-retry.ts). */
    private readonly sign: (parts: MultipartSignRequest['parts'], signal: AbortSignal) => Promise<MultipartSignResponse>,
  ) {}

  /** Never to be used again (sent, or refused): the next attempt asks for a new one. */
  forget(part: PartState): void {
    this.urls.delete(part.number);
  }

  /** This part's URL for its current MD5: the one signed earlier while it is fresh, else a new page of URLs. */
  async urlFor(part: PartState, signal: AbortSignal): Promise<SignedUrl> {
    const usable = (u: SignedUrl | undefined): u is SignedUrl => !!u && u.md5 === part.md5 && this.fresh(u);
    const have = this.urls.get(part.number);
    if (usable(have)) return have;
    const pending = this.signing.get(part.number);
    if (pending) {
      await pending;
      const shared = this.urls.get(part.number);
      if (usable(shared)) return shared;
    }
    await this.signPage(part, signal);
    const signed = this.urls.get(part.number);
    if (!signed || signed.md5 !== part.md5) throw new EdgeError(0, 'BAD_RESPONSE', `The video service signed no URL for part ${part.number}.`);
    return signed;
  }

  private fresh(u: SignedUrl): boolean {
    return Date.now() < u.expiresAt - Math.min(URL_MARGIN_MS, (u.expiresAt - u.signedAt) / 2);
  }

  /** Signs this part and every other hashed part still waiting for a URL, in one request. */
  private signPage(first: PartState, signal: AbortSignal): Promise<void> {
    const waiting = (p: PartState) => {
      const u = this.urls.get(p.number);
      return !!p.md5 && !isDone(p) && !this.signing.has(p.number) && !(u && u.md5 === p.md5 && this.fresh(u));
    };
    const page = [first, ...this.parts.filter((p) => p !== first && waiting(p))]
      .slice(0, MAX_PARTS_PER_SIGN)
      .map((p) => ({ part_number: p.number, md5: p.md5! }));
    const request = (async () => {
      try {
        const signedAt = Date.now();
        const res = await this.sign(page, signal);
        const expiresAt = Date.parse(res.expires_at);
        for (const { part_number, md5 } of page) {
          const url = res.urls[String(part_number)];
          if (url) this.urls.set(part_number, { url, md5, signedAt, expiresAt });
        }
      } finally {
        for (const { part_number } of page) this.signing.delete(part_number);
      }
    })();
    for (const { part_number } of page) this.signing.set(part_number, request);
    return request;
  }
}
