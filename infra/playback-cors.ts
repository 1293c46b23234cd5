/**
 * The CORS half of the distribution's response headers policy, in CloudFormation's
 * `AWS::CloudFront::ResponseHeadersPolicy CorsConfig` shape. One definition for the CDK stack
 * (infra/stack.ts) and the local CloudFront stand-in (local/cdn/cors.ts), so the stand-in
 * answers exactly as the deployed policy does.
 *
 * What the browser needs: `<s3v-player>`'s error probe is a cross-origin `fetch()` with a
 * `Range` header from the Moodle page to the CloudFront domain; it reads the status and
 * `Content-Range`/`Content-Length` to tell "expired or refused" from "network down", and a
 * `<video>` seeks with ranges. Nothing is sent with credentials (the signature is in the URL).
 * Settings: CloudFront Developer Guide, "Understand response headers policies" → CORS headers.
 */
export interface CorsConfig {
  AccessControlAllowCredentials: boolean;
  AccessControlAllowHeaders: { Items: string[] };
  AccessControlAllowMethods: { Items: string[] };
  AccessControlAllowOrigins: { Items: string[] };
  AccessControlExposeHeaders: { Items: string[] };
  AccessControlMaxAgeSec: number;
  OriginOverride: boolean;
}

export const PLAYBACK_CORS = {
  allowHeaders: ['Range'],
  // OPTIONS answers the preflight a Range request triggers; nothing else is ever sent.
  allowMethods: ['GET', 'HEAD', 'OPTIONS'],
  exposeHeaders: ['Content-Range', 'Content-Length', 'Accept-Ranges'],
  maxAgeSeconds: 600,
} as const;

/** The policy for the Moodle origins (scheme://host[:port], no path), e.g. ["https://moodle.example.edu"]. */
export function playbackCorsConfig(origins: readonly string[]): CorsConfig {
  if (origins.length === 0) throw new Error('playbackCorsConfig: at least one Moodle origin is needed');
  for (const origin of origins) {
    if (new URL(origin).origin !== origin) throw new Error(`playbackCorsConfig: "${origin}" is not an origin (scheme://host[:port])`);
  }
  return {
    AccessControlAllowCredentials: false,
    AccessControlAllowHeaders: { Items: [...PLAYBACK_CORS.allowHeaders] },
    AccessControlAllowMethods: { Items: [...PLAYBACK_CORS.allowMethods] },
    AccessControlAllowOrigins: { Items: [...origins] },
    AccessControlExposeHeaders: { Items: [...PLAYBACK_CORS.exposeHeaders] },
    AccessControlMaxAgeSec: PLAYBACK_CORS.maxAgeSeconds,
    // S3 (behind OAC) sends no CORS headers of its own; the policy's are the only ones.
    OriginOverride: true,
  };
}
