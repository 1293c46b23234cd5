import type { Endpoint, EndpointResponse, Endpoints, ErrorBody, ErrorCode } from '../edge/src/contract';

/**
 * The components' one way to the edge, keyed by the contract's endpoint table
 * ({@link Endpoints}, `'METHOD /path'`): `edge('POST /api/confirm-upload', { body, signal })`
 * takes that endpoint's body, query and path params and resolves with its
 * response, all typed from the table. JSON in, JSON out, the token as a
 * bearer. Failures come back as {@link EdgeError} carrying the contract's
 * error code, so the elements decide what to tell people from the code, never
 * from the text. No path is spelled anywhere else in components/
 * (test/unit/edge-paths.test.ts checks).
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

/** What a call of endpoint `K` carries: exactly the table's body, query and params for it. */
export type EdgeRequest<K extends Endpoint> = { signal?: AbortSignal } & (Endpoints[K] extends { body: infer B } ? { body: B } : { body?: never }) &
  (Endpoints[K] extends { query: infer Q } ? { query: Q } : { query?: never }) &
  (Endpoints[K] extends { params: infer P } ? { params: P } : { params?: never });

/** An edge call as the elements make it (S3vElement.edge: with token renewal). */
export type Edge = <K extends Endpoint>(endpoint: K, req: EdgeRequest<K>) => Promise<EndpointResponse<K>>;

/** The path of an endpoint key: `GET /api/video` → `/api/video`. */
export type PathOf<K extends Endpoint> = K extends `${string} ${infer P}` ? P : never;

export function pathOf<K extends Endpoint>(endpoint: K): PathOf<K> {
  return endpoint.slice(endpoint.indexOf(' ') + 1) as PathOf<K>;
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

/** The URL of a call: `:name` segments filled from `params`, `query` as search parameters (empty ones left out). */
function endpointUrl<K extends Endpoint>(edgeUrl: string, endpoint: K, req: EdgeRequest<K>): URL {
  const params = (req.params ?? {}) as Record<string, string | number>;
  const path = pathOf(endpoint).replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(String(params[name])));
  const url = new URL(path, edgeUrl.replace(/\/?$/, '/'));
  for (const [name, value] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
  }
  return url;
}

export async function callEdge<K extends Endpoint>(edgeUrl: string, token: string, endpoint: K, req: EdgeRequest<K>): Promise<EndpointResponse<K>> {
  const method = endpoint.slice(0, endpoint.indexOf(' '));
  const body: unknown = req.body;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  // A Blob (the poster's JPEG) goes as it is, typed as the Blob is; anything else as JSON.
  if (body instanceof Blob) headers['Content-Type'] = body.type;
  else if (body !== undefined) headers['Content-Type'] = 'application/json';

  return callEdgeWith<EndpointResponse<K>>(
    fetch(endpointUrl(edgeUrl, endpoint, req), {
      method,
      headers,
      body: body instanceof Blob ? body : body === undefined ? undefined : JSON.stringify(body),
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
