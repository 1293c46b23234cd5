import { createHmac, createVerify, timingSafeEqual } from 'node:crypto';

/** HS256 checked with node:crypto alone, so a receipt is not vouched for by the library that signed it. */
export function verifyHs256(jwt: string, secret: string): Record<string, unknown> {
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) throw new Error('not a JWT');
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('bad signature');
  const head = JSON.parse(Buffer.from(header, 'base64url').toString());
  if (head.alg !== 'HS256') throw new Error(`alg ${head.alg}`);
  return JSON.parse(Buffer.from(payload, 'base64url').toString());
}

/** CloudFront's URL-safe base64 back to standard base64. */
const fromCloudFront = (s: string) => s.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/');

/**
 * Rebuilds the policy a signed URL stands for and checks its RSA-SHA1
 * signature against the public key, as CloudFront does.
 */
export function verifyCloudFrontUrl(signedUrl: string, publicKeyPem: string): { policy: string; keyPairId: string } {
  const url = new URL(signedUrl);
  const signature = url.searchParams.get('Signature');
  const keyPairId = url.searchParams.get('Key-Pair-Id');
  if (!signature || !keyPairId) throw new Error('unsigned URL');
  let policy: string;
  const custom = url.searchParams.get('Policy');
  if (custom) {
    policy = Buffer.from(fromCloudFront(custom), 'base64').toString();
  } else {
    const expires = Number(url.searchParams.get('Expires'));
    for (const p of ['Expires', 'Signature', 'Key-Pair-Id']) url.searchParams.delete(p);
    const resource = url.toString().replace(/\?$/, '');
    policy = JSON.stringify({ Statement: [{ Resource: resource, Condition: { DateLessThan: { 'AWS:EpochTime': expires } } }] });
  }
  const ok = createVerify('RSA-SHA1').update(policy).verify(publicKeyPem, Buffer.from(fromCloudFront(signature), 'base64'));
  if (!ok) throw new Error('signature does not verify');
  return { policy, keyPairId };
}
