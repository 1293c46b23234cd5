/**
 * What the browser benchmarks share: Debian's Chromium, the demo pages on the
 * real stack (as test/e2e/support/demo-stack.ts starts them), a video handed
 * in through the student's page, and medians with their spread.
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../test/e2e/support/browser';
import { startDemoStack, type DemoStack } from '../test/e2e/support/demo-stack';
import { percentile } from './stats';

export { launchChromium, startDemoStack, type Browser, type DemoStack, type Page };

/** The student's page hands `file` in for `submission` and saves it: the teacher's page then plays it. */
export async function handIn(browser: Browser, demoUrl: string, submission: number, file: string): Promise<void> {
  const page = await browser.newPage();
  try {
    await page.goto(`${demoUrl}/student?submission=${submission}`);
    await page.locator('s3v-uploader input[type=file]').setInputFiles(file);
    await page.locator('s3v-uploader section[data-phase=success]').waitFor({ timeout: 600_000 });
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your submission has been saved.').waitFor();
  } finally {
    await page.close();
  }
}

/**
 * Serves another AMD build (a directory of *.min.js, e.g. the one before a
 * change) in place of the demo's own, for before/after runs interleaved on
 * one stack. RequireJS asks for `component/name.js`.
 */
export async function useAmdBuild(page: Page, dir: string): Promise<void> {
  const files = new Map(readdirSync(dir).filter((f) => f.endsWith('.min.js')).map((f) => [f.replace(/\.min\.js$/, ''), join(dir, f)]));
  await page.route('**/lib/requirejs.php/assignsubmission_s3video/*.js', (route) => {
    const name = /\/([a-z0-9-]+)\.js$/.exec(new URL(route.request().url()).pathname)?.[1] ?? '';
    const file = files.get(name);
    return file
      ? route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', headers: { 'Cache-Control': 'no-store' }, body: readFileSync(file) })
      : route.fulfill({ status: 404, body: 'not in this build' });
  });
}

const ROOT = new URL('../', import.meta.url).pathname;

/** The AMD build of another commit, built in a scratch copy of it (in the system's temporary folder): its amd/build directory. */
export function baselineBuild(ref: string): string {
  const dir = mkdtempSync(join(tmpdir(), 's3v-baseline-'));
  execSync(`git -C ${JSON.stringify(ROOT)} archive ${ref} | tar -x -C ${JSON.stringify(dir)}`);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  execSync('node scripts/build-amd.mjs', { cwd: dir, stdio: 'ignore' });
  return join(dir, 'amd/build');
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spread(samples: number[]): Spread {
  return { median: percentile(samples, 50), min: Math.min(...samples), max: Math.max(...samples), n: samples.length };
}

export const fmt = (s: Spread, digits = 0): string =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)}, n=${s.n})`;
