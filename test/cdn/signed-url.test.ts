import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { loadPublicKeys, verifySignedUrl, type Verdict } from '../../local/cdn/signed-url.js';

const rsa = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

const trusted = rsa();
const secondTrusted = rsa();
const stranger = rsa();
const KEY_ID = 'K2JCJMDEHXQW5F';
const SECOND_KEY_ID = 'K3SECONDKEY000';
const keys = loadPublicKeys({ [KEY_ID]: trusted.publicKey, [SECOND_KEY_ID]: secondTrusted.publicKey });

const BASE = 'https://cdn.test';
const NOW = new Date('2030-01-01T00:00:00Z');
const nowSeconds = NOW.getTime() / 1000;
const at = (offsetSeconds: number) => new Date(NOW.getTime() + offsetSeconds * 1000);

const check = (url: string, clientIp = '203.0.113.7', now = NOW): Verdict =>
  verifySignedUrl({ url, clientIp, now }, keys);

const ok: Verdict = { ok: true };
const accessDenied: Verdict = { ok: false, status: 403, code: 'AccessDenied', message: 'Access denied' };
const malformedPolicy: Verdict = { ok: false, status: 403, code: 'MalformedPolicy', message: 'Malformed Policy' };
const missingKey: Verdict = {
  ok: false,
  status: 403,
  code: 'MissingKey',
  message: 'Missing Key-Pair-Id query parameter or cookie value',
};
const unknownKey: Verdict = { ok: false, status: 403, code: 'InvalidKey', message: 'Unknown Key' };
const malformedSignature: Verdict = {
  ok: false,
  status: 403,
  code: 'MalformedSignature',
  message: 'Could not unencode Signature',
};

function canned(url: string, expires = at(3600), privateKey = trusted.privateKey, keyPairId = KEY_ID): string {
  return getSignedUrl({ url, keyPairId, privateKey, dateLessThan: expires.toISOString() });
}

interface Conditions {
  resource: string;
  lessThan?: number;
  greaterThan?: number;
  sourceIp?: string;
}

function policyJson({ resource, lessThan = nowSeconds + 3600, greaterThan, sourceIp }: Conditions): string {
  return JSON.stringify({
    Statement: [
      {
        Resource: resource,
        Condition: {
          DateLessThan: { 'AWS:EpochTime': lessThan },
          ...(greaterThan === undefined ? {} : { DateGreaterThan: { 'AWS:EpochTime': greaterThan } }),
          ...(sourceIp === undefined ? {} : { IpAddress: { 'AWS:SourceIp': sourceIp } }),
        },
      },
    ],
  });
}

function custom(url: string, conditions: Conditions, privateKey = trusted.privateKey): string {
  return getSignedUrl({ url, keyPairId: KEY_ID, privateKey, policy: policyJson(conditions) });
}

const toCloudFrontBase64 = (text: string) =>
  Buffer.from(text).toString('base64').replace(/[+=/]/g, (c) => ({ '+': '-', '=': '_', '/': '~' })[c] ?? c);

function withParam(url: string, name: string, value: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(name, value);
  return parsed.toString();
}

function withoutParam(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete(name);
  return parsed.toString();
}

function param(url: string, name: string): string {
  const value = new URL(url).searchParams.get(name);
  assert.ok(value, `${name} is in ${url}`);
  return value;
}

