import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';

/** Values of `.dev.vars`-style files: KEY=value, with "…\n…" for multi-line PEM. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\n/g, '\n');
    out[m[1]!] = value;
  }
  return out;
}

/** One KEY=value line; quoted (JSON, `\n` for newlines) only when the value needs it. */
function envLine(key: string, value: string): string {
  return `${key}=${/[\n"#\s\\]/.test(value) ? JSON.stringify(value) : value}`;
}

export function formatEnvFile(values: Record<string, string>): string {
  return Object.entries(values).map(([k, v]) => envLine(k, v)).join('\n') + '\n';
}

/**
 * Creates `.dev.vars` from the example on first start, with a fresh shared
 * secret and CloudFront key pair, and returns its values. Later starts keep
 * it, so tokens and signed URLs stay valid across restarts.
 */
export function ensureDevVars(root: string): { values: Record<string, string>; created: boolean } {
  const path = join(root, '.dev.vars');
  if (existsSync(path)) return { values: parseEnvFile(readFileSync(path, 'utf8')), created: false };
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const generated: Record<string, string> = {
    MOODLE_SHARED_SECRET: randomBytes(32).toString('base64url'),
    CLOUDFRONT_KEY_PAIR_ID: `K${randomBytes(6).toString('hex').toUpperCase()}`,
    CLOUDFRONT_PRIVATE_KEY: privateKey,
    CLOUDFRONT_PUBLIC_KEY: publicKey,
  };
  // Quoted only where a value needs it (the PEM keys): the shared secret stays bare, so what an
  // admin copies into Moodle's "Shared secret" setting is exactly the secret, with no quotes.
  const text = readFileSync(join(root, '.dev.vars.example'), 'utf8').replace(
    /^([A-Z0-9_]+)=GENERATED$/gm,
    (_, key: string) => envLine(key, generated[key] ?? randomBytes(24).toString('base64url')),
  );
  writeFileSync(path, text, { mode: 0o600 });
  return { values: parseEnvFile(text), created: true };
}
