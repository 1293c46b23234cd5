#!/usr/bin/env node
/**
 * Prints the size of every AMD module in amd/build (raw and gzip, as a
 * Markdown table for the README), then what each page downloads in total:
 * the loader plus the lazy module it requires and that module's chunks, and
 * what it fetches later only when asked (a dynamic import: the header reader).
 * Run scripts/build-amd.mjs first.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = join(ROOT, 'amd/build');
const META = join(ROOT, '.build/amd-meta.json');
const PAGES = { 'student (uploader)': 'uploader-lazy', 'teacher (player)': 'player-lazy', 'admin (dashboard, table)': 'admin-lazy' };

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

function sizeOf(name) {
  const code = readFileSync(join(BUILD, `${name}.min.js`));
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

let meta;
try {
  meta = JSON.parse(readFileSync(META, 'utf8'));
} catch {
  console.error('No build found: run `node scripts/build-amd.mjs` first.');
  process.exit(1);
}

const names = readdirSync(BUILD)
  .filter((f) => f.endsWith('.min.js'))
  .map((f) => f.slice(0, -'.min.js'.length))
  .sort((a, b) => (a === 'loader' ? -1 : b === 'loader' ? 1 : a.localeCompare(b)));
const sizes = Object.fromEntries(names.map((n) => [n, sizeOf(n)]));

console.log('| module | loaded | raw | gzip |');
console.log('|---|---|---:|---:|');
for (const name of names) {
  const loaded = name === 'loader' ? 'every page (non-lazy)' : 'on demand (-lazy)';
  console.log(`| ${name} | ${loaded} | ${kb(sizes[name].raw)} | ${kb(sizes[name].gzip)} |`);
}

/** A module and, transitively, every chunk it needs. */
function closure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const dep of meta.modules[name]?.deps ?? []) closure(dep, seen);
  return seen;
}

console.log('\n| page | modules | raw | gzip |');
console.log('|---|---|---:|---:|');
for (const [page, entry] of Object.entries(PAGES)) {
  const modules = [...closure(entry, new Set(['loader']))];
  const total = modules.reduce((t, m) => ({ raw: t.raw + sizes[m].raw, gzip: t.gzip + sizes[m].gzip }), { raw: 0, gzip: 0 });
  console.log(`| ${page} | ${modules.join(' + ')} | ${kb(total.raw)} | ${kb(total.gzip)} |`);
  // What the page fetches later, only when its code asks (the uploader's header reader, on a file pick).
  const loaded = new Set(modules);
  const later = [...new Set(modules.flatMap((m) => meta.modules[m]?.lazyDeps ?? []))]
    .flatMap((m) => [...closure(m)])
    .filter((m, i, all) => !loaded.has(m) && all.indexOf(m) === i);
  if (later.length > 0) {
    const extra = later.reduce((t, m) => ({ raw: t.raw + sizes[m].raw, gzip: t.gzip + sizes[m].gzip }), { raw: 0, gzip: 0 });
    console.log(`| ${page}, later on demand | ${later.join(' + ')} | +${kb(extra.raw)} | +${kb(extra.gzip)} |`);
  }
}