describe('canned policy', () => {
  const url = `${BASE}/videos/course-1/lecture.mp4`;

  it('accepts a URL signed by @aws-sdk/cloudfront-signer', () => {
    assert.deepEqual(check(canned(url)), ok);
  });

  it('accepts SHA-256 signatures (Hash-Algorithm=SHA256)', () => {
    const signed = getSignedUrl({
      url,
      keyPairId: KEY_ID,
      privateKey: trusted.privateKey,
      dateLessThan: at(60).toISOString(),
      algorithm: 'SHA256',
    });
    assert.equal(param(signed, 'Hash-Algorithm'), 'SHA256');
    assert.deepEqual(check(signed), ok);
    assert.deepEqual(check(withoutParam(signed, 'Hash-Algorithm')), accessDenied, 'SHA-1 check of a SHA-256 signature');
    assert.deepEqual(check(withParam(signed, 'Hash-Algorithm', 'MD5')), accessDenied);
  });

  it('accepts keys whose percent-encoding the signer chose, and keeps the viewer’s own query parameters', () => {
    assert.deepEqual(check(canned(`${BASE}/videos/my lecture (1) é.mp4`)), ok);
    const withQuery = canned(`${url}?response-content-disposition=inline&x=1`);
    assert.deepEqual(check(withQuery), ok);
    assert.deepEqual(check(withQuery.replace('x=1', 'x=2')), accessDenied, 'own parameters are part of the resource');
  });

  it('refuses an expired URL, including at the very second it expires', () => {
    const signed = canned(url, at(10));
    assert.deepEqual(check(signed, undefined, at(9)), ok);
    assert.deepEqual(check(signed, undefined, at(10)), accessDenied);
    assert.deepEqual(check(canned(url, at(-1))), accessDenied);
  });

  it('refuses a tampered path', () => {
    assert.deepEqual(check(canned(url).replace('lecture.mp4', 'exam.mp4')), accessDenied);
    assert.deepEqual(check(canned(url).replace('https://cdn.test', 'https://other.test')), accessDenied);
  });

  it('refuses a tampered Expires', () => {
    const signed = canned(url);
    const later = String(Number(param(signed, 'Expires')) + 86400);
    assert.deepEqual(check(withParam(signed, 'Expires', later)), accessDenied);
    assert.deepEqual(check(withParam(signed, 'Expires', 'tomorrow')), accessDenied);
  });

  it('refuses a tampered signature', () => {
    const signed = canned(url);
    const signature = param(signed, 'Signature');
    const flipped = signature.slice(0, 20) + (signature[20] === 'A' ? 'B' : 'A') + signature.slice(21);
    assert.deepEqual(check(withParam(signed, 'Signature', flipped)), accessDenied);
    assert.deepEqual(check(withParam(signed, 'Signature', 'not base64!')), malformedSignature);
  });

  it('refuses a URL signed by a private key that is not the one named', () => {
    assert.deepEqual(check(canned(url, at(60), stranger.privateKey)), accessDenied);
    assert.deepEqual(check(canned(url, at(60), trusted.privateKey, SECOND_KEY_ID)), accessDenied);
    assert.deepEqual(check(canned(url, at(60), secondTrusted.privateKey, SECOND_KEY_ID)), ok);
  });

  it('refuses an unknown or wrong Key-Pair-Id', () => {
    assert.deepEqual(check(canned(url, at(60), trusted.privateKey, 'KUNKNOWN')), unknownKey);
    assert.deepEqual(check(withParam(canned(url), 'Key-Pair-Id', KEY_ID.toLowerCase())), unknownKey);
  });

  it('refuses missing signing parameters with CloudFront’s messages', () => {
    const signed = canned(url);
    assert.deepEqual(check(url), missingKey, 'a private distribution refuses unsigned URLs');
    assert.deepEqual(check(withoutParam(signed, 'Key-Pair-Id')), missingKey);
    assert.deepEqual(check(withParam(signed, 'Key-Pair-Id', '')), missingKey);
    assert.deepEqual(check(withoutParam(signed, 'Signature')), malformedSignature);
    assert.deepEqual(check(withoutParam(signed, 'Expires')), malformedPolicy);
  });
});

