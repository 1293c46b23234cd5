import { generateKeyPairSync, randomBytes } from 'node:crypto';

/** Fresh per test run: nothing secret is ever committed, not even for tests. */
export function generateSecrets() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    sharedSecret: randomBytes(32).toString('base64url'),
    cloudfrontPrivateKey: privateKey,
    cloudfrontPublicKey: publicKey,
    keyPairId: `K${randomBytes(6).toString('hex').toUpperCase()}`,
  };
}
