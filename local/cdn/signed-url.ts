import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * CloudFront's signed-URL check, as a pure function: the request URL, the
 * viewer's address and the clock in, a verdict out. Codes and messages are the
 * ones CloudFront's 403 documents are seen to carry; where CloudFront's order
 * of checks is unknown, a URL with several faults may be refused for another.
 */

export type Verdict = { ok: true } | { ok: false; status: 403; code: string; message: string };

export interface ViewerRequest {
  /** Absolute URL exactly as the viewer sent it (scheme, Host header, raw path and query), not re-encoded. */
  url: string;
  clientIp: string;
  now: Date;
}

export type PublicKeys = ReadonlyMap<string, KeyObject>;

export function loadPublicKeys(pems: Record<string, string>): PublicKeys {
  return new Map(Object.entries(pems).map(([id, pem]) => [id, createPublicKey(pem)]));
}

const SIGNING_PARAMS = new Set(['Expires', 'Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm']);

// Hash-Algorithm is CloudFront's later addition; URLs without it are SHA-1.
const HASHES = new Map([
  ['SHA1', 'sha1'],
  ['SHA256', 'sha256'],
]);

const deny = (code: string, message: string): Verdict => ({ ok: false, status: 403, code, message });
const ACCESS_DENIED = deny('AccessDenied', 'Access denied');
const MALFORMED_POLICY = deny('MalformedPolicy', 'Malformed Policy');

export function verifySignedUrl(request: ViewerRequest, keys: PublicKeys): Verdict {
  const { resource, params } = splitSignedUrl(request.url);

  const keyPairId = params.get('Key-Pair-Id');
  if (!keyPairId) return deny('MissingKey', 'Missing Key-Pair-Id query parameter or cookie value');
  const key = keys.get(keyPairId);
  if (!key) return deny('InvalidKey', 'Unknown Key');

  const hash = HASHES.get(params.get('Hash-Algorithm') ?? 'SHA1');
  if (!hash) return ACCESS_DENIED;

  const signature = decodeCloudFrontBase64(params.get('Signature') ?? '');
  if (!signature) return deny('MalformedSignature', 'Could not unencode Signature');

  let signed: Buffer;
  let policy: Policy;
  const encodedPolicy = params.get('Policy');
  if (encodedPolicy !== undefined) {
    const decoded = decodeCloudFrontBase64(encodedPolicy);
    if (!decoded) return MALFORMED_POLICY;
    const parsed = parsePolicy(decoded.toString('utf8'));
    if (!parsed) return MALFORMED_POLICY;
    signed = decoded;
    policy = parsed;
  } else {
    const expires = params.get('Expires');
    if (expires === undefined) return MALFORMED_POLICY;
    if (!/^\d{1,12}$/.test(expires)) return ACCESS_DENIED;
    // A canned policy never travels: CloudFront rebuilds it byte for byte from the URL, so
    // any change to the path, the other query parameters or Expires breaks the signature.
    const condition = `{"DateLessThan":{"AWS:EpochTime":${expires}}}`;
    signed = Buffer.from(`{"Statement":[{"Resource":${JSON.stringify(resource)},"Condition":${condition}}]}`);
    policy = { resource, dateLessThan: Number(expires) };
  }

  if (!signatureMatches(hash, signed, key, signature)) return ACCESS_DENIED;
  return policyAllows(policy, resource, request) ? { ok: true } : ACCESS_DENIED;
}

function signatureMatches(hash: string, signed: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify(hash, signed, key, signature);
  } catch {
    // OpenSSL throws rather than answering false for some garbage (e.g. an ECDSA signature that is not DER).
    return false;
  }
}

/**
 * The URL minus CloudFront's own parameters is what a policy's Resource names.
 * Works on the raw text, because the signer signed the percent-encoding the
 * viewer sends, and decoding or re-encoding would change it.
 */
