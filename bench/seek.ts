/**
 * `npm run bench:seek`: what a long video's own layout costs the teacher.
 * Four ffmpeg-made files of the same 5-minute picture, differing only in
 * keyframe spacing (GOP 1 s vs 10 s) and where the index is (`moov` first,
 * "faststart", vs at the end as cameras and many editors write it), handed in
 * through the student's page and played on the teacher's (Chromium, CDN
 * stand-in, loopback). Per file, interleaved:
 *   first frame  — navigation → first frame (as bench:first-frame);
 *   seek         — currentTime set to the middle, then to the middle plus
 *                  just under one GOP (the worst case: every frame since the
 *                  keyframe decoded), each until `seeked`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, handIn, launchChromium, spread, startDemoStack, type Browser, type Spread } from './pages';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 300);

interface Variant {
  name: string;
  gop: number;
  faststart: boolean;
}
const VARIANTS: Variant[] = [
  { name: 'GOP 1 s, faststart', gop: 1, faststart: true },
  { name: 'GOP 10 s, faststart', gop: 10, faststart: true },
  { name: 'GOP 1 s, moov at end', gop: 1, faststart: false },
  { name: 'GOP 10 s, moov at end', gop: 10, faststart: false },
];
const FPS = 25;
/** The encodes take minutes on two cores: kept between runs (in the system's temporary folder, per length). */
const CACHE = join(tmpdir(), `s3v-bench-seek-${SECONDS}s`);

function encode(dir: string, v: Variant, source: string): string {
  const path = join(dir, `${v.gop}s-${v.faststart ? 'fast' : 'end'}.mp4`);
  if (existsSync(path)) return path;
  execFileSync('ffmpeg', [
    '-loglevel', 'error', '-y', '-i', source,
    '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '1500k', '-pix_fmt', 'yuv420p',
    // A keyframe every `gop` seconds exactly, none added at scene cuts.
    '-g', String(v.gop * FPS), '-keyint_min', String(v.gop * FPS), '-sc_threshold', '0',
    '-c:a', 'copy', ...(v.faststart ? ['-movflags', '+faststart'] : []), path,
  ]);
  return path;
}

/** The page's marks, in ms of its clock (origin: navigation start). */
async function measure(browser: Browser, url: string, gop: number) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(url);
    const video = () => 'document.querySelector("s3v-player")?.shadowRoot?.querySelector("video")';
    await page.waitForFunction(`(${video()})?.readyState >= 2`, undefined, { timeout: 60_000, polling: 20 });
    const firstFrame = (await page.evaluate('performance.now()')) as number;
    // Until `seeked` (the frame at the new position is decoded): a paused element need not present it, so no rVFC here.
    const seek = (to: number) =>
      page.evaluate(`new Promise((resolve) => {
        const v = ${video()};
        const t = performance.now();
        v.addEventListener('seeked', () => resolve(performance.now() - t), { once: true });
        v.currentTime = ${to};
      })`) as Promise<number>;
    const middle = Math.floor(SECONDS / 2 / gop) * gop;
    const onKeyframe = await seek(middle);
    const worst = await seek(middle + gop - 0.2);
    return { firstFrame, onKeyframe, worst };
  } finally {
    await context.close();
  }
}

export async function seekBench(): Promise<Record<string, Record<string, Spread>>> {
  mkdirSync(CACHE, { recursive: true });
  const env = await startDemoStack({ RATE_LIMIT_PLAYBACKS_PER_HOUR: '100000', RATE_LIMIT_UPLOADS_PER_HOUR: '1000' });
  const browser = await launchChromium();
  try {
    // One picture for all four: a moving test pattern and a tone, encoded once losslessly fast.
    const source = join(CACHE, 'source.mkv');
    if (!existsSync(source)) execFileSync('ffmpeg', [
      '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=854x480:rate=${FPS}`, '-f', 'lavfi', '-i', 'sine=frequency=440',
      '-t', String(SECONDS), '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '18', '-c:a', 'aac', source,
    ]);
    const pages: Array<{ v: Variant; url: string; mib: number }> = [];
    for (const [i, v] of VARIANTS.entries()) {
      const file = encode(CACHE, v, source);
      await handIn(browser, env.demo.url, 800 + i, file);
      pages.push({ v, url: `${env.demo.url}/teacher?submission=${800 + i}`, mib: statSync(file).size / 1024 ** 2 });
    }
    const results = new Map(pages.map((p) => [p.v.name, { firstFrame: [] as number[], onKeyframe: [] as number[], worst: [] as number[] }]));
    for (const p of pages) await measure(browser, p.url, p.v.gop); // warm-up
    for (let run = 0; run < RUNS; run++) {
      for (let i = 0; i < pages.length; i++) {
        const p = pages[(i + run) % pages.length]!;
        const m = await measure(browser, p.url, p.v.gop);
        const r = results.get(p.v.name)!;
        r.firstFrame.push(m.firstFrame);
        r.onKeyframe.push(m.onKeyframe);
        r.worst.push(m.worst);
      }
    }
    console.log(`seeking a ${SECONDS / 60}-minute 854×480 H.264 video (1.5 Mbit/s) to its middle; median (min–max) of ${RUNS} interleaved loads, ms; Chromium, CDN stand-in, loopback`);
    const base = results.get(VARIANTS[0]!.name)!;
    const out: Record<string, Record<string, Spread>> = {};
    for (const p of pages) {
      const r = results.get(p.v.name)!;
      const s = { first_frame_ms: spread(r.firstFrame), seek_keyframe_ms: spread(r.onKeyframe), seek_worst_ms: spread(r.worst), worst_vs_gop1_faststart: spread(r.worst.map((w, i) => w / base.worst[i]!)) };
      out[p.v.name] = s;
      console.log(`  ${p.v.name.padEnd(22)} ${p.mib.toFixed(0)} MiB  first frame ${fmt(s.first_frame_ms)}  seek to a keyframe ${fmt(s.seek_keyframe_ms)}  seek to just before the next ${fmt(s.seek_worst_ms)} (×${fmt(s.worst_vs_gop1_faststart, 2)})`);
    }
    if (process.env.BENCH_JSON) console.log(JSON.stringify(out));
    return out;
  } finally {
    await browser.close();
    await env.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await seekBench();
