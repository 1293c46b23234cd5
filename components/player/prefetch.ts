import { callEdgeWith, fetchFailure, type EdgeRequest } from '../edge-client';

/**
 * The player's first request, made by the loader as soon as the page runs it,
 * while RequireJS is still fetching Video.js (amd/src/loader.ts): the loader
 * leaves the response on the element under this name, and the player takes it
 * instead of asking again. Only the first start uses it; retries and renewals
 * ask the edge themselves.
 */
export const PREFETCH_PROPERTY = 's3vPlaybackPrefetch';

export interface PlaybackPrefetch {
  submissionid: number;
  /** The token the request carried: a prefetch made with another is not this element's answer. */
  token: string;
  response: Promise<Response>;
}

/** The path and query the loader asks, which must be the player's own request. */
export const playbackUrlRequest = (submissionid: number): EdgeRequest => ({ path: '/api/playback-url', query: { submissionid } });

/**
 * The loader's response for this element's submission and token, taken (so
 * asked for once), as the edge client would read it; null when there is none.
 */
export function takePrefetch<T>(element: HTMLElement, submissionid: number, token: string): Promise<T> | null {
  const holder = element as unknown as Record<string, PlaybackPrefetch | undefined>;
  const prefetch = holder[PREFETCH_PROPERTY];
  delete holder[PREFETCH_PROPERTY];
  if (!prefetch || prefetch.submissionid !== submissionid || prefetch.token !== token) return null;
  return callEdgeWith<T>(prefetch.response.catch((err: unknown) => Promise.reject(fetchFailure(err))));
}
