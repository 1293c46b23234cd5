import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts/package-plugin.mjs');
const MODULES = ['loader', 'uploader-lazy', 'player-lazy', 'admin-lazy'];

interface Entry {
  name: string;
  data: Buffer;
}

/** Reads a zip through its central directory, as unzip and Moodle's zip_packer do. */
function readZip(zip: Buffer): Entry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'bad central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressed);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    assert.equal(data.length, size, `${name}: size`);
    entries.push({ name, data });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('scripts/package-plugin.mjs', () => {
  let work: string;
  let amd: string | undefined;
  let entries: Entry[];

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 's3video-package-'));
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts ?? {};
    const built = (dir: string) => MODULES.every((m) => existsSync(join(dir, `${m}.min.js`)) && existsSync(join(dir, `${m}.min.js.map`)));
    if (scripts['build:amd']) {
      await run('npm', ['run', '--silent', 'build:amd'], { cwd: ROOT });
    } else if (!built(join(ROOT, 'amd/build'))) {
      // Until the components build exists, package a stand-in build so the layout is still checked.
      console.log('no build:amd script and no amd/build yet: packaging stand-in AMD modules');
      amd = join(work, 'amd-build');
      mkdirSync(amd);
      for (const m of MODULES) {
        writeFileSync(join(amd, `${m}.min.js`), 'define([], function () {});\n');
        writeFileSync(join(amd, `${m}.min.js.map`), '{"version":3,"sources":[],"mappings":""}');
      }
    }
    const out = join(work, 'plugin.zip');
    await run('node', [SCRIPT, '--out', out, ...(amd ? ['--amd', amd] : [])], { cwd: ROOT });
    entries = readZip(readFileSync(out));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('puts everything under one top folder, s3video/', () => {
    assert.ok(entries.length > 0);
    for (const { name } of entries) assert.ok(name.startsWith('s3video/'), name);
  });

  it('carries the plugin as Moodle reads it, byte for byte', () => {
    const byName = new Map(entries.map((e) => [e.name, e.data]));
    for (const required of ['version.php', 'locallib.php', 'settings.php', 'db/install.xml', 'db/access.php',
      'db/services.php', 'lang/en/assignsubmission_s3video.php', 'classes/privacy/provider.php', 'styles.css',
      'backup/moodle2/backup_assignsubmission_s3video_subplugin.class.php']) {
      const data = byName.get(`s3video/${required}`);
      assert.ok(data, `${required} is missing`);
      assert.deepEqual(data, readFileSync(join(ROOT, 'moodle-plugin', required)), `${required} differs from the source`);
    }
    const sources = walk(join(ROOT, 'moodle-plugin')).map((p) => relative(join(ROOT, 'moodle-plugin'), p));
    const packaged = entries.filter((e) => !e.name.endsWith('/') && !e.name.startsWith('s3video/amd/')).map((e) => e.name.slice('s3video/'.length));
    assert.deepEqual(packaged.sort(), sources.sort());
  });

  it('carries the AMD build: every module with its source map', () => {
    const names = entries.map((e) => e.name);
    for (const m of MODULES) {
      assert.ok(names.includes(`s3video/amd/build/${m}.min.js`), `${m}.min.js`);
      assert.ok(names.includes(`s3video/amd/build/${m}.min.js.map`), `${m}.min.js.map`);
    }
    const built = readdirSync(amd ?? join(ROOT, 'amd/build')).filter((f) => /\.min\.js(\.map)?$/.test(f));
    assert.deepEqual(names.filter((n) => n.startsWith('s3video/amd/build/') && !n.endsWith('/')).sort(), built.map((f) => `s3video/amd/build/${f}`).sort());
  });

  it('carries no tests, sources or dot files', () => {
    for (const { name } of entries) {
      assert.doesNotMatch(name, /(^|\/)(tests?|node_modules|src|\.[^/]+)(\/|$)|\.test\.|\.spec\.|\.ts$/, name);
    }
  });

  it('gives the same bytes for the same sources', async () => {
    const again = join(work, 'again.zip');
    await run('node', [SCRIPT, '--out', again, ...(amd ? ['--amd', amd] : [])], { cwd: ROOT });
    assert.deepEqual(readFileSync(again), readFileSync(join(work, 'plugin.zip')));
  });

  it('refuses to package without the AMD build, and says how to make it', async () => {
    const empty = mkdtempSync(join(work, 'no-build-'));
    await assert.rejects(run('node', [SCRIPT, '--amd', empty, '--out', join(work, 'never.zip')], { cwd: ROOT }), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /lacks loader\.min\.js.*npm run build:amd/);
      return true;
    });
  });
});
