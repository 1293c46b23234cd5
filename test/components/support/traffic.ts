/**
 * What the uploader sends, seen from inside the page: every part PUT
 * (XMLHttpRequest, the only way a browser reports upload progress) and every
 * edge call (fetch). A test may also bend one request, e.g. send a part's
 * first attempt to a port where nothing listens, to watch the uploader
 * recover from a real failure. Always `restore()` (the tests share a page).
 */

export interface PartPut {
  part: number;
  url: string;
  /** The `Content-MD5` header the uploader set (base64). */
  contentMd5?: string;
  /** Its body had a byte changed on the way (see {@link Bend.alter}). */
  altered: boolean;
  /** 0 for a failed connection; undefined while in flight. */
  status?: number;
  /** S3's ETag for the part (the hex MD5 of what it stored), when it took it. */
  etag?: string | null;
}

/** A presigned POST to S3 (the single-request upload). */
export interface S3Post {
  url: string;
  /** 0 for a failed or aborted request; undefined while in flight. */
  status?: number;
}

export interface EdgeCall {
  method: string;
  path: string;
  body: unknown;
  status: number;
  response: unknown;
}

export interface Traffic {
  puts: PartPut[];
  posts: S3Post[];
  edge: EdgeCall[];
  /** Part numbers PUT with a 2xx answer, in the order they finished. */
  partsSent(): number[];
  calls(path: string): EdgeCall[];
  /**
   * Every edge call made so far, once each has its answer. Reports (`/api/events`) go out beside
   * what the student sees, not before it: read them after this, never right after a phase.
   */
  settled(): Promise<EdgeCall[]>;
  restore(): void;
}

export interface Bend {
  /** Another URL for this part PUT (e.g. a refused port), or null to send it as it is. */
  put?(part: number, url: string, attempt: number): string | null;
  /** Holds this part PUT back until the promise settles, or null to send it at once. */
  hold?(part: number, attempt: number): Promise<void> | null;
  /** True to flip one byte in the middle of this part's body after the uploader hashed it: corruption on the way. */
  alter?(part: number, attempt: number): boolean;
  /**
   * A made-up answer instead of this edge call, `'no-answer'` for a connection that fails (fetch
   * rejects, as with the network gone; recorded with status 0), or null to let it through.
   */
  edge?(path: string, body: unknown, attempt: number): Response | 'no-answer' | null;
}

export function watchTraffic(bend: Bend = {}): Traffic {
  const puts: PartPut[] = [];
  const posts: S3Post[] = [];
  const edge: EdgeCall[] = [];
  const proto = XMLHttpRequest.prototype;
  const open = proto.open;
  const send = proto.send;
  const abort = proto.abort;
  const setRequestHeader = proto.setRequestHeader;
  const held = new Map<XMLHttpRequest, Promise<unknown>>();
  const putOf = new WeakMap<XMLHttpRequest, PartPut>();
  const originalFetch = window.fetch;
  const putAttempts = new Map<number, number>();
  const edgeAttempts = new Map<string, number>();

  proto.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    let target = String(url);
    const part = Number(new URL(target, location.href).searchParams.get('partNumber'));
    if (method === 'PUT' && part > 0) {
      const attempt = (putAttempts.get(part) ?? 0) + 1;
      putAttempts.set(part, attempt);
      target = bend.put?.(part, target, attempt) ?? target;
      const put: PartPut = { part, url: target, altered: bend.alter?.(part, attempt) ?? false };
      puts.push(put);
      putOf.set(this, put);
      const wait = bend.hold?.(part, attempt);
      if (wait) held.set(this, wait);
      this.addEventListener('loadend', () => {
        put.status = this.status;
        put.etag = this.status >= 200 && this.status < 300 ? this.getResponseHeader('ETag') : null;
      });
    } else if (method === 'POST') {
      const post: S3Post = { url: target };
      posts.push(post);
      this.addEventListener('loadend', () => (post.status = this.status));
    }
    return (open as (...args: unknown[]) => void).call(this, method, target, ...rest);
  } as typeof proto.open;

  proto.setRequestHeader = function (this: XMLHttpRequest, name: string, value: string) {
    const put = putOf.get(this);
    if (put && name.toLowerCase() === 'content-md5') put.contentMd5 = value;
    setRequestHeader.call(this, name, value);
  };

  proto.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    const altered = putOf.get(this)?.altered && body instanceof Blob;
    const wait = held.get(this);
    if (!wait && !altered) return send.call(this, body);
    const ready = (wait ?? Promise.resolve()).then(() => (altered ? flipOneByte(body) : body));
    held.set(this, ready);
    void ready.then((b) => {
      // Aborted while held: it never goes.
      if (held.delete(this)) send.call(this, b);
    });
  };
  proto.abort = function (this: XMLHttpRequest) {
    // A request never sent fires nothing on abort(); say what a real one would have.
    if (held.delete(this)) {
      this.dispatchEvent(new ProgressEvent('abort'));
      this.dispatchEvent(new ProgressEvent('loadend'));
      return;
    }
    abort.call(this);
  };

  const inFlight = new Set<Promise<unknown>>();
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const call = observe(input, init);
    inFlight.add(call);
    void call.catch(() => undefined).finally(() => inFlight.delete(call));
    return call;
  };
  const observe = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const attempt = (edgeAttempts.get(url.pathname) ?? 0) + 1;
    edgeAttempts.set(url.pathname, attempt);
    const bent = url.pathname.startsWith('/api/') ? bend.edge?.(url.pathname, body, attempt) : null;
    if (bent === 'no-answer') {
      edge.push({ method: init?.method ?? 'GET', path: url.pathname, body, status: 0, response: null });
      throw new TypeError('Failed to fetch');
    }
    const res = bent ?? (await originalFetch(input, init));
    if (url.pathname.startsWith('/api/')) {
      const text = await res.clone().text();
      let response: unknown = text;
      try {
        response = JSON.parse(text);
      } catch {
        // Not JSON: kept as text.
      }
      edge.push({ method: init?.method ?? 'GET', path: url.pathname, body, status: res.status, response });
    }
    return res;
  };

  return {
    puts,
    posts,
    edge,
    partsSent: () => puts.filter((p) => p.status !== undefined && p.status >= 200 && p.status < 300).map((p) => p.part),
    calls: (path) => edge.filter((c) => c.path === path),
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      return edge;
    },
    restore() {
      proto.open = open;
      proto.send = send;
      proto.abort = abort;
      proto.setRequestHeader = setRequestHeader;
      window.fetch = originalFetch;
    },
  };
}

/** The same bytes but one, in the middle: what a faulty link or proxy could deliver. */
async function flipOneByte(body: Blob): Promise<Blob> {
  const at = Math.floor(body.size / 2);
  const [byte] = new Uint8Array(await body.slice(at, at + 1).arrayBuffer());
  return new Blob([body.slice(0, at), new Uint8Array([byte! ^ 0xff]), body.slice(at + 1)]);
}