function splitSignedUrl(url: string): { resource: string; params: Map<string, string> } {
  const withoutFragment = url.split('#', 1)[0] ?? '';
  const queryAt = withoutFragment.indexOf('?');
  const base = queryAt === -1 ? withoutFragment : withoutFragment.slice(0, queryAt);
  const query = queryAt === -1 ? '' : withoutFragment.slice(queryAt + 1);

  const params = new Map<string, string>();
  const kept: string[] = [];
  for (const pair of query === '' ? [] : query.split('&')) {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    if (!SIGNING_PARAMS.has(name)) {
      kept.push(pair);
      continue;
    }
    if (!params.has(name)) params.set(name, percentDecode(eq === -1 ? '' : pair.slice(eq + 1)));
  }
  return { resource: kept.length ? `${base}?${kept.join('&')}` : base, params };
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** CloudFront's URL-safe base64 (`-` `_` `~` for `+` `=` `/`); null when it is not that. */
function decodeCloudFrontBase64(text: string): Buffer | null {
  const standard = text.replace(/[-_~]/g, (c) => ({ '-': '+', _: '=', '~': '/' })[c] ?? c);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(standard)) return null;
  return Buffer.from(standard, 'base64');
}

interface Cidr {
  network: number;
  mask: number;
}

interface Policy {
  /** Absent means any URL: CloudFront lets such a policy open every object the key can sign for. */
  resource?: string;
  dateLessThan: number;
  dateGreaterThan?: number;
  sourceIp?: Cidr;
}

function parsePolicy(text: string): Policy | null {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(document) || !Array.isArray(document.Statement) || document.Statement.length !== 1) return null;
  const statement: unknown = document.Statement[0];
  if (!isObject(statement) || !isObject(statement.Condition)) return null;
  const { Resource: resource, Condition: condition } = statement;
  if (resource !== undefined && typeof resource !== 'string') return null;

  const dateLessThan = epochOf(condition.DateLessThan);
  if (dateLessThan === undefined) return null;
  const policy: Policy = { dateLessThan };
  if (resource !== undefined) policy.resource = resource;

  if (condition.DateGreaterThan !== undefined) {
    const dateGreaterThan = epochOf(condition.DateGreaterThan);
    if (dateGreaterThan === undefined) return null;
    policy.dateGreaterThan = dateGreaterThan;
  }
  if (condition.IpAddress !== undefined) {
    const range = isObject(condition.IpAddress) ? condition.IpAddress['AWS:SourceIp'] : undefined;
    const cidr = typeof range === 'string' ? parseCidr(range) : null;
    if (!cidr) return null;
    policy.sourceIp = cidr;
  }
  return policy;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// CloudFront wants a bare JSON number of seconds; "1700000000" in quotes is malformed.
function epochOf(condition: unknown): number | undefined {
  const value = isObject(condition) ? condition['AWS:EpochTime'] : undefined;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

// IPv4 only, as in CloudFront: its policies cannot restrict IPv6 viewers.
function parseCidr(text: string): Cidr | null {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(text);
  if (!match) return null;
  const address = parseIpv4(match[1] ?? '');
  const bits = Number(match[2]);
  if (address === null || bits > 32) return null;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { network: (address & mask) >>> 0, mask };
}

function parseIpv4(text: string): number | null {
  const octets = text.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return null;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

function policyAllows(policy: Policy, resource: string, request: ViewerRequest): boolean {
  const now = Math.floor(request.now.getTime() / 1000);
  if (now >= policy.dateLessThan) return false;
  if (policy.dateGreaterThan !== undefined && now < policy.dateGreaterThan) return false;
  if (policy.sourceIp) {
    const client = parseIpv4(request.clientIp.replace(/^::ffff:/i, ''));
    if (client === null || ((client & policy.sourceIp.mask) >>> 0) !== policy.sourceIp.network) return false;
  }
  return policy.resource === undefined || wildcardMatch(policy.resource, resource);
}

/**
 * `*` is any run of characters, `?` exactly one. Iterative with one backtrack
 * point, so a pattern full of stars stays linear-ish instead of exploding the
 * way a translated RegExp can.
 */
function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (pattern[p] === '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (star !== -1) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
