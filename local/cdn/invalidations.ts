import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeXml, unescapeXml } from './xml.js';

/**
 * The two CloudFront API calls the project makes about invalidations, in the
 * REST/XML shape the AWS SDK v3 CloudFrontClient sends and parses. Nothing is
 * cached here; the point is to record what was asked for and to refuse what
 * CloudFront refuses. An invalidation stays InProgress for `inProgressMs`, and
 * while it does its paths count against CloudFront's limits per distribution:
 * 3,000 file paths and 15 wildcard paths in progress, each counted on its own
 * (CloudFront Developer Guide, "Concurrent invalidation request maximum").
 */

/** CloudFront's in-progress limits per distribution. */
export const MAX_PATHS_IN_PROGRESS = 3000;
export const MAX_WILDCARD_PATHS_IN_PROGRESS = 15;
const isWildcard = (path: string) => path.includes('*');

export const API_PREFIX = '/2020-05-31/';

export interface RecordedInvalidation {
  id: string;
  distributionId: string;
  paths: string[];
  callerReference: string;
  createdAt: string;
  /** Epoch ms at which it leaves InProgress. */
  completesAt: number;
}

const NAMESPACE = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';
const ROUTE = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation(?:\/([^/]+))?$/;
const MAX_BODY_BYTES = 1024 * 1024;

export class InvalidationApi {
  readonly recorded: RecordedInvalidation[] = [];
  readonly #distributionId: string;
  readonly #inProgressMs: number;

  constructor(distributionId: string, inProgressMs = 0) {
    this.#distributionId = distributionId;
    this.#inProgressMs = inProgressMs;
  }

  /** Paths of invalidations still in progress: [file paths, wildcard paths]. */
  #inProgress(now: number): [number, number] {
    let files = 0;
    let wildcards = 0;
    for (const i of this.recorded) {
      if (i.completesAt <= now) continue;
      for (const p of i.paths) isWildcard(p) ? wildcards++ : files++;
    }
    return [files, wildcards];
  }

  async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    // The signature itself is not checked: this stand-in holds no secret keys to check it with.
    // Insisting on the SigV4 scheme still catches a client that forgot to sign, or signs for another service's format.
    if (!req.headers.authorization?.startsWith('AWS4-HMAC-SHA256')) {
      return apiError(res, 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    }
    const route = ROUTE.exec(pathname);
    const invalidationId = route?.[2];
    const isCreate = req.method === 'POST' && route && invalidationId === undefined;
    const isGet = req.method === 'GET' && route && invalidationId !== undefined;
    if (!route || !(isCreate || isGet)) {
      const message = 'This CloudFront stand-in only implements CreateInvalidation and GetInvalidation.';
      return apiError(res, 501, 'NotImplemented', message);
    }
    const distributionId = percentDecode(route[1] ?? '');
    if (distributionId !== this.#distributionId) {
      return apiError(res, 404, 'NoSuchDistribution', 'The specified distribution does not exist.');
    }

    if (invalidationId !== undefined) {
      const found = this.recorded.find((i) => i.id === percentDecode(invalidationId));
      if (!found) return apiError(res, 404, 'NoSuchInvalidation', 'The specified invalidation does not exist.');
      return sendXml(res, 200, invalidationXml(found, Date.now()));
    }

    const body = await readBody(req);
    const batch = body === null ? null : parseInvalidationBatch(body);
    if (!batch) return apiError(res, 400, 'MalformedInput', 'The request body is not a valid InvalidationBatch.');
    if (batch.quantity !== batch.paths.length) {
      return apiError(res, 400, 'InconsistentQuantities', 'The value of Quantity and the size of Items do not match.');
    }
    if (batch.paths.length === 0 || batch.paths.some((p) => !p.startsWith('/'))) {
      return apiError(res, 400, 'InvalidArgument', 'Your request contains one or more invalid invalidation paths.');
    }

    // CloudFront's idempotency rule: the same CallerReference with the same paths returns the
    // first invalidation; with different paths it is a conflict.
    const earlier = this.recorded.find(
      (i) => i.distributionId === distributionId && i.callerReference === batch.callerReference,
    );
    if (earlier && earlier.paths.join('\n') !== batch.paths.join('\n')) {
      return apiError(
        res,
        409,
        'InvalidationBatchAlreadyExists',
        'The CallerReference was already used for a different invalidation batch.',
      );
    }
    const now = Date.now();
    if (!earlier) {
      const [files, wildcards] = this.#inProgress(now);
      const newWildcards = batch.paths.filter(isWildcard).length;
      const newFiles = batch.paths.length - newWildcards;
      if (files + newFiles > MAX_PATHS_IN_PROGRESS || wildcards + newWildcards > MAX_WILDCARD_PATHS_IN_PROGRESS) {
        return apiError(
          res,
          400,
          'TooManyInvalidationsInProgress',
          'Your request contains too many invalidations. The maximum number of allowable InProgress invalidation batch requests, or invalidation objects, has been exceeded.',
        );
      }
    }
    const invalidation = earlier ?? {
      id: newInvalidationId(),
      distributionId,
      paths: batch.paths,
      callerReference: batch.callerReference,
      createdAt: new Date(now).toISOString(),
      completesAt: now + this.#inProgressMs,
    };
    if (!earlier) this.recorded.push(invalidation);
    res.setHeader('Location', `http://${req.headers.host ?? 'localhost'}${pathname}/${invalidation.id}`);
    sendXml(res, 201, invalidationXml(invalidation, now));
  }
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

