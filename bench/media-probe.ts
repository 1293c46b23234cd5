/**
 * `npm run bench:media-probe`: what the uploader's playability check costs on a
 * large file, in Debian's Chromium, on files picked through <input type=file>:
 *   header read — components/media/probe.ts (mediabunny / the AVI reader) on a
 *                 2 GiB file (BENCH_GIB), for an MP4 with its index first, one
 *                 with its index at the end (past 2 GiB of media data), an MKV and an AVI;
 *   64 KiB read (baseline) — Blob.slice(0, 64 KiB).arrayBuffer() of the same file.
 * The files are real ffmpeg output grown to size with padding the formats define
 * (an ISO `free` box, a Matroska Void element, a RIFF JUNK chunk), sparse on disk.
 * Interleaved and repeated (BENCH_RUNS); prints the median and worst time, the
 * bytes and reads the probe made, and the JS heap it grew by. Then the page weight
 * the library costs (from the AMD build: run `npm run build:amd` first).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { largeBoxHeader } from '../test/support/iso-bytes';
import { makePlayabilityFile, PLAYABILITY_CASES } from '../test/support/playability-files';
import { percentile, row } from './stats';

const GIB = 1024 ** 3;
const SIZE = Number(process.env.BENCH_GIB ?? 2) * GIB;
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const ROOT = new URL('../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 's3v-bench-probe-'));

const small = (name: string) => readFileSync(makePlayabilityFile(dir, PLAYABILITY_CASES.find((c) => c.name === name)!));

/** Writes `parts` at their offsets into a sparse file of `size` bytes. */
function sparse(name: string, size: number, parts: Array<[offset: number, bytes: Buffer]>): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  for (const [offset, bytes] of parts) writeSync(fd, bytes, 0, bytes.length, offset);
  execFileSync('truncate', ['-s', String(size), path]);
  closeSync(fd);
  return path;
}

function files(): Record<string, string> {
  const fast = small('h264-faststart.mp4');
  const last = small('h264-index-last.mp4');
  const ftyp = last.readUInt32BE(0);
  const gap = SIZE - last.length - 16;
  const mkv = small('h264-obs.mkv');
  // A Matroska Void element (ID 0xEC, 8-byte size) after the segment, as long as the rest.
  const voidHeader = Buffer.from([0xec, 0x01, 0, 0, 0, 0, 0, 0, 0]);
  voidHeader.writeUIntBE(SIZE - mkv.length - 9, 3, 6);
  const avi = small('divx.avi');
  return {
    'MP4, index first': sparse('fast.mp4', SIZE, [[0, fast], [fast.length, largeBoxHeader('free', SIZE - fast.length)]]),
    'MP4, index at the end': sparse('last.mp4', SIZE, [[0, last.subarray(0, ftyp)], [ftyp, largeBoxHeader('free', gap + 16)], [ftyp + gap + 16, last.subarray(ftyp)]]),
    MKV: sparse('obs.mkv', SIZE, [[0, mkv], [mkv.length, voidHeader]]),
    AVI: sparse('divx.avi', SIZE, [[0, avi], [avi.length, Buffer.from('JUNK\0\0\0\0', 'latin1')]]),
  };
}

function pageWeight(): void {
  const meta = JSON.parse(readFileSync(join(ROOT, '.build/amd-meta.json'), 'utf8')) as {
    modules: Record<string, { deps: string[]; lazyDeps?: string[]; inputs: string[] }>;
  };
  const gz = (name: string) => gzipSync(readFileSync(join(ROOT, 'amd/build', `${name}.min.js`)), { level: 9 }).length;
  const closure = (name: string, seen = new Set<string>()): Set<string> => {
    if (!seen.has(name)) {
      seen.add(name);
      for (const d of meta.modules[name]?.deps ?? []) closure(d, seen);
    }
    return seen;
  };
  const initial = closure('uploader-lazy', new Set(['loader']));
  const later = [...new Set((meta.modules['uploader-lazy']?.lazyDeps ?? []).flatMap((m) => [...closure(m)]))].filter((m) => !initial.has(m));
  const sum = (names: Iterable<string>) => [...names].reduce((t, n) => t + gz(n), 0);
  console.log(`\nStudent page JS (gzip -9, AMD build): initial ${(sum(initial) / 1024).toFixed(1)} KiB; fetched on the first file pick: +${(sum(later) / 1024).toFixed(1)} KiB (${later.join(' + ')})`);
}

