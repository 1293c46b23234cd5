import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { ensureDevVars, parseEnvFile } from '../../local/dev-vars';

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 's3v-devvars-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('.dev.vars made on first start', () => {
  it('writes the shared secret bare, so what an admin pastes into Moodle is the secret itself', () => {
    copyFileSync(join(ROOT, '.dev.vars.example'), join(dir, '.dev.vars.example'));
    const { values, created } = ensureDevVars(dir);
    assert.equal(created, true);
    const text = readFileSync(join(dir, '.dev.vars'), 'utf8');
    const line = text.split('\n').find((l) => l.startsWith('MOODLE_SHARED_SECRET='))!;
    assert.match(line, /^MOODLE_SHARED_SECRET=[A-Za-z0-9_-]{43}$/);
    assert.equal(values.MOODLE_SHARED_SECRET, line.split('=')[1]);
  });

  it('keeps the PEM keys usable: quoted with \\n, read back as real keys', () => {
    const values = parseEnvFile(readFileSync(join(dir, '.dev.vars'), 'utf8'));
    assert.equal(createPrivateKey(values.CLOUDFRONT_PRIVATE_KEY!).asymmetricKeyType, 'rsa');
    assert.equal(createPublicKey(values.CLOUDFRONT_PUBLIC_KEY!).asymmetricKeyType, 'rsa');
    assert.equal(ensureDevVars(dir).created, false, 'a second start keeps the file');
  });
});
