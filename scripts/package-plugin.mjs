#!/usr/bin/env node
// Packages the Moodle plugin: dist/assignsubmission_s3video.zip with one top folder, s3video/,
// holding moodle-plugin/* and the components' AMD build (amd/build/*.min.js + .min.js.map).
// Unzipped into mod/assign/submission/ (or uploaded through Moodle's plugin installer) it is
// mod/assign/submission/s3video. No dependencies: the zip is written here with node:zlib,
// with sorted entries and each file's own modification time, so the same files give the same
// bytes, and a changed file gets a new time (PHP's opcache keeps a script whose time did not change).
//
//   node scripts/package-plugin.mjs [--amd DIR] [--out FILE]

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deflateRawSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOP = 's3video';
/** The modules docs/integration.md names: the tiny non-lazy loader and one lazy module per kind. */
const AMD_MODULES = ['loader', 'uploader-lazy', 'player-lazy', 'admin-lazy'];
/** Nothing for development goes into a site: tests, dot files, sources of the build. */
const EXCLUDED = /(^|\/)(tests?|node_modules|amd|\.[^/]*)(\/|$)|\.test\.|\.spec\./;
/** A time as zip stores it: DOS date and time fields (UTC, 2-second steps). */
function dosTime(date) {
  const year = Math.max(date.getUTCFullYear(), 1980);
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

function fail(message) {
  console.error(`package-plugin: ${message}`);
  process.exit(1);
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? walk(path) : entry.isFile() ? [path] : [];
    });
}

/** name in the zip => { data, mtime } */
function collect(amdDir) {
  const files = new Map();
  const pluginDir = join(ROOT, 'moodle-plugin');
  if (!existsSync(join(pluginDir, 'version.php'))) fail(`${pluginDir}/version.php is missing`);
  for (const path of walk(pluginDir)) {
    const name = relative(pluginDir, path).split('\\').join('/');
    if (!EXCLUDED.test(name)) files.set(`${TOP}/${name}`, { data: readFileSync(path), mtime: statSync(path).mtime });
  }

  if (!existsSync(amdDir)) {
    fail(`no AMD build in ${amdDir}: build the components first (npm run build:amd)`);
  }
  const built = readdirSync(amdDir).filter((f) => f.endsWith('.min.js') || f.endsWith('.min.js.map')).sort();
  const missing = AMD_MODULES.flatMap((m) => [`${m}.min.js`, `${m}.min.js.map`]).filter((f) => !built.includes(f));
  if (missing.length > 0) {
    fail(`the AMD build in ${amdDir} lacks ${missing.join(', ')}: build the components first (npm run build:amd)`);
  }
  for (const file of built) {
    if (file.endsWith('.min.js') && !built.includes(`${file}.map`)) fail(`${amdDir}/${file} has no source map`);
    const path = join(amdDir, file);
    files.set(`${TOP}/amd/build/${file}`, { data: readFileSync(path), mtime: statSync(path).mtime });
  }
  return files;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A zip (PKWARE APPNOTE 6.3, no zip64: a plugin is far below 4 GiB) with directory entries. */
function zip(files) {
  const names = [...files.keys()];
  const dirs = new Set();
  for (const name of names) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(`${parts.slice(0, i).join('/')}/`);
  }
  const entries = [...dirs, ...names].sort();
  // A folder takes the time of its newest file.
  const newest = new Map();
  for (const [name, { mtime }] of files) {
    for (const dir of dirs) {
      if (name.startsWith(dir) && !(newest.get(dir) > mtime)) newest.set(dir, mtime);
    }
  }

  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const name of entries) {
    const isDir = name.endsWith('/');
    const data = isDir ? Buffer.alloc(0) : files.get(name).data;
    const when = dosTime(isDir ? newest.get(name) : files.get(name).mtime);
    const deflated = isDir ? data : deflateRawSync(data, { level: 9 });
    const stored = isDir || deflated.length >= data.length;
    const body = stored ? data : deflated;
    const crc = isDir ? 0 : crc32(data);
    const nameBytes = Buffer.from(name, 'utf8');

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(stored ? 0 : 8, 8);
    local.writeUInt16LE(when.time, 10);
    local.writeUInt16LE(when.date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBytes, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0 (so the modes below count)
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(stored ? 0 : 8, 10);
    central.writeUInt16LE(when.time, 12);
    central.writeUInt16LE(when.date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((((isDir ? 0o40755 : 0o100644) << 16) | (isDir ? 0x10 : 0)) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);

    offset += local.length + nameBytes.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const { values } = parseArgs({
  options: {
    amd: { type: 'string', default: join(ROOT, 'amd/build') },
    out: { type: 'string', default: join(ROOT, 'dist/assignsubmission_s3video.zip') },
  },
});
const files = collect(resolve(values.amd));
const archive = zip(files);
mkdirSync(dirname(resolve(values.out)), { recursive: true });
writeFileSync(resolve(values.out), archive);
console.log(`package-plugin: ${relative(process.cwd(), resolve(values.out))}: ${files.size} files, ${(archive.length / 1024).toFixed(1)} KiB`);
