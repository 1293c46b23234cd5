import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * How long a page waits for real work (a page load with RequireJS, an upload of tens of MiB,
 * Video.js's first frame) before calling it lost: generous for 2 cores shared with other suites.
 * Every wait ends as soon as its condition holds, so the limit costs nothing on a fast machine;
 * Playwright's own default (30 s) is what a loaded machine overran.
 */
export const E2E_WAIT_MS = 120_000;

/** Debian's Chromium, never a downloaded one; Playwright gives each launch a fresh, empty profile. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    timeout: E2E_WAIT_MS,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A new page (in a context of its own) whose waits, clicks and navigations allow {@link E2E_WAIT_MS}. */
export async function openPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(E2E_WAIT_MS);
  page.setDefaultNavigationTimeout(E2E_WAIT_MS);
  return page;
}

/** Every URL a page requests, in order. */
export function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (req) => urls.push(req.url()));
  return urls;
}

/** A student hands in a video through the demo's student page: picks it, waits for the upload, saves the form. */
export async function handIn(browser: Browser, demoUrl: string, submissionid: number, video: string): Promise<void> {
  const student = await openPage(browser);
  await student.goto(`${demoUrl}/student?submission=${submissionid}`);
  await student.locator('s3v-uploader input[type=file]').setInputFiles(video);
  await student.locator('s3v-uploader section[data-phase=success]').waitFor();
  await student.getByRole('button', { name: 'Save changes' }).click();
  await student.getByText('Your submission has been saved.').waitFor();
  await student.close();
}
