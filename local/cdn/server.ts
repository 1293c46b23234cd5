import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { CorsConfig } from '../../infra/playback-cors.js';
import { corsFor } from './cors.js';
import { API_PREFIX, InvalidationApi, type RecordedInvalidation } from './invalidations.js';
import { Origin, type OriginConfig, type OriginQuery, type OriginResponse } from './origin.js';
import { parseRange } from './range.js';
import { loadPublicKeys, verifySignedUrl, type PublicKeys } from './signed-url.js';
import { viewerErrorXml } from './xml.js';

/**
 * A local CloudFront distribution with "restrict viewer access" on, in front
 * of one S3 bucket, plus the invalidation calls of the CloudFront API on the
 * same port.
 */

export interface CdnOptions {
  /** 0 picks a free port. */
  port: number;
  /** Loopback only: this server hands out private objects to anyone holding a URL. */
  host?: '127.0.0.1';
  /** Key-Pair-Id → PEM public key: the distribution's trusted key group. */
  keys: Record<string, string>;
  distributionId: string;
  s3: OriginConfig;
  /** Take the viewer address for IpAddress conditions from X-Forwarded-For, as behind a proxy. */
  trustForwardedFor?: boolean;
  /** The response headers policy's CORS settings (infra/playback-cors.ts `playbackCorsConfig`). */
  cors: CorsConfig;
  /**
   * How long an invalidation stays InProgress (CloudFront: typically minutes). While in
   * progress its paths count against CloudFront's limits (3,000 file paths, 15 wildcard
   * paths per distribution). 0, the default, completes each at once.
   */
  invalidationMs?: number;
}

