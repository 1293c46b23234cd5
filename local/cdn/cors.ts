import type { IncomingMessage } from 'node:http';
import type { CorsConfig } from '../../infra/playback-cors.js';

/**
 * CORS as the distribution answers it with the response headers policy of
 * infra/playback-cors.ts attached (OriginOverride on, so the policy's headers
 * are the only ones): a request whose Origin is one of the configured origins
 * gets Access-Control-Allow-Origin echoing it plus the exposed headers; any
 * other request gets no CORS headers at all, so the browser refuses to let
 * the page read the answer. A preflight passes only for a configured origin,
 * an allowed method and allowed headers (README, "CloudFront").
 */

export type CorsVerdict =
  | { kind: 'none' }
  | { kind: 'actual'; headers: Record<string, string> }
  | { kind: 'preflight'; allowed: boolean; headers: Record<string, string> };

const lower = (items: readonly string[]) => items.map((s) => s.toLowerCase());

export function corsFor(req: IncomingMessage, policy: CorsConfig): CorsVerdict {
  const origin = req.headers.origin;
  const requestedMethod = req.headers['access-control-request-method'];
  const isPreflight = req.method === 'OPTIONS' && typeof requestedMethod === 'string';
  const origins = policy.AccessControlAllowOrigins.Items;
  const originAllowed = typeof origin === 'string' && (origins.includes('*') || origins.includes(origin));
  const allowOrigin = origins.includes('*') ? '*' : (origin ?? '');
  const common: Record<string, string> = { 'Access-Control-Allow-Origin': allowOrigin };
  if (policy.AccessControlAllowCredentials) common['Access-Control-Allow-Credentials'] = 'true';

  if (isPreflight) {
    const methods = policy.AccessControlAllowMethods.Items;
    const allowedHeaders = lower(policy.AccessControlAllowHeaders.Items);
    const requestedHeaders = String(req.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    const allowed =
      originAllowed &&
      (methods.includes('ALL') || methods.includes(requestedMethod)) &&
      requestedHeaders.every((h) => allowedHeaders.includes('*') || allowedHeaders.includes(h));
    if (!allowed) return { kind: 'preflight', allowed: false, headers: {} };
    return {
      kind: 'preflight',
      allowed: true,
      headers: {
        ...common,
        'Access-Control-Allow-Methods': methods.join(', '),
        'Access-Control-Allow-Headers': policy.AccessControlAllowHeaders.Items.join(', '),
        'Access-Control-Max-Age': String(policy.AccessControlMaxAgeSec),
      },
    };
  }
  if (!originAllowed) return { kind: 'none' };
  return {
    kind: 'actual',
    headers: { ...common, 'Access-Control-Expose-Headers': policy.AccessControlExposeHeaders.Items.join(', ') },
  };
}
