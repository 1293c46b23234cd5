import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import type { Config } from '../config';
import { ApiError } from '../errors';
import { signCloudFrontUrl, signingKey } from './cloudfront-sign';

/** The one place the edge talks to CloudFront: signing viewer URLs and invalidating paths. */

/**
 * Derived from the keys, so a retried batch (a cleanup run finishing what a
 * crashed one started) is the same invalidation to CloudFront, not a second
 * one billed again, while any other batch gets its own.
 */
async function batchReference(keys: readonly string[]): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode([...keys].sort().join('\n')));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `s3video-${hex.slice(0, 40)}`;
}

export function objectUrl(domain: string, key: string): string {
  return `${domain}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * The viewer's network as CloudFront's `AWS:SourceIp` takes it: the address
 * with its last `32 - prefix` bits cleared, e.g. 203.0.113.77 with /24 →
 * 203.0.113.0/24. IPv4 only (CloudFront's custom policies match IPv4 ranges).
 */
export function ipv4Network(ip: string, prefix: number): string | null {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return null;
  const octets = ip.split('.').map(Number);
  if (octets.some((o) => o > 255)) return null;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const network = Math.floor(address / size) * size;
  return `${[24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.')}/${prefix}`;
}

/** What every signing failure answers: the CDN key is the only input that can make it fail. */
function cdnError(err: unknown): ApiError {
  console.error('CloudFront signing failed', err instanceof Error ? err.message : err);
  return new ApiError('CDN_ERROR', 'The video link could not be signed; the CDN key is misconfigured.');
}

/**
 * Throws CDN_ERROR unless the CDN's private key imports (once per isolate; later calls cost
 * nothing): a route that spends a quota slot before signing checks this first, so a
 * misconfigured key fails before anything is spent.
 */
export async function checkSigningKey(cdn: Config['cdn']): Promise<void> {
  try {
    await signingKey(cdn.privateKey);
  } catch (err) {
    throw cdnError(err);
  }
}

/**
 * A canned policy by default; with an IP condition a custom policy, because
 * canned policies cannot carry one. The condition names the viewer's network
 * (`PLAYBACK_IP_PREFIX` bits, /24 by default), not one address: the address
 * the worker sees (Cloudflare's CF-Connecting-IP) and the one CloudFront sees
 * can differ within a carrier-grade NAT pool or a proxy with several exits
 * (README, "PLAYBACK_IP_RESTRICT"). CloudFront's IpAddress condition takes
 * IPv4 ranges only, so a viewer who reached the edge over IPv6 gets an
 * unrestricted (still expiring) URL rather than one that can never play.
 *
 * `query` (already encoded, without `?`) becomes part of the signed resource, so a viewer cannot
 * change it; the distribution forwards only `response-content-disposition` to S3 (README,
 * "CloudFront"), which the download URL uses.
 */
export async function signPlaybackUrl(
  cdn: Config['cdn'],
  key: string,
  expiresAt: number,
  clientIp: string | undefined,
  query = '',
): Promise<string> {
  const url = objectUrl(cdn.domain, key) + (query ? `?${query}` : '');
  try {
    const network = cdn.ipRestrict && clientIp ? ipv4Network(clientIp, cdn.ipPrefix) : null;
    if (network) {
      const policy = JSON.stringify({
        Statement: [
          {
            Resource: url,
            Condition: {
              DateLessThan: { 'AWS:EpochTime': expiresAt },
              IpAddress: { 'AWS:SourceIp': network },
            },
          },
        ],
      });
      return await signCloudFrontUrl({ url, keyPairId: cdn.keyPairId, privateKey: cdn.privateKey, expires: expiresAt, policy });
    }
    return await signCloudFrontUrl({ url, keyPairId: cdn.keyPairId, privateKey: cdn.privateKey, expires: expiresAt });
  } catch (err) {
    throw cdnError(err);
  }
}

/**
 * Paths one call may invalidate. CloudFront keeps at most 3,000 file paths in
 * progress per distribution and refuses more with TooManyInvalidationsInProgress
 * (Developer Guide, "Concurrent invalidation request maximum"); the first 1,000
 * paths a month are free, each further one is billed (CloudFront pricing). One
 * call never takes more than a third of that budget, so deletes keep working.
 */
export const MAX_INVALIDATION_PATHS = 1000;

/** Refusals that mean "not now": CloudFront's in-progress limit and API throttling. */
const RETRIABLE_REFUSALS = new Set([
  'TooManyInvalidationsInProgress',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
]);

/**
 * What became of an invalidation: `created` (CloudFront accepted it, `id`),
 * `none` (no distribution configured: nothing to invalidate), `refused`
 * (CloudFront said "not now": its in-progress limit or throttling; `reason`
 * is its error code). A refusal is not an error for the caller: keys are
 * never reused and a cached copy is served only against a signed URL that is
 * still valid, so the exposure ends with the last URL signed before the
 * delete (PLAYBACK_URL_TTL_SECONDS at most).
 */
export type InvalidationResult =
  | { status: 'created'; id: string }
  | { status: 'none' }
  | { status: 'refused'; reason: string };

/**
 * One invalidation for a batch of keys (at most MAX_INVALIDATION_PATHS), so a
 * deleted video stops being served from edge caches. Any other failure
 * (credentials, a wrong distribution id, a malformed path) is CDN_ERROR: a
 * misconfiguration someone must fix, not something to wait out.
 */
export async function invalidate(
  cdn: Config['cdn'],
  credentials: { accessKeyId: string; secretAccessKey: string },
  keys: readonly string[],
): Promise<InvalidationResult> {
  if (keys.length > MAX_INVALIDATION_PATHS) {
    throw new RangeError(`invalidate: ${keys.length} paths in one call; at most ${MAX_INVALIDATION_PATHS}`);
  }
  if (!cdn.distributionId || keys.length === 0) return { status: 'none' };
  const callerReference = await batchReference(keys);
  const client = new CloudFrontClient({
    region: 'us-east-1',
    endpoint: cdn.apiEndpoint,
    credentials,
    maxAttempts: 3,
  });
  try {
    const result = await client.send(
      new CreateInvalidationCommand({
        DistributionId: cdn.distributionId,
        InvalidationBatch: {
          CallerReference: callerReference,
          Paths: { Quantity: keys.length, Items: keys.map((key) => new URL(objectUrl('http://x', key)).pathname) },
        },
      }),
    );
    const id = result.Invalidation?.Id;
    if (!id) throw new Error('CreateInvalidation answered without an Id');
    return { status: 'created', id };
  } catch (err) {
    const name = err instanceof Error ? err.name : 'UnknownError';
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    console.error('CloudFront invalidation failed', err instanceof Error ? `${name}: ${err.message}` : err);
    if (RETRIABLE_REFUSALS.has(name) || status === 429 || status === 503) return { status: 'refused', reason: name };
    throw new ApiError('CDN_ERROR', 'The CDN did not accept the cache invalidation; check the distribution id and the worker\'s CloudFront permission.');
  } finally {
    client.destroy();
  }
}
