/**
 * `npm run bench:upload`: the real uploader against plain clients moving the
 * same file to the same local S3, interleaved (the order turned each run):
 *   uploader          — the student's demo page in Chromium (<s3v-uploader>:
 *                       MD5 per part, sign, PUT, complete, confirm); with
 *                       BENCH_BASELINE_REF=<ref>, also that commit's uploader;
 *   reference page    — a minimal hand-written multipart page in Chromium
 *                       (Uppy is not installed here: XHR part PUTs to URLs
 *                       presigned up front, a <progress> updated at most
 *                       every 500 ms as Uppy core throttles its progress),
 *                       the same part size and parallelism; and the same
 *                       page hashing each part (hash-wasm, Content-MD5) as
 *                       the uploader does;
 *   node multipart    — node:http PUTs of file ranges, same part size and
 *                       parallelism (the machine's multipart limit);
 *   curl PUT          — one presigned PUT of the whole file.
 * For the pages: wall time, the page's main-thread CPU (CDP
 * Performance.getMetrics TaskDuration), the CPU of the page's renderer
 * process (every thread: the hashing worker's too) and of all of Chromium's
 * processes (CDP SystemInfo.getProcessInfo: the network service and the
 * browser process that read and send the file), and the JS heap (peak −
 * start). Every object is deleted as soon as it is measured; one upload is
 * in flight at a time. BENCH_PROFILE=<dir>: after the measured runs, one more
 * upload by the uploader with the page's main thread and its workers
 * profiled (CDP Profiler), written there as .cpuprofile, the top self times printed.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import * as esbuild from 'esbuild';
import { partSizeFor } from '../edge/src/contract';
import { makeVideo } from '../test/e2e/support/fixtures';
import { PARALLEL_PARTS } from '../components/uploader/parts';
import { baselineBuild, fmt, launchChromium, spread, startDemoStack, useAmdBuild, type Browser, type Page, type Spread } from './pages';

const MIB = 1024 ** 2;
const SIZE = Number(process.env.BENCH_MIB ?? 1024) * MIB;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PART = Number(process.env.BENCH_PART_MIB ?? 0) * MIB || partSizeFor(SIZE);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 0) || PARALLEL_PARTS;
/** BENCH_BASELINE_REF=<git ref>: that commit's uploader too, on the same stack (its AMD build served in place of this one's). */
const BASELINE = process.env.BENCH_BASELINE_REF ? baselineBuild(process.env.BENCH_BASELINE_REF) : '';
const ROOT = new URL('../', import.meta.url).pathname;

export interface UploadResult {
  size_mib: number;
  part_mib: number;
  parallel: number;
  runs: number;
  clients: Record<string, Record<string, Spread>>;
}

type Client = 'uploader' | 'uploader (baseline build)' | 'reference page' | 'reference page + MD5' | 'node multipart' | 'curl PUT';
interface Sample {
  seconds: number;
  /** The uploader's bytes-to-S3 part alone: until it shows "processing" (confirm, with its server-side copy, follows). */
  transferSeconds?: number;
  cpuSeconds?: number;
  /** The renderer process's CPU, all its threads (the page's workers included). */
  rendererCpuSeconds?: number;
  /** Every Chromium process's CPU: renderer, browser, network service, GPU. */
  chromiumCpuSeconds?: number;
  /** Peak JS heap while uploading, minus the heap before: flat means the file never sits in memory. */
  heapMiB?: number;
  heapPeakMiB?: number;
  /** The uploader's wall time by the phase it showed. */
  phaseSeconds?: Record<string, number>;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** Self time by function (and the idle / program / GC pseudo-functions), the top BENCH_PROFILE_TOP. */
function summarize(profile: CpuProfile): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const where = f.url ? ` ${f.url.replace(/^.*\//, '')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'}${where}`;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    self.set(key, (self.get(key) ?? 0) + ms);
    total += ms;
  });
  const busy = total - (self.get('(idle)') ?? 0);
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.BENCH_PROFILE_TOP ?? 20));
  return [`  ${total.toFixed(0)} ms profiled, ${busy.toFixed(0)} ms not idle`, ...top.map(([k, ms]) => `  ${ms.toFixed(1).padStart(8)} ms  ${k}`)].join('\n');
}

