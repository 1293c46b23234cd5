import type { Page } from 'playwright-core';

/**
 * Holds back multipart part PUTs inside the page, by wrapping
 * XMLHttpRequest there: the held request is simply not sent yet, so it never
 * reaches the network, and whatever is sent goes at full speed. (Playwright's
 * page.route would do it from outside, but while any route is set every
 * request body, 16 MiB a part, is copied through the DevTools protocol and
 * parts crawl.) The wrapper lives as long as the document: a reload drops it
 * together with the held requests. Not for Cancel tests: a request aborted
 * before it was sent fires no events.
 */
export interface HoldOptions {
  /** Part numbers whose first attempt is held. */
  parts: number[];
  /** Sends each this long after it was held; otherwise they wait for {@link releaseParts}. */
  releaseAfterMs?: number;
  /**
   * Sends each one second after its presigned URL has expired (X-Amz-Date + X-Amz-Expires):
   * a condition the URL itself states, so the test does not depend on how busy the machine is.
   */
  releaseAfterExpiry?: boolean;
}

/**
 * Plain JavaScript, not a function handed to page.evaluate: tsx compiles this
 * file with esbuild's keepNames, whose `__name` helper does not exist in the page.
 */
const WRAPPER = `(({ parts, releaseAfterMs, releaseAfterExpiry }) => {
  const proto = XMLHttpRequest.prototype;
  const open = proto.open;
  const send = proto.send;
  const partOf = new WeakMap();
  const expiryOf = new WeakMap();
  const expiry = (url) => {
    const q = new URL(url, location.href).searchParams;
    const d = /^(\\d{4})(\\d{2})(\\d{2})T(\\d{2})(\\d{2})(\\d{2})Z$/.exec(q.get('X-Amz-Date') ?? '');
    if (!d) return Date.now();
    return Date.UTC(+d[1], +d[2] - 1, +d[3], +d[4], +d[5], +d[6]) + Number(q.get('X-Amz-Expires') ?? 0) * 1000;
  };
  const attempted = new Set();
  const held = [];
  proto.open = function (method, url, ...rest) {
    partOf.set(this, method === 'PUT' ? Number(new URL(String(url), location.href).searchParams.get('partNumber') ?? 0) : 0);
    expiryOf.set(this, expiry(String(url)));
    return open.call(this, method, url, ...rest);
  };
  proto.send = function (body) {
    const part = partOf.get(this) ?? 0;
    if (!parts.includes(part) || attempted.has(part)) return send.call(this, body);
    attempted.add(part);
    const go = () => send.call(this, body);
    if (releaseAfterExpiry) setTimeout(go, Math.max(0, expiryOf.get(this) + 1000 - Date.now()));
    else if (releaseAfterMs === undefined) held.push(go);
    else setTimeout(go, releaseAfterMs);
  };
  window.s3vReleaseParts = () => held.splice(0).forEach((go) => go());
  window.s3vHeldParts = () => held.length;
})`;

export async function holdParts(page: Page, options: HoldOptions): Promise<void> {
  await page.evaluate(`${WRAPPER}(${JSON.stringify(options)})`);
}

/** Waits until this many part PUTs are being held (each part is hashed and signed before it can be sent). */
export async function partsHeld(page: Page, count: number): Promise<void> {
  await page.waitForFunction(`window.s3vHeldParts() >= ${count}`);
}

export async function releaseParts(page: Page): Promise<void> {
  await page.evaluate('window.s3vReleaseParts()');
}

/**
 * Counts, inside the page, the part PUTs sent and not yet ended (`window.s3vPartsInFlight()`), so
 * that a test can act in the same task as it sees one on its way. Plain JavaScript, as above.
 */
const IN_FLIGHT = `(() => {
  const proto = XMLHttpRequest.prototype;
  const open = proto.open;
  const send = proto.send;
  const parts = new WeakSet();
  let inFlight = 0;
  proto.open = function (method, url, ...rest) {
    if (method === 'PUT' && new URL(String(url), location.href).searchParams.has('partNumber')) parts.add(this);
    return open.call(this, method, url, ...rest);
  };
  proto.send = function (body) {
    if (parts.has(this)) {
      inFlight += 1;
      this.addEventListener('loadend', () => (inFlight -= 1));
    }
    return send.call(this, body);
  };
  window.s3vPartsInFlight = () => inFlight;
})()`;

export async function watchPartsInPage(page: Page): Promise<void> {
  await page.evaluate(IN_FLIGHT);
}
