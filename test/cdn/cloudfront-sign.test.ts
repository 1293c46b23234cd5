import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { objectUrl, signPlaybackUrl } from '../../edge/src/services/cdn';
import { pkcs8Der, signCloudFrontUrl } from '../../edge/src/services/cloudfront-sign';
import type { Config } from '../../edge/src/config';
import { loadPublicKeys, verifySignedUrl } from '../../local/cdn/signed-url.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
/** The same key as OpenSSL 1.x's `genrsa` writes it (PKCS #1, "BEGIN RSA PRIVATE KEY"). */
const pkcs1 = createPrivateKey(privateKey).export({ type: 'pkcs1', format: 'pem' }) as string;
const KEY_ID = 'K2JCJMDEHXQW5F';
const EXPIRES = 1893456000;
const KEYS = [
  'videos/42/1700000000000_ab12cd/clip.mp4',
  'videos/42/1700000000000_ab12cd/Prüfung (final) 100%.mov',
  "videos/7/1_x/it's a [test] & more+plus=.webm",
  'videos/7/1_x/日本語 ファイル.mkv',
];
const DOMAINS = ['https://d111111abcdef8.cloudfront.net', 'http://127.0.0.1:8790', 'https://cdn.example.org/prefix'];

describe('signCloudFrontUrl (WebCrypto, key imported once) gives the SDK signer\'s exact URLs', () => {
  it('canned policy: byte-identical to @aws-sdk/cloudfront-signer for every key shape and domain', async () => {
    for (const domain of DOMAINS) {
      for (const key of KEYS) {
        const url = objectUrl(domain, key);
        const sdk = getSignedUrl({ url, keyPairId: KEY_ID, privateKey, dateLessThan: new Date(EXPIRES * 1000).toISOString() });
        assert.equal(await signCloudFrontUrl({ url, keyPairId: KEY_ID, privateKey, expires: EXPIRES }), sdk);
      }
    }
  });

  it('custom policy (IP-restricted playback): byte-identical to the SDK signer', async () => {
    for (const key of KEYS) {
      const url = objectUrl(DOMAINS[0]!, key);
      const policy = JSON.stringify({ Statement: [{ Resource: url, Condition: { DateLessThan: { 'AWS:EpochTime': EXPIRES }, IpAddress: { 'AWS:SourceIp': '203.0.113.0/24' } } }] });
      const sdk = getSignedUrl({ keyPairId: KEY_ID, privateKey, policy });
      assert.equal(await signCloudFrontUrl({ url, keyPairId: KEY_ID, privateKey, expires: EXPIRES, policy }), sdk);
    }
  });

  it('a PKCS #1 key signs exactly as its PKCS #8 form does', async () => {
    assert.match(pkcs1, /BEGIN RSA PRIVATE KEY/);
    assert.deepEqual(Buffer.from(pkcs8Der(pkcs1)), createPrivateKey(privateKey).export({ type: 'pkcs8', format: 'der' }));
    const url = objectUrl(DOMAINS[0]!, KEYS[1]!);
    const sdk = getSignedUrl({ url, keyPairId: KEY_ID, privateKey: pkcs1, dateLessThan: new Date(EXPIRES * 1000).toISOString() });
    assert.equal(await signCloudFrontUrl({ url, keyPairId: KEY_ID, privateKey: pkcs1, expires: EXPIRES }), sdk);
  });

  it('signPlaybackUrl\'s URLs pass the CloudFront stand-in\'s check, canned and IP-restricted', async () => {
    const keys = loadPublicKeys({ [KEY_ID]: publicKey });
    const cdn: Config['cdn'] = { domain: DOMAINS[0]!, keyPairId: KEY_ID, privateKey, distributionId: undefined, apiEndpoint: undefined, ipRestrict: true, ipPrefix: 24 };
    const now = new Date((EXPIRES - 60) * 1000);
    const restricted = await signPlaybackUrl(cdn, KEYS[1]!, EXPIRES, '203.0.113.77');
    assert.deepEqual(verifySignedUrl({ url: restricted, clientIp: '203.0.113.9', now }, keys), { ok: true });
    assert.equal(verifySignedUrl({ url: restricted, clientIp: '198.51.100.9', now }, keys).ok, false);
    const canned = await signPlaybackUrl({ ...cdn, ipRestrict: false }, KEYS[1]!, EXPIRES, undefined);
    assert.deepEqual(verifySignedUrl({ url: canned, clientIp: '198.51.100.9', now }, keys), { ok: true });
  });

  it('a key that is not a PEM private key is CDN_ERROR, and a later good key still signs', async () => {
    const cdn: Config['cdn'] = { domain: DOMAINS[0]!, keyPairId: KEY_ID, privateKey: 'not a key', distributionId: undefined, apiEndpoint: undefined, ipRestrict: false, ipPrefix: 24 };
    await assert.rejects(signPlaybackUrl(cdn, KEYS[0]!, EXPIRES, undefined), { code: 'CDN_ERROR' });
    const broken = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----';
    await assert.rejects(signPlaybackUrl({ ...cdn, privateKey: broken }, KEYS[0]!, EXPIRES, undefined), { code: 'CDN_ERROR' });
    assert.match(await signPlaybackUrl({ ...cdn, privateKey }, KEYS[0]!, EXPIRES, undefined), /Signature=/);
  });
});