/** The minimal multipart page: parts PUT `parallel` at a time, progress shown at Uppy's pace. */
const REFERENCE_PAGE = (md5: string) => `<!doctype html><meta charset="utf-8"><title>reference uploader</title>
<input type="file"><progress max="1" value="0"></progress><script>${md5}</script><script>
window.referenceUpload = async ({ urls, partSize, parallel, hash }) => {
  const file = document.querySelector('input').files[0];
  const bar = document.querySelector('progress');
  const sent = new Array(urls.length).fill(0);
  let shownAt = 0;
  const show = (force) => {
    const now = performance.now();
    if (!force && now - shownAt < 500) return;
    shownAt = now;
    bar.value = sent.reduce((a, b) => a + b, 0) / file.size;
  };
  const etags = [];
  let next = 0;
  const put = (n, md5) => new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.upload.onprogress = (e) => { sent[n] = e.loaded; show(false); };
    xhr.onload = () => (xhr.status === 200 ? resolve(xhr.getResponseHeader('ETag')) : reject(new Error('part ' + xhr.status)));
    xhr.onerror = () => reject(new Error('part ' + n + ': no answer'));
    xhr.open('PUT', urls[n]);
    if (md5) xhr.setRequestHeader('Content-MD5', md5);
    xhr.send(file.slice(n * partSize, (n + 1) * partSize));
  });
  const worker = async () => {
    for (let n = next++; n < urls.length; n = next++) {
      const blob = file.slice(n * partSize, (n + 1) * partSize);
      const md5 = hash ? S3vMd5.toBase64(await S3vMd5.md5Of(blob)) : null;
      etags[n] = await put(n, md5);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  show(true);
  return etags;
};
</script>`;

async function cdp(page: Page) {
  const session = await page.context().newCDPSession(page);
  await session.send('Performance.enable');
  const metric = async (name: string) =>
    ((await session.send('Performance.getMetrics')).metrics.find((m) => m.name === name)?.value ?? 0);
  return { metric };
}

/** CPU seconds so far of Chromium's renderer processes, and of all its processes (one page is open at a time). */
async function chromiumCpu(browser: Browser): Promise<{ renderer: number; total: number }> {
  const session = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as { processInfo: Array<{ type: string; cpuTime: number }> };
    const sum = (ps: typeof processInfo) => ps.reduce((a, p) => a + p.cpuTime, 0);
    return { renderer: sum(processInfo.filter((p) => p.type === 'renderer')), total: sum(processInfo) };
  } finally {
    await session.detach();
  }
}

/** Runs `upload` in the page, with its main-thread CPU, Chromium's CPU and peak heap while it runs. */
async function measurePage(page: Page, upload: () => Promise<unknown>): Promise<Sample> {
  const { metric } = await cdp(page);
  const browser = page.context().browser()!;
  await page.evaluate(() => (globalThis as { gc?: () => void }).gc?.());
  const cpu0 = await metric('TaskDuration');
  const chromium0 = await chromiumCpu(browser);
  const heap0 = await metric('JSHeapUsedSize');
  let peak = heap0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      peak = Math.max(peak, await metric('JSHeapUsedSize'));
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const t = process.hrtime.bigint();
  try {
    await upload();
  } finally {
    done = true;
    await sampler;
  }
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const chromium1 = await chromiumCpu(browser);
  return {
    seconds,
    cpuSeconds: (await metric('TaskDuration')) - cpu0,
    rendererCpuSeconds: chromium1.renderer - chromium0.renderer,
    chromiumCpuSeconds: chromium1.total - chromium0.total,
    heapMiB: (peak - heap0) / MIB, heapPeakMiB: peak / MIB };
}

async function emptyBucket(s3: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (listed.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length === 0) return;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
  }
}

function nodePut(url: string, path: string, start: number, end: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { 'Content-Length': end - start } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(String(res.headers.etag)) : reject(new Error(`part ${res.statusCode}`))));
    });
    req.on('error', reject);
    createReadStream(path, { start, end: end - 1, highWaterMark: 1024 * 1024 }).pipe(req);
  });
}