const bundle = await esbuild.build({
  entryPoints: [join(ROOT, 'components/media/probe.ts')],
  bundle: true,
  format: 'iife',
  globalName: 'S3vProbe',
  write: false,
  minify: true,
  target: 'es2021',
});
const script = bundle.outputFiles[0]!.text;
const cases = files();
const names = Object.keys(cases);
const server = createServer((req, res) => {
  if (req.url === '/probe.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
  else res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html>${names.map(() => '<input type="file">').join('')}<script src="/probe.js"></script>`);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info'],
});
try {
  const page = await browser.newPage();
  await page.goto(origin);
  for (const [i, name] of names.entries()) await page.locator('input').nth(i).setInputFiles(cases[name]!);

  /** Runs in the page. Milliseconds, bytes read, reads, heap growth (bytes), playability. */
  const measure = (index: number, mode: 'probe' | 'baseline') =>
    page.evaluate(
      `(async ({ index, mode }) => {
        const file = document.querySelectorAll('input')[index].files[0];
        const heap = () => performance.memory ? performance.memory.usedJSHeapSize : 0;
        const h = heap();
        const t = performance.now();
        if (mode === 'baseline') {
          const bytes = await file.slice(0, 65536).arrayBuffer();
          return { ms: performance.now() - t, bytes: bytes.byteLength, reads: 1, heap: heap() - h, playability: '' };
        }
        const r = await S3vProbe.probeMedia(file);
        return { ms: performance.now() - t, bytes: r.bytesRead, reads: r.reads, heap: heap() - h, playability: r.facts.playability + (r.facts.faststart === false ? ', index last' : '') };
      })(${JSON.stringify({ index, mode })})`,
    ) as Promise<{ ms: number; bytes: number; reads: number; heap: number; playability: string }>;

  const samples = new Map<string, Array<{ ms: number; bytes: number; reads: number; heap: number; playability: string }>>();
  for (let run = 0; run < RUNS; run++) {
    // Interleaved, the order turned each run, so a slow moment of the machine hits every case alike.
    const order = names.flatMap((_, i) => [[i, 'probe'], [i, 'baseline']] as const).map((_, k, all) => all[(k + run) % all.length]!);
    for (const [i, mode] of order) {
      const key = `${names[i]}|${mode}`;
      samples.set(key, [...(samples.get(key) ?? []), await measure(i, mode)]);
    }
  }
  const widths = [24, 16, 10, 10, 12, 8, 12, 22];
  console.log(`Header read of ${SIZE / GIB} GiB files in Chromium, ${RUNS} runs interleaved (the first run includes the JIT warming up)`);
  console.log(row(['file', 'read', 'median ms', 'worst ms', 'bytes read', 'reads', 'heap +KiB', 'verdict'], widths));
  for (const name of names) {
    for (const mode of ['probe', 'baseline'] as const) {
      const s = samples.get(`${name}|${mode}`)!;
      const ms = s.map((x) => x.ms);
      console.log(row([
        name, mode === 'probe' ? 'header (probe)' : 'first 64 KiB', percentile(ms, 50).toFixed(1), Math.max(...ms).toFixed(1),
        s[0]!.bytes, s[0]!.reads, (Math.max(...s.map((x) => x.heap)) / 1024).toFixed(0), s[0]!.playability,
      ], widths));
    }
  }
  pageWeight();
} finally {
  await browser.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
