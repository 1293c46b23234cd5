import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { E2E_WAIT_MS, openPage } from './support/browser';
import type { DemoStack } from './support/demo-stack';
import { openSession, type E2eSession } from './support/session';
import { makeVideo, paddedVideo } from './support/fixtures';
import { holdParts, partsHeld, releaseParts } from './support/hold-parts';

/**
 * The form around the uploader, through the demo page (moodleform's Save and
 * Cancel buttons) and the AMD build: pressing Save changes or Cancel while an
 * upload runs never loses it silently (issue 9 §2), and an empty form's first
 * look at the edge leaves the console clean.
 */

let session: E2eSession | undefined;
let env: DemoStack;
let browser: Browser;
let dir: string;
let small: string;
let large: string;
let nextSubmission = 900;
/** From 64 MiB the uploader goes multipart: parts can be held back, so the upload is still running when a button is pressed. */
const LARGE = 80 * 1024 ** 2;

before(async () => {
  ({ env, browser, dir } = session = await openSession({ RATE_LIMIT_UPLOADS_PER_HOUR: '1000' }));
  small = makeVideo(dir, 'first.mp4');
  large = paddedVideo(dir, 'second.mp4', LARGE);
});

after(async () => {
  await session?.close();
});

const uploader = (page: Page) => page.locator('s3v-uploader');
const phase = (page: Page, name: string, timeout = E2E_WAIT_MS) => uploader(page).locator(`section[data-phase=${name}]`).waitFor({ timeout });

/** The student page with `first.mp4` already saved, and every POST of the form counted. */
async function pageWithSavedVideo(): Promise<{ page: Page; submissionid: number; posts: string[] }> {
  const submissionid = (nextSubmission += 1);
  const page = await openPage(browser);
  const posts: string[] = [];
  page.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/student') posts.push(req.postData() ?? '');
  });
  await page.goto(`${env.demo.url}/student?submission=${submissionid}`);
  await uploader(page).locator('input[type=file]').setInputFiles(small);
  await phase(page, 'success');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Your submission has been saved.').waitFor();
  posts.length = 0;
  return { page, submissionid, posts };
}

/** Starts the large upload with parts 3 and 4 held back: it stays in 'uploading' until released. */
async function startHeldUpload(page: Page): Promise<void> {
  await holdParts(page, { parts: [3, 4] });
  await uploader(page).locator('input[type=file]').setInputFiles(large);
  await phase(page, 'uploading');
  // Each part is hashed and signed before it is sent: only once both are held is there nothing
  // left that a release could miss.
  await partsHeld(page, 2);
}

async function claimed(submissionid: number): Promise<string | undefined> {
  const row = await env.stack.edge.db
    .prepare('SELECT filename FROM videos WHERE submissionid = ? AND claimed_timestamp IS NOT NULL AND retired_timestamp IS NULL')
    .bind(submissionid)
    .first<{ filename: string }>();
  return row?.filename;
}

describe('"Save changes" during an upload', () => {
  it('is held ("Saving when the upload finishes…") and goes by itself once the video is confirmed', async () => {
    const { page, submissionid, posts } = await pageWithSavedVideo();
    await startHeldUpload(page);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await uploader(page).locator('.held').getByText('Saving when the upload finishes…').waitFor();
    assert.deepEqual(posts, [], 'the form was not sent: the transfer goes on');
    await phase(page, 'uploading');

    const sent = page.waitForRequest((req) => req.method() === 'POST' && new URL(req.url()).pathname === '/student');
    await releaseParts(page);
    await sent;
    await page.waitForLoadState();
    await page.getByText('Your submission has been saved.').waitFor();
    assert.equal(posts.length, 1, 'sent once, by itself');
    assert.match(posts[0]!, /submitbutton=Save/, 'as the button the student pressed');
    assert.match(posts[0]!, /s3video_receipt=ey/, 'with the new receipt');
    assert.equal(await claimed(submissionid), 'second.mp4');
    await page.close();
  });

  it('"Cancel saving" takes the hold back: the upload finishes and nothing is sent until Save is pressed again', async () => {
    const { page, submissionid, posts } = await pageWithSavedVideo();
    await startHeldUpload(page);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await uploader(page).getByRole('button', { name: 'Cancel saving' }).click();
    await uploader(page).locator('.held').waitFor({ state: 'detached' });
    await releaseParts(page);
    await phase(page, 'success');
    assert.deepEqual(posts, [], 'nothing sent by itself');
    assert.equal(await claimed(submissionid), 'first.mp4');

    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your submission has been saved.').waitFor();
    assert.equal(await claimed(submissionid), 'second.mp4');
    await page.close();
  });
});

describe('the form’s Cancel during an upload', () => {
  it('says what it will do; "Keep uploading" keeps it, "Stop the upload and leave" stops it and keeps the saved video', async () => {
    const { page, submissionid, posts } = await pageWithSavedVideo();
    await startHeldUpload(page);
    await page.locator('#id_cancel').click();
    const question = uploader(page).locator('.leave').getByText('Cancel stops the upload in progress. The video saved before stays your submission.');
    await question.waitFor();
    assert.deepEqual(posts, [], 'not gone yet');
    await uploader(page).getByRole('button', { name: 'Keep uploading' }).click();
    await question.waitFor({ state: 'detached' });
    await phase(page, 'uploading');

    const abort = page.waitForResponse((res) => res.url().endsWith('/api/multipart/abort'));
    await page.locator('#id_cancel').click();
    await uploader(page).getByRole('button', { name: 'Stop the upload and leave' }).click();
    await page.getByText('Cancelled: your submission was not changed.').waitFor();
    assert.equal(posts.length, 1);
    assert.match(posts[0]!, /cancel=Cancel/);
    assert.equal((await abort).status(), 200, 'the upload in progress was stopped');
    assert.equal(await claimed(submissionid), 'first.mp4', 'the previously saved video stays');
    await page.close();
  });
});

describe('an empty form', () => {
  it('asks the edge for the current video and gets an ordinary answer: no error in the console', async () => {
    const page = await openPage(browser);
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`);
    });
    const asked = page.waitForResponse((res) => new URL(res.url()).pathname === '/api/video');
    await page.goto(`${env.demo.url}/student?submission=${(nextSubmission += 1)}`);
    const answer = await asked;
    assert.equal(answer.status(), 200);
    assert.deepEqual(await answer.json(), { video: null });
    await uploader(page).getByRole('button', { name: 'Choose a video' }).waitFor();
    assert.deepEqual(problems, []);
    await page.close();
  });
});