export async function uploadBench(): Promise<UploadResult> {
  const dir = mkdtempSync(join(tmpdir(), 's3v-bench-upload-'));
  const path = join(dir, 'lecture.mp4');
  // A real MP4 (the uploader checks that it plays) grown to SIZE by a trailing `free` box of random bytes.
  makeVideo(dir, 'lecture.mp4');
  const clip = readFileSync(path);
  const fd = openSync(path, 'w');
  writeSync(fd, clip);
  const pad = SIZE - clip.length;
  const box = Buffer.alloc(8);
  box.writeUInt32BE(pad, 0);
  box.write('free', 4, 'ascii');
  writeSync(fd, box);
  for (let at = 8; at < pad; at += 16 * MIB) writeSync(fd, randomBytes(Math.min(16 * MIB, pad - at)));
  closeSync(fd);
  const parts = Math.ceil(statSync(path).size / PART);

  // The reference page hashes on its main thread, as the uploader did before its worker: hash-wasm, the uploader's slices.
  const md5Bundle = (await esbuild.build({
    stdin: {
      contents: "export { md5OnThisThread as md5Of } from './components/uploader/md5-digest'; export const toBase64 = (d) => btoa(String.fromCharCode(...d));",
      resolveDir: ROOT,
    },
    bundle: true,
    format: 'iife',
    globalName: 'S3vMd5',
    write: false,
    minify: true,
  })).outputFiles[0]!.text;
  const env = await startDemoStack({ RATE_LIMIT_UPLOADS_PER_HOUR: '100000' });
  const { s3client: s3, s3: { bucket } } = env.stack;
  let browser: Browser | null = null;
  // A real server on loopback: a page Playwright made up would be refused the loopback address space.
  const html = REFERENCE_PAGE(md5Bundle);
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const referenceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    browser = await launchChromium();
    const b = browser;
    let submission = 900;

    const uploader = (build: string, profileTo = '') => async (): Promise<Sample> => {
        const page = await b.newPage();
        try {
          if (build) await useAmdBuild(page, build);
          await page.goto(`${env.demo.url}/student?submission=${submission++}`);
          await page.locator('s3v-uploader section[data-phase=initial]').waitFor();
          if (build) {
            // With a route in place Playwright intercepts every request, part PUTs included, which
            // slows them many times over: every module the uploader may still ask for is loaded now
            // (the baseline's chunks, Video.js's too, which the upload never runs), then the route goes.
            const ids = readdirSync(build).filter((f) => /^shared-.*\.min\.js$/.test(f)).map((f) => `assignsubmission_s3video/${f.replace(/\.min\.js$/, '')}`);
            await page.evaluate((deps) => new Promise((resolve, reject) => (window as unknown as { requirejs: (d: string[], ok: () => void, fail: (e: Error) => void) => void }).requirejs(deps, () => resolve(undefined), reject)), ids);
            await page.unrouteAll();
          }
          // The phases as the page shows them, on its own clock: "processing" is when the bytes are all in S3.
          await page.evaluate(() => {
            const w = window as unknown as { __phases: Record<string, number> };
            w.__phases = {};
            setInterval(() => {
              const phase = document.querySelector('s3v-uploader')?.shadowRoot?.querySelector('section[data-phase]')?.getAttribute('data-phase');
              if (phase) w.__phases[phase] ??= performance.now();
            }, 20);
          });
          const profiler = profileTo ? await page.context().newCDPSession(page) : null;
          if (profiler) {
            await profiler.send('Profiler.enable');
            await profiler.send('Profiler.setSamplingInterval', { interval: 200 });
            await profiler.send('Profiler.start');
          }
          const t0 = (await page.evaluate('performance.now()')) as number;
          const sample = await measurePage(page, async () => {
            await page.locator('s3v-uploader input[type=file]').setInputFiles(path);
            await page.locator('s3v-uploader section[data-phase=success], s3v-uploader section[data-phase=error]').waitFor({ timeout: 600_000 });
          });
          if (profiler) {
            const { profile } = (await profiler.send('Profiler.stop')) as unknown as { profile: CpuProfile };
            mkdirSync(profileTo, { recursive: true });
            const file = join(profileTo, `uploader-${Date.now()}.cpuprofile`);
            writeFileSync(file, JSON.stringify(profile));
            console.log(`profile of the uploader page's main thread: ${file}\n${summarize(profile)}`);
          }
          const phases = (await page.evaluate('window.__phases')) as Record<string, number>;
          if (phases.error !== undefined || phases.success === undefined) throw new Error(`the uploader did not finish: ${JSON.stringify(phases)}`);
          const transfer = ((phases.processing ?? phases.success) - t0) / 1000;
          // Where the wall time goes, by the phase the page shows: the checks before the first byte, the transfer, confirm.
          const at = (p: string) => (phases[p] ?? t0) - t0;
          const phaseSeconds = {
            'to uploading': at('uploading') / 1000,
            uploading: (at('processing') - at('uploading')) / 1000,
            processing: (at('success') - at('processing')) / 1000,
          };
          return { ...sample, transferSeconds: transfer, phaseSeconds };
        } finally {
          await page.close();
        }
    };
    const run: Record<Client, () => Promise<Sample>> = {
      uploader: uploader(''),
      'uploader (baseline build)': uploader(BASELINE),
      'reference page': () => reference(false),
      'reference page + MD5': () => reference(true),
      'node multipart': async () => {
        const key = `bench/node-${Date.now()}.mp4`;
        const t = process.hrtime.bigint();
        const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: 'video/mp4' }));
        const etags: string[] = [];
        let next = 0;
        await Promise.all(Array.from({ length: PARALLEL }, async () => {
          for (let n = next++; n < parts; n = next++) {
            const url = await getSignedUrl(s3, new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: n + 1 }), { expiresIn: 3600 });
            etags[n] = await nodePut(url, path, n * PART, Math.min(SIZE, (n + 1) * PART));
          }
        }));
        await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }));
        return { seconds: Number(process.hrtime.bigint() - t) / 1e9 };
      },
      'curl PUT': async () => {
        const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: `bench/curl-${Date.now()}.mp4` }), { expiresIn: 3600 });
        const { stdout } = await promisify(execFile)('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', '-T', path, url]);
        const [status, seconds] = stdout.trim().split(' ');
        if (status !== '200') throw new Error(`curl PUT ${status}`);
        return { seconds: Number(seconds) };
      },
    };

    async function reference(hash: boolean): Promise<Sample> {
      const key = `bench/ref-${Date.now()}.mp4`;
      const page = await b.newPage();
      try {
        await page.goto(referenceUrl);
        await page.locator('input[type=file]').setInputFiles(path);
        const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: 'video/mp4' }));
        const urls = await Promise.all(Array.from({ length: parts }, (_, n) =>
          getSignedUrl(s3, new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: n + 1 }), { expiresIn: 3600 })));
        let etags: string[] = [];
        const sample = await measurePage(page, async () => {
          etags = (await page.evaluate(`referenceUpload(${JSON.stringify({ urls, partSize: PART, parallel: PARALLEL, hash })})`)) as string[];
        });
        await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }));
        return sample;
      } finally {
        await page.close();
      }
    }

    // BENCH_CLIENTS=name,name… runs only those (a sweep of part size or parallelism needs no uploader).
    const only = process.env.BENCH_CLIENTS?.split(',');
    const clients = (Object.keys(run) as Client[]).filter(
      (c) => (c !== 'uploader (baseline build)' || BASELINE) && (!only || only.includes(c) || c === 'node multipart' || c === 'curl PUT'),
    );
    const samples = Object.fromEntries(clients.map((c) => [c, [] as Sample[]])) as Partial<Record<Client, Sample[]>> as Record<Client, Sample[]>;
    for (let r = 0; r < RUNS; r++) {
      for (let i = 0; i < clients.length; i++) {
        const client = clients[(i + r) % clients.length]!;
        samples[client].push(await run[client]());
        await emptyBucket(s3, bucket);
      }
    }

    if (process.env.BENCH_PROFILE) await uploader('', process.env.BENCH_PROFILE)();

    const mibps = (s: Sample) => SIZE / MIB / s.seconds;
    const ratioTo = (client: Client, base: Client, f: (s: Sample) => number) =>
      spread(samples[client].map((s, i) => f(s) / f(samples[base][i]!)));
    console.log(`a ${SIZE / MIB} MiB file; reference and node: parts of ${PART / MIB} MiB, ${PARALLEL} in parallel; uploader: its own (edge part size ${partSizeFor(SIZE) / MIB} MiB, ${PARALLEL_PARTS} in parallel); median (min–max) of ${RUNS} interleaved runs; Chromium, loopback, Ceph RGW`);
    const out: Record<string, unknown> = { size_mib: SIZE / MIB, part_mib: PART / MIB, parallel: PARALLEL, runs: RUNS, clients: {} };
    for (const c of clients) {
      const rate = spread(samples[c].map(mibps));
      const vsNode = ratioTo(c, 'node multipart', mibps);
      const vsCurl = ratioTo(c, 'curl PUT', mibps);
      let line = `  ${c.padEnd(22)} ${fmt(rate, 1)} MiB/s   ×node multipart ${fmt(vsNode, 2)}   ×curl PUT ${fmt(vsCurl, 2)}`;
      const entry: Record<string, Spread> = { mibps: rate, vs_node_multipart: vsNode, vs_curl_put: vsCurl };
      if (samples[c][0]!.cpuSeconds !== undefined) {
        const cpu = spread(samples[c].map((s) => s.cpuSeconds!));
        const heap = spread(samples[c].map((s) => s.heapMiB!));
        const heapPeak = spread(samples[c].map((s) => s.heapPeakMiB!));
        const none = { median: NaN, min: NaN, max: NaN, n: 0 };
        const cpuVsRef = samples['reference page'] ? ratioTo(c, 'reference page', (s) => s.cpuSeconds!) : none;
        const cpuVsRefMd5 = samples['reference page + MD5'] ? ratioTo(c, 'reference page + MD5', (s) => s.cpuSeconds!) : none;
        line += `\n  ${''.padEnd(22)} page CPU ${fmt(cpu, 2)} s (×reference ${fmt(cpuVsRef, 2)}, ×reference+MD5 ${fmt(cpuVsRefMd5, 2)})   JS heap peak ${fmt(heapPeak, 1)} MiB (+${fmt(heap, 1)})`;
        if (c === 'uploader' && samples['uploader (baseline build)']) {
          const vsBefore = ratioTo(c, 'uploader (baseline build)', (s) => s.cpuSeconds!);
          const rateVsBefore = ratioTo(c, 'uploader (baseline build)', mibps);
          line += `\n  ${''.padEnd(22)} page CPU × the baseline build's uploader ${fmt(vsBefore, 2)}   MiB/s × the baseline build's ${fmt(rateVsBefore, 2)}`;
          entry.cpu_vs_baseline_build = vsBefore;
          entry.mibps_vs_baseline_build = rateVsBefore;
        }
        const renderer = spread(samples[c].map((s) => s.rendererCpuSeconds!));
        const chromium = spread(samples[c].map((s) => s.chromiumCpuSeconds!));
        const rendererVsRefMd5 = samples['reference page + MD5'] ? ratioTo(c, 'reference page + MD5', (s) => s.rendererCpuSeconds!) : none;
        const chromiumVsRefMd5 = samples['reference page + MD5'] ? ratioTo(c, 'reference page + MD5', (s) => s.chromiumCpuSeconds!) : none;
        line += `\n  ${''.padEnd(22)} renderer CPU (all threads) ${fmt(renderer, 2)} s (×reference+MD5 ${fmt(rendererVsRefMd5, 2)})   all of Chromium ${fmt(chromium, 2)} s (×reference+MD5 ${fmt(chromiumVsRefMd5, 2)})`;
        const phaseNames = Object.keys(samples[c][0]!.phaseSeconds ?? {});
        if (phaseNames.length > 0) {
          const phaseSpreads = Object.fromEntries(phaseNames.map((p) => [p, spread(samples[c].map((s) => s.phaseSeconds![p]!))]));
          line += `\n  ${''.padEnd(22)} wall time by phase: ${phaseNames.map((p) => `${p} ${fmt(phaseSpreads[p]!, 2)} s`).join(', ')}`;
          entry.phases = phaseSpreads as unknown as Spread;
        }
        Object.assign(entry, {
          cpu_s: cpu,
          cpu_vs_reference: cpuVsRef,
          cpu_vs_reference_md5: cpuVsRefMd5,
          renderer_cpu_s: renderer,
          renderer_cpu_vs_reference_md5: rendererVsRefMd5,
          chromium_cpu_s: chromium,
          chromium_cpu_vs_reference_md5: chromiumVsRefMd5,
          heap_growth_mib: heap,
          heap_peak_mib: heapPeak,
        });
      }
      if (samples[c][0]!.transferSeconds !== undefined) {
        const transfer = (x: Sample) => SIZE / MIB / x.transferSeconds!;
        const t = spread(samples[c].map(transfer));
        const tNode = spread(samples[c].map((x, i) => transfer(x) / mibps(samples['node multipart'][i]!)));
        line += `\n  ${''.padEnd(22)} transfer alone (until "processing"): ${fmt(t, 1)} MiB/s   ×node multipart ${fmt(tNode, 2)}`;
        Object.assign(entry, { transfer_mibps: t, transfer_vs_node_multipart: tNode });
      }
      (out.clients as Record<string, unknown>)[c] = entry;
      console.log(line);
    }
    if (process.env.BENCH_JSON) console.log(JSON.stringify(out));
    return out as unknown as UploadResult;
  } finally {
    await browser?.close();
    await emptyBucket(s3, bucket).catch(() => undefined);
    await env.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await uploadBench();