interface InvalidationBatch {
  paths: string[];
  quantity: number;
  callerReference: string;
}

/** Enough XML for the one fixed document the SDK sends; no DTDs, CDATA or attributes to care about. */
function parseInvalidationBatch(xml: string): InvalidationBatch | null {
  const root = /<InvalidationBatch\b[^>]*>([\s\S]*)<\/InvalidationBatch>/.exec(xml)?.[1];
  const callerReference = root && /<CallerReference>([\s\S]*?)<\/CallerReference>/.exec(root)?.[1];
  const paths = root && /<Paths>([\s\S]*?)<\/Paths>/.exec(root)?.[1];
  const quantity = paths && /<Quantity>\s*(\d+)\s*<\/Quantity>/.exec(paths)?.[1];
  if (!callerReference || paths === undefined || !quantity) return null;
  return {
    paths: [...paths.matchAll(/<Path>([\s\S]*?)<\/Path>/g)].map((m) => unescapeXml(m[1] ?? '')),
    quantity: Number(quantity),
    callerReference: unescapeXml(callerReference),
  };
}

function invalidationXml(invalidation: RecordedInvalidation, now: number): string {
  const status = invalidation.completesAt > now ? 'InProgress' : 'Completed';
  const items = invalidation.paths.map((p) => `<Path>${escapeXml(p)}</Path>`).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<Invalidation xmlns="${NAMESPACE}">` +
    `<Id>${invalidation.id}</Id><Status>${status}</Status><CreateTime>${invalidation.createdAt}</CreateTime>` +
    '<InvalidationBatch>' +
    `<Paths><Quantity>${invalidation.paths.length}</Quantity><Items>${items}</Items></Paths>` +
    `<CallerReference>${escapeXml(invalidation.callerReference)}</CallerReference>` +
    '</InvalidationBatch></Invalidation>'
  );
}

// Real ids are "I" and 13 upper-case alphanumerics, e.g. I2J0I21PCUYOIK.
function newInvalidationId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return `I${[...randomBytes(13)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

/** null when over the limit; the rest is still drained so the 400 reaches the client. */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size <= MAX_BODY_BYTES ? Buffer.concat(chunks).toString('utf8') : null;
}

function sendXml(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/xml',
    'Content-Length': Buffer.byteLength(xml),
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(xml);
}

/** The CloudFront API's error envelope, which the SDK turns into a typed exception by its Code. */
function apiError(res: ServerResponse, status: number, code: string, message: string): void {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  sendXml(
    res,
    status,
    '<?xml version="1.0" encoding="UTF-8"?>' +
      `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${type}</Type><Code>${code}</Code>` +
      `<Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}
