/**
 * `npm run bench:hash`: what the uploader's MD5 costs. In Debian's Chromium,
 * on one file picked through an <input type=file> (a real file on disk, as a
 * student's would be), interleaved and repeated:
 *   hash           — hash-wasm's streamed MD5 of the whole file, read in the
 *                    slices the uploader reads (components/uploader/md5.ts);
 *   PUT (baseline) — the same file sent to the local S3 on a presigned PUT by
 *                    XMLHttpRequest, as the uploader sends parts;
 *   PUT + hash     — both at once, as the uploader hashes the next parts while
 *                    earlier ones are on their way.
 * Prints MiB/s and ratios; each figure is the median of the runs. On loopback
 * the PUT is as fast as it will ever be: any real link is slower.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import * as esbuild from 'esbuild';
import { launchChromium } from '../test/e2e/support/browser';
import { s3Env, testS3Client } from '../test/support/s3-env';
import { percentile, row } from './stats';

const MIB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_MIB ?? 512) * MIB;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ROOT = new URL('../', import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), 's3v-bench-hash-'));
const path = join(dir, 'video.mp4');
const expected = createHash('md5');
const fd = openSync(path, 'w');
for (let at = 0; at < SIZE; at += 16 * MIB) {
  const chunk = randomBytes(Math.min(16 * MIB, SIZE - at));
  expected.update(chunk);
  writeSync(fd, chunk);
}
closeSync(fd);
const expectedHex = expected.digest('hex');

// The uploader's own MD5 module, bundled as the AMD build bundles it (hashing in its worker).
const options: string = '../amd/esbuild.options.mjs';
const { workerSourcePlugin } = (await import(options)) as { workerSourcePlugin: esbuild.Plugin };
const bundle = await esbuild.build({
  entryPoints: [join(ROOT, 'components/uploader/md5.ts')],
  plugins: [workerSourcePlugin],
  bundle: true,
  format: 'iife',
  globalName: 'S3vMd5',
  write: false,
  minify: true,
});
const script = bundle.outputFiles[0]!.text;
const server = createServer((req, res) => {
  if (req.url === '/md5.js') {
    res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
  } else {
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><input type="file"><script src="/md5.js"></script>');
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const s3 = testS3Client();
const { bucket } = s3Env();
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(origin);
  await page.locator('input[type=file]').setInputFiles(path);

  /** Runs in the page (plain JS: tsx's helpers do not exist there). Milliseconds of each task, and the MD5. */
  const measure = (mode: 'hash' | 'put' | 'both', url: string) =>
    page.evaluate(
      `(async ({ mode, url }) => {
        const file = document.querySelector('input').files[0];
        const hash = async () => {
          const t = performance.now();
          const hex = S3vMd5.toHex(await S3vMd5.md5Of(file));
          return { ms: performance.now() - t, hex };
        };
        const put = () => new Promise((resolve, reject) => {
          const t = performance.now();
          const xhr = new XMLHttpRequest();
          xhr.onload = () => (xhr.status === 200 ? resolve({ ms: performance.now() - t }) : reject(new Error('PUT ' + xhr.status)));
          xhr.onerror = () => reject(new Error('PUT failed'));
          xhr.open('PUT', url);
          xhr.send(file);
        });
        if (mode === 'hash') return { hash: await hash() };
        if (mode === 'put') return { put: await put() };
        const [p, h] = await Promise.all([put(), hash()]);
        return { put: p, hash: h };
      })(${JSON.stringify({ mode, url })})`,
    ) as Promise<{ hash?: { ms: number; hex: string }; put?: { ms: number } }>;

  const samples: Record<string, number[]> = { hash: [], 'PUT (baseline)': [], 'PUT + hash: PUT': [], 'PUT + hash: hash': [] };
  const node: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const key = `bench/hash-${Date.now()}-${run}.bin`;
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 600 });
    try {
      // Interleaved, the order turned each run, so a slow moment of the machine hits each mode alike.
      const modes = (['hash', 'put', 'both'] as const).map((_, i, all) => all[(i + run) % all.length]!);
      for (const mode of modes) {
        const out = await measure(mode, url);
        if (out.hash && out.hash.hex !== expectedHex) throw new Error(`hash-wasm gave ${out.hash.hex}, node:crypto ${expectedHex}`);
        if (mode === 'hash') samples.hash!.push(out.hash!.ms);
        if (mode === 'put') samples['PUT (baseline)']!.push(out.put!.ms);
        if (mode === 'both') {
          samples['PUT + hash: PUT']!.push(out.put!.ms);
          samples['PUT + hash: hash']!.push(out.hash!.ms);
        }
      }
      const t = process.hrtime.bigint();
      createHash('md5').update(readFileSync(path)).digest();
      node.push(Number(process.hrtime.bigint() - t) / 1e6);
    } finally {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    }
  }

  const rate = (ms: number[]) => SIZE / MIB / (percentile(ms, 50) / 1000);
  const base = rate(samples['PUT (baseline)']!);
  const widths = [22, 10, 14];
  console.log(`MD5 of a ${SIZE / MIB} MiB file in Chromium (hash-wasm) vs sending it to S3, median of ${RUNS} runs (loopback, Ceph RGW)`);
  console.log(row(['task', 'MiB/s', 'vs PUT alone'], widths));
  for (const [name, ms] of Object.entries(samples)) console.log(row([name, rate(ms).toFixed(1), `${(rate(ms) / base).toFixed(2)}×`], widths));
  console.log(row(['node:crypto MD5 (ref.)', rate(node).toFixed(1), `${(rate(node) / base).toFixed(2)}×`], widths));
} finally {
  await browser.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
