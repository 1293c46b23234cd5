/**
 * `npm run bench:first-frame`: the teacher's page, from navigation to the
 * video's first frame, in Chromium on the demo pages and the real stack.
 *
 * Each load is a fresh page (no cache: the demo sends `no-store`). Times are
 * the page's own clock, whose origin is the navigation's start:
 *   src         — the <video> element gets its source (a `src` setter hook)
 *   first frame — the first `requestVideoFrameCallback` (a frame presented);
 *                 `loadeddata` as well, which is when the frame is decoded
 * and the waterfall of script and API requests from Resource Timing.
 *
 * With BENCH_BASELINE_REF=<git ref> (or BENCH_BASELINE_AMD=<dir of *.min.js>)
 * the same stack also serves that build (e.g. the one before a change) on
 * alternate loads: before/after interleaved, one ratio per pair.
 */
import { rmSync } from 'node:fs';
import { fixtureDir, makeVideo } from '../test/e2e/support/fixtures';
import { baselineBuild, fmt, handIn, launchChromium, spread, startDemoStack, useAmdBuild, type Browser, type Page, type Spread } from './pages';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const BASELINE = process.env.BENCH_BASELINE_REF ? baselineBuild(process.env.BENCH_BASELINE_REF) : (process.env.BENCH_BASELINE_AMD ?? '');
const SUBMISSION = 700;
const CURRENT = new URL('../amd/build', import.meta.url).pathname;

/** Marks taken inside the page: the video's source and its first frame. */
const INSTRUMENT = `(() => {
  const marks = (window.__ttff = {});
  const watch = (video) => {
    if (marks.watched) return;
    marks.watched = true;
    video.addEventListener('loadedmetadata', () => (marks.metadata ??= performance.now()), { once: true });
    video.addEventListener('loadeddata', () => (marks.loadeddata ??= performance.now()), { once: true });
    video.requestVideoFrameCallback?.(() => (marks.frame ??= performance.now()));
  };
  const src = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'src');
  Object.defineProperty(HTMLMediaElement.prototype, 'src', {
    ...src,
    set(value) {
      marks.src ??= performance.now();
      watch(this);
      src.set.call(this, value);
    },
  });
})();`;

export interface Waterfall {
  name: string;
  start: number;
  end: number;
}

export interface Load {
  src: number;
  /** First frame presented (rVFC), or decoded (loadeddata) where rVFC never fired. */
  frame: number;
  loadeddata: number;
  waterfall: Waterfall[];
}

/** The part of a URL that names it in a waterfall. */
function shortName(url: string): string | null {
  const u = new URL(url);
  if (u.pathname.endsWith('/require.js')) return 'require.js';
  const module = /requirejs\.php\/(.+)\.js$/.exec(u.pathname);
  if (module) return module[1]!.replace('assignsubmission_s3video/', '');
  if (u.pathname.startsWith('/api/')) return u.pathname;
  if (u.pathname === '/strings.json' || u.pathname === '/lib/ajax/service.php') return u.pathname;
  return null;
}

async function load(browser: Browser, url: string, build: string): Promise<Load> {
  const context = await browser.newContext();
  const page: Page = await context.newPage();
  try {
    await page.addInitScript(INSTRUMENT);
    // Both builds through the same route, this one's too: with a route in place Playwright
    // intercepts every request of the page (the video's included), which must cost both alike.
    await useAmdBuild(page, build || CURRENT);
    await page.goto(url);
    await page.waitForFunction(() => {
      const m = (window as unknown as { __ttff: Record<string, number> }).__ttff;
      return m.loadeddata !== undefined && (m.frame !== undefined || !('requestVideoFrameCallback' in HTMLVideoElement.prototype));
    }, undefined, { timeout: 60_000, polling: 50 });
    const marks = await page.evaluate(() => (window as unknown as { __ttff: Record<string, number> }).__ttff);
    const entries = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => ({ url: e.name, start: e.startTime, end: (e as PerformanceResourceTiming).responseEnd })));
    const waterfall = entries.flatMap((e) => {
      const name = shortName(e.url);
      return name ? [{ name, start: e.start, end: e.end }] : [];
    });
    return { src: marks.src!, frame: marks.frame ?? marks.loadeddata!, loadeddata: marks.loadeddata!, waterfall };
  } finally {
    await context.close();
  }
}