describe('custom policy', () => {
  const url = `${BASE}/videos/course-1/lecture.mp4`;

  it('accepts DateGreaterThan and IpAddress conditions that hold', () => {
    const signed = custom(url, { resource: url, greaterThan: nowSeconds - 60, sourceIp: '203.0.113.0/24' });
    assert.ok(param(signed, 'Policy'));
    assert.deepEqual(check(signed, '203.0.113.200'), ok);
    assert.deepEqual(check(signed, '::ffff:203.0.113.200'), ok, 'IPv4-mapped socket addresses');
  });

  it('takes the URL from the policy Resource when the signer is given only a policy', () => {
    const policy = policyJson({ resource: url });
    const signed = getSignedUrl({ keyPairId: KEY_ID, privateKey: trusted.privateKey, policy });
    assert.ok(signed.startsWith(`${url}?Policy=`));
    assert.deepEqual(check(signed), ok);
  });

  it('refuses an expired URL', () => {
    assert.deepEqual(check(custom(url, { resource: url, lessThan: nowSeconds - 1 })), accessDenied);
  });

  it('refuses a URL that is not yet valid', () => {
    const signed = custom(url, { resource: url, greaterThan: nowSeconds + 60 });
    assert.deepEqual(check(signed), accessDenied);
    assert.deepEqual(check(signed, undefined, at(60)), ok);
  });

  it('refuses a viewer outside the IpAddress range', () => {
    const signed = custom(url, { resource: url, sourceIp: '203.0.113.7/32' });
    assert.deepEqual(check(signed, '203.0.113.7'), ok);
    assert.deepEqual(check(signed, '203.0.113.8'), accessDenied);
    assert.deepEqual(check(signed, '2001:db8::1'), accessDenied, 'IPv6 viewers never match an IPv4 range');
  });

  it('refuses a tampered path', () => {
    assert.deepEqual(check(custom(url, { resource: url }).replace('lecture', 'exam')), accessDenied);
  });

  it('refuses a tampered policy', () => {
    const signed = custom(url, { resource: url, lessThan: nowSeconds + 60 });
    const extended = toCloudFrontBase64(policyJson({ resource: url, lessThan: nowSeconds + 86400 * 365 }));
    assert.deepEqual(check(withParam(signed, 'Policy', extended)), accessDenied);
  });

  it('refuses a policy CloudFront could not read', () => {
    const signed = custom(url, { resource: url });
    assert.deepEqual(check(withParam(signed, 'Policy', 'this is not base64')), malformedPolicy);
    assert.deepEqual(check(withParam(signed, 'Policy', toCloudFrontBase64('{"Statement":'))), malformedPolicy);
    // Well-signed but ill-formed policies are refused before the clock or address is looked at.
    const signedRaw = (policy: object) =>
      getSignedUrl({ url, keyPairId: KEY_ID, privateKey: trusted.privateKey, policy: JSON.stringify(policy) });
    const withCondition = (condition: object) => ({ Statement: [{ Resource: url, Condition: condition }] });
    const expiry = { DateLessThan: { 'AWS:EpochTime': nowSeconds + 60 } };
    const noExpiry = withCondition({ DateGreaterThan: { 'AWS:EpochTime': 1 } });
    const quotedEpoch = withCondition({ DateLessThan: { 'AWS:EpochTime': `${nowSeconds + 60}` } });
    const ipv6Range = withCondition({ ...expiry, IpAddress: { 'AWS:SourceIp': '2001:db8::/32' } });
    assert.deepEqual(check(signedRaw(noExpiry)), malformedPolicy);
    assert.deepEqual(check(signedRaw(quotedEpoch)), malformedPolicy);
    assert.deepEqual(check(signedRaw(ipv6Range)), malformedPolicy);
  });

  it('refuses missing parameters', () => {
    const signed = custom(url, { resource: url });
    assert.deepEqual(check(withoutParam(signed, 'Key-Pair-Id')), missingKey);
    assert.deepEqual(check(withoutParam(signed, 'Signature')), malformedSignature);
    assert.deepEqual(check(withoutParam(signed, 'Policy')), malformedPolicy);
  });

  it('refuses a policy signed by another private key', () => {
    assert.deepEqual(check(custom(url, { resource: url }, stranger.privateKey)), accessDenied);
  });

  it('matches Resource wildcards: * for any run, ? for one character', () => {
    const all = { resource: `${BASE}/videos/course-1/*` };
    assert.deepEqual(check(custom(url, all)), ok);
    assert.deepEqual(check(custom(`${url}?download=1`, all)), ok, '* runs over the query string too');
    assert.deepEqual(check(custom(`${BASE}/videos/course-2/lecture.mp4`, all)), accessDenied);

    const anyScheme = { resource: 'http*://cdn.test/videos/*/lecture.mp4' };
    assert.deepEqual(check(custom(url, anyScheme)), ok);
    assert.deepEqual(check(custom(`${BASE}/videos/course-1/notes.pdf`, anyScheme)), accessDenied);

    const oneChar = { resource: `${BASE}/videos/course-?/lecture.mp4` };
    assert.deepEqual(check(custom(url, oneChar)), ok);
    assert.deepEqual(check(custom(`${BASE}/videos/course-10/lecture.mp4`, oneChar)), accessDenied);

    // A wildcard policy is reusable: the same Policy and Signature open any URL it covers.
    const reusable = custom(url, all);
    const other = reusable.replace('lecture.mp4', 'slides.mp4');
    assert.deepEqual(check(other), ok);
  });

  it('opens every object for a policy without Resource, as CloudFront does', () => {
    const condition = { DateLessThan: { 'AWS:EpochTime': nowSeconds + 60 } };
    const policy = JSON.stringify({ Statement: [{ Condition: condition }] });
    const signed = getSignedUrl({ url, keyPairId: KEY_ID, privateKey: trusted.privateKey, policy });
    assert.deepEqual(check(signed.replace('lecture.mp4', 'anything-else.mp4')), ok);
  });
});
