import { sign, verify } from 'hono/jwt';
import { JwtTokenExpired } from 'hono/utils/jwt/types';
import {
  MAX_TOKEN_LIFETIME_SECONDS,
  MAX_UPLOAD_BYTES,
  RECEIPT_AUDIENCE,
  RECEIPT_ISSUER,
  TOKEN_AUDIENCE,
  type ReceiptClaims,
  type Role,
  type Scope,
  type TokenClaims,
} from '../contract';
import { ApiError } from '../http/errors';

const ROLES: readonly Role[] = ['student', 'teacher', 'admin'];
const SCOPES: readonly Scope[] = ['upload', 'view', 'admin', 'claim', 'server'];
/** Moodle's clock and the edge's may disagree a little; a token "from the future" beyond this is forged or broken. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * The HS256 key for a secret, imported once per isolate: hono/jwt imports a string secret again
 * on every sign and verify. One key for both, as HMAC signs and verifies with the same secret.
 */
const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    hmacKeys.set(secret, key);
    key.catch(() => hmacKeys.delete(secret));
  }
  return key;
}

function isPositiveInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function bad(message: string): never {
  throw new ApiError('INVALID_TOKEN', message);
}

/**
 * True when `segment` is the one canonical base64url encoding of its bytes (RFC 7515 §2:
 * the URL-safe alphabet, no padding, unused trailing bits zero). Browsers' `atob` forgives
 * padding, `+`/`/` and non-zero trailing bits, so one signature has many spellings; only
 * re-encoding the decoded bytes tells the spelling that was signed from its variants.
 */
export function isCanonicalBase64url(segment: string): boolean {
  if (segment === '' || !/^[A-Za-z0-9_-]+$/.test(segment) || segment.length % 4 === 1) return false;
  let binary: string;
  try {
    binary = atob(segment.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return false;
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') === segment;
}

/** A compact JWS (header.payload.signature) whose every segment is canonical base64url. */
function isCanonicalJws(jws: string): boolean {
  const segments = jws.split('.');
  return segments.length === 3 && segments.every(isCanonicalBase64url);
}

/**
 * Verifies a token Moodle signed: HS256 only, our audience, a listed site,
 * not expired, and claims of the right shape for its scope. Anything else
 * is a 401 — the edge never guesses what a malformed token meant.
 */
export async function verifyToken(
  token: string,
  secret: string,
  issuers: readonly string[],
  now: number,
): Promise<TokenClaims> {
  if (!isCanonicalJws(token)) bad('The token is invalid.');
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, await hmacKey(secret), { alg: 'HS256', aud: TOKEN_AUDIENCE, iat: false });
  } catch (err) {
    if (err instanceof JwtTokenExpired) throw new ApiError('TOKEN_EXPIRED', 'The token has expired; reload the page.');
    bad('The token is invalid.');
  }
  const { iss, sub, role, scope, iat, exp } = payload;
  if (typeof iss !== 'string' || !issuers.includes(iss.replace(/\/+$/, ''))) bad('The token comes from a site this edge does not serve.');
  if (typeof sub !== 'string' || !/^\d{1,18}$/.test(sub)) bad('The token has no valid user.');
  if (typeof exp !== 'number') bad('The token has no expiry.');
  if (typeof iat !== 'number' || iat > now + CLOCK_SKEW_SECONDS) bad('The token has no valid issue time.');
  if (!ROLES.includes(role as Role)) bad('The token has no valid role.');
  if (!SCOPES.includes(scope as Scope)) bad('The token has no valid scope.');
  // A leaked long-lived token is a standing key: no scope may outlive what Moodle issues plus margin.
  const maxLifetime = MAX_TOKEN_LIFETIME_SECONDS[scope as Scope];
  if (exp - iat > maxLifetime) bad(`The token lives longer than a ${scope} token may (${maxLifetime} s).`);
  // Site-wide scopes name no resource; every other token is one submission's.
  if (scope !== 'admin' && scope !== 'server') {
    for (const id of ['courseid', 'assignmentid', 'submissionid']) {
      if (!isPositiveInt(payload[id])) bad(`The token has no valid ${id}.`);
    }
  }
  if (scope === 'view' && payload.captions !== undefined && typeof payload.captions !== 'boolean') {
    bad('The view token has an invalid captions claim.');
  }
  if (scope === 'upload') {
    if (!isPositiveInt(payload.maxbytes)) bad('The upload token has no valid maxbytes.');
    payload.maxbytes = Math.min(payload.maxbytes, MAX_UPLOAD_BYTES);
  }
  return { ...payload, iss: iss.replace(/\/+$/, '') } as unknown as TokenClaims;
}

export async function signReceipt(claims: Omit<ReceiptClaims, 'iss' | 'aud'>, secret: string): Promise<string> {
  const payload: ReceiptClaims = { iss: RECEIPT_ISSUER, aud: RECEIPT_AUDIENCE, ...claims };
  return sign({ ...payload }, await hmacKey(secret), 'HS256');
}

/** The claim endpoint gets a receipt back from Moodle; it must be one the edge signed. */
export async function verifyReceipt(receipt: string, secret: string): Promise<ReceiptClaims> {
  if (!isCanonicalJws(receipt)) throw new ApiError('INVALID_TOKEN', 'The upload receipt is invalid.');
  let payload: Record<string, unknown>;
  try {
    payload = await verify(receipt, await hmacKey(secret), { alg: 'HS256', aud: RECEIPT_AUDIENCE, iss: RECEIPT_ISSUER, iat: false });
  } catch (err) {
    if (err instanceof JwtTokenExpired) {
      throw new ApiError('TOKEN_EXPIRED', 'The upload receipt has expired; upload the video again.');
    }
    throw new ApiError('INVALID_TOKEN', 'The upload receipt is invalid.');
  }
  if (!isPositiveInt(payload.videoid) || typeof payload.site !== 'string') {
    throw new ApiError('INVALID_TOKEN', 'The upload receipt is invalid.');
  }
  return payload as unknown as ReceiptClaims;
}