export interface FirstFrameResult {
  runs: number;
  after: { src: Spread; frame: Spread; loadeddata: Spread; waterfall: Waterfall[] };
  before?: { src: Spread; frame: Spread; loadeddata: Spread; waterfall: Waterfall[] };
  /** after/before first frame, per interleaved pair. */
  ratio?: Spread;
}

function summarise(loads: Load[]) {
  // The waterfall of the load whose first frame was the median one.
  const sorted = [...loads].sort((a, b) => a.frame - b.frame);
  return {
    src: spread(loads.map((l) => l.src)),
    frame: spread(loads.map((l) => l.frame)),
    loadeddata: spread(loads.map((l) => l.loadeddata)),
    waterfall: sorted[Math.floor(sorted.length / 2)]!.waterfall,
  };
}

export function printWaterfall(label: string, waterfall: Waterfall[]): void {
  console.log(`  ${label} (median load; ms from navigation start):`);
  const scale = 60 / Math.max(...waterfall.map((w) => w.end), 1);
  for (const w of [...waterfall].sort((a, b) => a.start - b.start)) {
    const bar = ' '.repeat(Math.round(w.start * scale)) + '█'.repeat(Math.max(1, Math.round((w.end - w.start) * scale)));
    console.log(`  ${w.name.padEnd(34)} ${w.start.toFixed(0).padStart(5)}–${w.end.toFixed(0).padEnd(5)} ${bar}`);
  }
}

export async function firstFrame(): Promise<FirstFrameResult> {
  const dir = fixtureDir();
  const env = await startDemoStack({ RATE_LIMIT_PLAYBACKS_PER_HOUR: '100000' });
  const browser = await launchChromium();
  try {
    await handIn(browser, env.demo.url, SUBMISSION, makeVideo(dir, 'clip.mp4', 10));
    const url = `${env.demo.url}/teacher?submission=${SUBMISSION}`;
    // One unmeasured load of each: the stack's and the browser's first-time costs.
    await load(browser, url, '');
    if (BASELINE) await load(browser, url, BASELINE);
    const after: Load[] = [];
    const before: Load[] = [];
    for (let run = 0; run < RUNS; run++) {
      // Alternate which goes first, so neither always follows the other.
      const order = run % 2 === 0 ? ['after', 'before'] : ['before', 'after'];
      for (const which of order) {
        if (which === 'after') after.push(await load(browser, url, ''));
        else if (BASELINE) before.push(await load(browser, url, BASELINE));
      }
    }
    const result: FirstFrameResult = { runs: RUNS, after: summarise(after) };
    if (BASELINE) {
      result.before = summarise(before);
      result.ratio = spread(after.map((a, i) => a.frame / before[i]!.frame));
    }
    return result;
  } finally {
    await browser.close();
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function report(r: FirstFrameResult): void {
  console.log(`teacher page, navigation → first frame (Chromium, loopback, demo stack; median (min–max) of ${r.runs} loads, ms)`);
  const line = (label: string, x: FirstFrameResult['after']) =>
    console.log(`  ${label.padEnd(8)} src ${fmt(x.src)}   first frame ${fmt(x.frame)}   loadeddata ${fmt(x.loadeddata)}`);
  if (r.before) line('before', r.before);
  line(r.before ? 'after' : 'now', r.after);
  if (r.ratio) console.log(`  after/before first frame: ${fmt(r.ratio, 2)}`);
  if (r.before) printWaterfall('before', r.before.waterfall);
  printWaterfall(r.before ? 'after' : 'now', r.after.waterfall);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  report(await firstFrame());
}
