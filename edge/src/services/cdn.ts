import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import type { Config } from '../config';
import { ApiError } from '../http/errors';

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
 * A canned policy by default; with an IP condition a custom policy, because
 * canned policies cannot carry one. CloudFront's IpAddress condition takes
 * IPv4 ranges only, so a viewer who reached the edge over IPv6 gets an
 * unrestricted (still expiring) URL rather than one that can never play.
 */
export function signPlaybackUrl(
  cdn: Config['cdn'],
  key: string,
  expiresAt: number,
  clientIp: string | undefined,
): string {
  const url = objectUrl(cdn.domain, key);
  try {
    if (cdn.ipRestrict && clientIp && /^\d{1,3}(\.\d{1,3}){3}$/.test(clientIp)) {
      const cidr = `${clientIp}/32`;
      const policy = JSON.stringify({
        Statement: [
          {
            Resource: url,
            Condition: {
              DateLessThan: { 'AWS:EpochTime': expiresAt },
              IpAddress: { 'AWS:SourceIp': cidr },
            },
          },
        ],
      });
      return getSignedUrl({ keyPairId: cdn.keyPairId, privateKey: cdn.privateKey, policy });
    }
    return getSignedUrl({
      url,
      keyPairId: cdn.keyPairId,
      privateKey: cdn.privateKey,
      dateLessThan: new Date(expiresAt * 1000).toISOString(),
    });
  } catch (err) {
    console.error('CloudFront signing failed', err instanceof Error ? err.message : err);
    throw new ApiError('CDN_ERROR', 'The video link could not be signed; the CDN key is misconfigured.');
  }
}

/**
 * One invalidation for a batch of keys, so a deleted video stops being served
 * from edge caches. Without a distribution id (no CDN cache in front) there
 * is nothing to invalidate.
 */
export async function invalidate(
  cdn: Config['cdn'],
  credentials: { accessKeyId: string; secretAccessKey: string },
  keys: readonly string[],
): Promise<string | null> {
  if (!cdn.distributionId || keys.length === 0) return null;
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
    return result.Invalidation?.Id ?? null;
  } catch (err) {
    console.error('CloudFront invalidation failed', err instanceof Error ? `${err.name}: ${err.message}` : err);
    throw new ApiError('CDN_ERROR', 'The CDN did not accept the cache invalidation; try again in a moment.');
  }
}
