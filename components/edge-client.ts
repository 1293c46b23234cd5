import type { ErrorBody, ErrorCode } from '../edge/src/contract';

/**
 * One call to the edge: JSON in, JSON out, the token as a bearer. Failures
 * come back as {@link EdgeError} carrying the contract's error code, so the
 * elements decide what to tell people from the code, never from the text.
 */

/** Codes the edge never sends: the request did not get an answer we can read. */
export type ClientErrorCode = 'NETWORK' | 'BAD_RESPONSE';

export class EdgeError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    /** Seconds, from Retry-After on a 429. */
    readonly retryAfter: number | null = null,
    /** The request field at fault (ErrorBody.error.field), when the edge named one. */
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'EdgeError';
  }
}

export interface EdgeRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** A body sent as is (a poster image) instead of JSON. */
  raw?: { type: string; bytes: Uint8Array<ArrayBuffer> };
  signal?: AbortSignal;
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

export async function callEdge<T>(edgeUrl: string, token: string, req: EdgeRequest): Promise<T> {
  const url = new URL(req.path, edgeUrl.replace(/\/?$/, '/'));
  for (const [name, value] of Object.entries(req.query ?? {})) {
    if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
  }
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (req.body !== undefined) headers['Content-Type'] = 'application/json';
  if (req.raw) headers['Content-Type'] = req.raw.type;

  return callEdgeWith<T>(
    fetch(url, {
      method: req.method ?? (req.body === undefined && !req.raw ? 'GET' : 'POST'),
      headers,
      body: req.raw ? req.raw.bytes : req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: req.signal,
      // Tokens, not cookies: the edge is another origin and must not see Moodle's session.
      credentials: 'omit',
      cache: 'no-store',
    }).catch((err: unknown) => Promise.reject(fetchFailure(err))),
  );
}

/** A fetch that got no answer: an abort stays an abort, anything else is NETWORK. */
export function fetchFailure(err: unknown): unknown {
  return isAbort(err) ? err : new EdgeError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
}

/** The edge's answer to a request already made (see callEdge): its JSON, or the EdgeError it carries. */
export async function callEdgeWith<T>(response: Promise<Response>): Promise<T> {
  const res = await response;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw new EdgeError(res.status, 'BAD_RESPONSE', `The video service answered ${res.status} with something that is not JSON.`);
  }
  if (res.ok) return json as T;
  const error = (json as Partial<ErrorBody> | undefined)?.error;
  const retryAfter = Number(res.headers.get('Retry-After'));
  throw new EdgeError(
    res.status,
    error?.code ?? 'BAD_RESPONSE',
    error?.message ?? `The video service answered ${res.status}.`,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    error?.field ?? null,
  );
}
