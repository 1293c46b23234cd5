import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { openPage } from './support/browser';
import type { DemoStack } from './support/demo-stack';
import { openSession, type E2eSession } from './support/session';
import { makeVideo } from './support/fixtures';

/**
 * Sizes and dates in the components read as Moodle's beside them (issue 9 §3):
 * through the demo pages, the real loader and the stand-ins for core/str and
 * core/user_date (which asks the server, core_get_user_dates, as Moodle's does).
 */

let session: E2eSession | undefined;
let env: DemoStack;
let browser: Browser;
let dir: string;
let clip: string;
const SUBMISSION = 950;
const NBSP = '\u00a0';

before(async () => {
  ({ env, browser, dir } = session = await openSession());
  clip = makeVideo(dir, 'lecture.mp4');
});

after(async () => {
  await session?.close();
});

/** Moodle's strftimedaydatetime in English as userdate() writes it (no leading zeros on the day and the hour), in UTC. */
function moodleDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  const weekday = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][d.getUTCDay()];
  const month = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][d.getUTCMonth()];
  const h = d.getUTCHours();
  const minutes = String(d.getUTCMinutes()).padStart(2, '0');
  return `${weekday}, ${d.getUTCDate()} ${month} ${d.getUTCFullYear()}, ${h % 12 || 12}:${minutes} ${h < 12 ? 'AM' : 'PM'}`;
}

describe('sizes and dates follow Moodle', () => {
  it('the student\'s page: "up to 5.0 GB", the current video\'s size as display_size() and its date from core/user_date', async () => {
    const page = await openPage(browser);
    const dateCalls: unknown[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/lib/ajax/service.php') && req.postData()?.includes('core_get_user_dates')) dateCalls.push(req.postDataJSON());
    });
    await page.goto(`${env.demo.url}/student?submission=${SUBMISSION}`);
    const uploader = page.locator('s3v-uploader');
    await uploader.getByText(`MP4, MOV, AVI, MKV, WebM, up to 5.0${NBSP}GB`).waitFor();
    await uploader.locator('input[type=file]').setInputFiles(clip);
    await uploader.locator('section[data-phase=success]').waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your submission has been saved.').waitFor();

    const row = await env.stack.edge.db
      .prepare('SELECT confirmed_timestamp FROM videos WHERE submissionid = ? AND claimed_timestamp IS NOT NULL')
      .bind(SUBMISSION)
      .first<{ confirmed_timestamp: number }>();
    const size = statSync(clip).size;
    const mb = size >= 1024 ** 2 ? `${(size / 1024 ** 2).toFixed(1)}${NBSP}MB` : `${(size / 1024).toFixed(1)}${NBSP}KB`;
    const expected = `${mb}, uploaded ${moodleDate(row!.confirmed_timestamp)}`;
    const details = uploader.locator('.current .muted');
    await page.waitForFunction(
      (text) => document.querySelector('s3v-uploader')?.shadowRoot?.querySelector('.current .muted')?.textContent?.trim() === text,
      expected,
    );
    assert.equal((await details.textContent())!.trim(), expected);
    assert.ok(dateCalls.length >= 1, 'the date came from core_get_user_dates');
    await page.close();
  });

  it('the admin\'s video table: upload dates as Moodle writes them', async () => {
    const page = await openPage(browser);
    await page.goto(`${env.demo.url}/admin/videos`);
    const row = await env.stack.edge.db
      .prepare('SELECT id, upload_timestamp FROM videos WHERE submissionid = ?')
      .bind(SUBMISSION)
      .first<{ id: number; upload_timestamp: number }>();
    const cell = page.locator(`s3v-admin-table tr[data-videoid="${row!.id}"] td.nowrap`);
    await cell.getByText(moodleDate(row!.upload_timestamp), { exact: true }).waitFor();
    await page.close();
  });
});
