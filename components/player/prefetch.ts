import type { EndpointResponse } from '../../edge/src/contract';
import { callEdgeWith, EdgeError, fetchFailure, pathOf, type PathOf } from '../edge-client';

/**
 * The player's first requests — its playback URL and its extras (poster,
 * captions) — made by the loader as soon as the page runs it, while
 * RequireJS is still fetching Video.js (amd/src/loader.ts). The loader leaves
 * the responses on the element under this name, and the player takes each
 * (once) instead of asking again. Only the first start uses them; retries,
 * renewals and reloads ask the edge themselves.
 */
export const PREFETCH_PROPERTY = 's3vPrefetch';

/** The endpoints the loader asks, with `?submissionid=`: the player's own first requests. */
export type PrefetchEndpoint = 'GET /api/playback-url' | 'GET /api/video-extras';
/** Their paths, which the loader fetches (it imports no code, so it spells them, typed by this). */
export type PrefetchPath = PathOf<PrefetchEndpoint>;

export interface Prefetch {
  submissionid: number;
  /** The token the requests carried: requests made with another are not this element's answers. */
  token: string;
  responses: Partial<Record<PrefetchPath, Promise<Response>>>;
}

/**
 * The loader's response to `path` for this element's submission and token,
 * taken (so used once), read as the edge client reads any answer; null when
 * there is none.
 */
export function takePrefetch<K extends PrefetchEndpoint>(element: HTMLElement, endpoint: K, submissionid: number, token: string): Promise<EndpointResponse<K>> | null {
  const prefetch = (element as unknown as Record<string, Prefetch | undefined>)[PREFETCH_PROPERTY];
  const path = pathOf(endpoint);
  const response = prefetch?.responses[path];
  if (!prefetch || !response) return null;
  delete prefetch.responses[path];
  if (prefetch.submissionid !== submissionid || prefetch.token !== token) return null;
  return callEdgeWith<EndpointResponse<K>>(response.catch((err: unknown) => Promise.reject(fetchFailure(err))));
}

/**
 * The early answer when there is one, else (or when it is a token that
 * expired meanwhile, or no answer at all) the request made the usual way,
 * which renews the token.
 */
export async function earlyOr<T>(early: Promise<T> | null | undefined, ask: () => Promise<T>): Promise<T> {
  if (early) {
    try {
      return await early;
    } catch (err) {
      if (!(err instanceof EdgeError && (err.code === 'TOKEN_EXPIRED' || err.code === 'NETWORK'))) throw err;
    }
  }
  return ask();
}
