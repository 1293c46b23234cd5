/**
 * CloudFront signed URLs with WebCrypto: RSASSA-PKCS1-v1_5 over SHA-1, which CloudFront
 * requires for signed URLs (Developer Guide, "Create a signature for a signed URL"), the private
 * key imported ONCE per isolate and kept as a CryptoKey. The output is byte-identical to
 * @aws-sdk/cloudfront-signer's getSignedUrl for the same inputs (test/cdn/cloudfront-sign.test.ts);
 * that library parses the PEM and builds the RSA key again on every call (node:crypto
 * createSign), which was the largest part of a playback-url request's CPU time (README,
 * "What a request costs").
 */

/** PEM text → the CryptoKey, per isolate. A failed import is not kept, so a fixed secret is retried. */
const imported = new Map<string, Promise<CryptoKey>>();

/** DER length octets. */
function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return [0x80 | bytes.length, ...bytes];
}

/**
 * The PKCS #8 DER of a PEM private key. WebCrypto imports PKCS #8 only; `openssl genrsa` in
 * OpenSSL 1.x (and AWS's older instructions) write PKCS #1 ("BEGIN RSA PRIVATE KEY"), which is
 * wrapped here as RFC 5208 says: SEQUENCE { INTEGER 0, SEQUENCE { rsaEncryption, NULL }, OCTET STRING pkcs1 }.
 */
export function pkcs8Der(pem: string): Uint8Array<ArrayBuffer> {
  const match = /-----BEGIN (RSA )?PRIVATE KEY-----([\s\S]+?)-----END \1?PRIVATE KEY-----/.exec(pem);
  if (!match) throw new Error('the key is not a PEM private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)');
  const der = Uint8Array.from(atob(match[2]!.replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  if (!match[1]) return der;
  const algorithm = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];
  const octets = [0x04, ...derLength(der.length)];
  const body = 3 + algorithm.length + octets.length + der.length;
  return Uint8Array.from([0x30, ...derLength(body), 0x02, 0x01, 0x00, ...algorithm, ...octets, ...der]);
}

export function signingKey(pem: string): Promise<CryptoKey> {
  let key = imported.get(pem);
  if (!key) {
    key = crypto.subtle.importKey('pkcs8', pkcs8Der(pem), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' }, false, ['sign']);
    imported.set(pem, key);
    key.catch(() => imported.delete(pem));
  }
  return key;
}

/** CloudFront's URL-safe base64: `+` → `-`, `=` → `_`, `/` → `~`. */
function cloudfrontBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/[+=/]/g, (c) => (c === '+' ? '-' : c === '=' ? '_' : '~'));
}

/** As the SDK's signer does for a canned policy's URL: each path segment decoded and encoded again. */
function encodeUrlPath(url: string): string {
  const authority = url.indexOf('//');
  const path = authority === -1 ? -1 : url.indexOf('/', authority + 2);
  if (path === -1) return url;
  return url.slice(0, path) + url.slice(path).replace(/[^/]+/g, (segment) => {
    try {
      return encodeURIComponent(decodeURIComponent(segment));
    } catch {
      return encodeURIComponent(segment);
    }
  });
}

/**
 * A signed URL for `url` (no query string): with `policy` (a custom policy's JSON text, whose
 * first Resource is `url`) `?Policy=…&Key-Pair-Id=…&Signature=…`, otherwise a canned policy
 * expiring at `expires` (Unix seconds), `?Expires=…&Key-Pair-Id=…&Signature=…`.
 */
export async function signCloudFrontUrl(o: { url: string; keyPairId: string; privateKey: string; expires: number; policy?: string }): Promise<string> {
  if (o.url.includes('?')) throw new Error('signCloudFrontUrl: the URL must have no query string');
  const key = await signingKey(o.privateKey);
  const base = o.policy === undefined ? encodeUrlPath(o.url) : o.url;
  const policy = o.policy ?? JSON.stringify({ Statement: [{ Resource: base, Condition: { DateLessThan: { 'AWS:EpochTime': o.expires } } }] });
  const signature = cloudfrontBase64(new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, new TextEncoder().encode(policy))));
  const first = o.policy === undefined ? `Expires=${o.expires}` : `Policy=${cloudfrontBase64(new TextEncoder().encode(policy))}`;
  return `${base}?${first}&Key-Pair-Id=${encodeURIComponent(o.keyPairId)}&Signature=${signature}`;
}
