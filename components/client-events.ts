import type { ClientEventRequest } from '../edge/src/contract';
import type { Edge } from './edge-client';

/**
 * The one way the elements log what went wrong in the browser (an upload's
 * retries and failures, a playback failure): `POST /api/events`, with the
 * browser named. Best effort, sent once and never retried: a report that
 * cannot be sent must never become the user's problem.
 */
export function sendClientEvent(edge: Edge, event: ClientEventRequest): void {
  const body: ClientEventRequest = {
    ...event,
    error_code: event.error_code?.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 64),
    error_message: event.error_message?.slice(0, 1000),
    error_context: { ...event.error_context, userAgent: navigator.userAgent.slice(0, 200) },
  };
  edge('POST /api/events', { body }).catch(() => undefined);
}