export interface RunningCdn {
  url: string;
  port: number;
  /** Every invalidation accepted so far, oldest first (the same data as GET /__cdn/invalidations). */
  invalidations: RecordedInvalidation[];
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const DEBUG_INVALIDATIONS_PATH = '/__cdn/invalidations';

export async function startCdn(options: CdnOptions): Promise<RunningCdn> {
  if (Object.keys(options.keys).length === 0) throw new Error('startCdn: at least one public key is needed');
  const keys = loadPublicKeys(options.keys);
  const api = new InvalidationApi(options.distributionId, options.invalidationMs ?? 0);
  const origin = new Origin(options.s3);
  const viewer = { keys, origin, trustForwardedFor: options.trustForwardedFor ?? false, cors: options.cors };

  const server = createServer((req, res) => {
    route(req, res, viewer, api).catch((err: unknown) => {
      console.error('cdn: request failed', err);
      if (res.headersSent) res.destroy();
      else sendViewerError(res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${HOST}:${port}`,
    port,
    invalidations: api.recorded,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => {
          origin.destroy();
          if (err) reject(err);
          else resolve();
        });
        // Keep-alive sockets and half-watched videos would otherwise hold close() open indefinitely.
        server.closeAllConnections();
      }),
  };
}

interface Viewer {
  keys: PublicKeys;
  origin: Origin;
  trustForwardedFor: boolean;
  cors: CorsConfig;
}

async function route(req: IncomingMessage, res: ServerResponse, viewer: Viewer, api: InvalidationApi): Promise<void> {
  const rawUrl = req.url ?? '/';
  const pathname = rawUrl.split('?', 1)[0] ?? '/';
  if (pathname.startsWith(API_PREFIX)) return api.handle(req, res, pathname);
  if (pathname === DEBUG_INVALIDATIONS_PATH && req.method === 'GET') {
    const json = JSON.stringify(api.recorded);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
    res.end(json);
    return;
  }
  return serveObject(req, res, rawUrl, pathname, viewer);
}

async function serveObject(
  req: IncomingMessage,
  res: ServerResponse,
  rawUrl: string,
  pathname: string,
  viewer: Viewer,
): Promise<void> {
  const cors = corsFor(req, viewer.cors);
  if (cors.kind === 'preflight') {
    // The preflight reaches S3 (Origin and Access-Control-Request-* forwarded), which answers
    // 200 or refuses with its CORSResponse error; the policy's headers replace S3's own.
    if (!cors.allowed) {
      return sendViewerError(res, 403, 'AccessForbidden', 'CORSResponse: This CORS request is not allowed.');
    }
    res.writeHead(200, { ...cors.headers, 'Content-Length': '0' });
    res.end();
    return;
  }
  if (cors.kind === 'actual') for (const [name, value] of Object.entries(cors.headers)) res.setHeader(name, value);
  res.setHeader('Accept-Ranges', 'bytes');

  if (req.method === 'OPTIONS') {
    return sendViewerError(res, 400, 'BadRequest', 'Insufficient information. Origin request header needed.');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const message =
      'This distribution is not configured to allow the HTTP request method that was used for this request.';
    return sendViewerError(res, 403, 'MethodNotAllowed', message);
  }

  const verdict = verifySignedUrl(
    {
      url: `http://${req.headers.host ?? HOST}${rawUrl}`,
      clientIp: clientIp(req, viewer.trustForwardedFor),
      now: new Date(),
    },
    viewer.keys,
  );
  if (!verdict.ok) return sendViewerError(res, verdict.status, verdict.code, verdict.message);

  let key: string;
  try {
    key = decodeURIComponent(pathname.slice(1));
  } catch {
    return sendViewerError(res, 400, 'InvalidURI', "Couldn't parse the specified URI.");
  }
  // S3 has no object without a name, and the SDK refuses to ask for one.
  if (key === '') return sendViewerError(res, 404, 'NoSuchKey', 'The specified key does not exist.');

  const range = parseRange(req.headers.range);
  const query = originQuery(rawUrl);
  const viewerGone = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) viewerGone.abort();
  });

  let result: OriginResponse;
  try {
    result =
      req.method === 'HEAD'
        ? await viewer.origin.head(key, range, viewerGone.signal, query)
        : await viewer.origin.get(key, range, viewerGone.signal, query);
  } catch (err) {
    if (viewerGone.signal.aborted) return;
    console.error('cdn: origin unreachable', err);
    return sendViewerError(res, 502, 'OriginUnreachable', "CloudFront wasn't able to connect to the origin.");
  }

  if ('error' in result) {
    const { code, message, key: missingKey } = result.error;
    return sendViewerError(res, result.status, code, message, missingKey === undefined ? {} : { Key: missingKey });
  }
  if (result.status === 416) {
    res.setHeader('Content-Range', `bytes */${result.size}`);
    return sendViewerError(res, 416, 'InvalidRange', 'The requested range is not satisfiable', {
      RangeRequested: req.headers.range ?? '',
      ActualObjectSize: String(result.size),
    });
  }

  const { body } = result;
  if (viewerGone.signal.aborted) {
    body?.destroy();
    return;
  }
  res.writeHead(result.status, result.headers);
  if (!body) {
    res.end();
    return;
  }
  try {
    // pipeline destroys the S3 stream (and its socket) when the viewer hangs up mid-video.
    await pipeline(body, res);
  } catch (err) {
    if (!viewerGone.signal.aborted) console.error('cdn: streaming from origin failed', err);
  }
}

/**
 * The distribution forwards to S3 only the query strings in its cache key, and that key lists
 * one: `response-content-disposition` (infra/stack.ts). Everything else — the viewer's
 * Signature, Policy, Key-Pair-Id, Expires, and any parameter someone appends — stays here.
 */
function originQuery(rawUrl: string): OriginQuery {
  const at = rawUrl.indexOf('?');
  if (at === -1) return {};
  const value = new URLSearchParams(rawUrl.slice(at + 1)).get('response-content-disposition');
  return value === null ? {} : { responseContentDisposition: value };
}

function clientIp(req: IncomingMessage, trustForwardedFor: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustForwardedFor && forwarded) {
    const first = String(forwarded).split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? '';
}

function sendViewerError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): void {
  const xml = viewerErrorXml(code, message, extra);
  res.writeHead(status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml) });
  res.end(xml);
}
