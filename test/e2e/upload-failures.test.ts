import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { MAX_UPLOAD_BYTES } from '../../edge/src/contract';
import { E2E_WAIT_MS, recordRequests, openPage } from './support/browser';
import { startDemoStack, type DemoStack } from './support/demo-stack';
import { openSession, type E2eSession } from './support/session';
import { makeVideo, paddedVideo, sparseFile, textFile } from './support/fixtures';
import { holdParts, watchPartsInPage } from './support/hold-parts';
import { lifetimeOf, until, untilExpired } from './support/wait';

/**
 * The student's page when things go wrong, through the demo page, the AMD
 * build and the real edge + S3: refusals before sending, a dropped
 * connection, an expired presign, Cancel, an expired token.
 */

/**
 * The stack for the expiry tests: grants short enough that a held-back request outlives them,
 * long enough that everything not held finishes inside them however busy the machine is. The
 * held request waits for its grant's own stated expiry (a condition), never a guessed delay.
 * Every other test runs on a stack with the production lifetimes, so no expiry can blur it.
 */
const PRESIGN_TTL_SECONDS = 15;

let session: E2eSession | undefined;
let env: DemoStack;
let expiring: DemoStack;
let browser: Browser;
let dir: string;
let clip: string;
let nextSubmission = 500;

before(async () => {
  ({ env, browser, dir } = session = await openSession({ RATE_LIMIT_UPLOADS_PER_HOUR: '1000' }));
  clip = makeVideo(dir);
  expiring = await startDemoStack({ UPLOAD_URL_TTL_SECONDS: String(PRESIGN_TTL_SECONDS), RATE_LIMIT_UPLOADS_PER_HOUR: '1000' });
});

after(async () => {
  await expiring?.close();
  await session?.close();
});

async function studentPage(query = '', on: DemoStack = env): Promise<{ page: Page; submissionid: number; requests: string[] }> {
  const submissionid = (nextSubmission += 1);
  const page = await openPage(browser);
  const requests = recordRequests(page);
  await page.goto(`${on.demo.url}/student?submission=${submissionid}${query}`);
  await page.locator('s3v-uploader button.primary').waitFor();
  return { page, submissionid, requests };
}

const uploader = (page: Page) => page.locator('s3v-uploader');
/** Waits for the uploader to reach a phase (the section carries it as data-phase). */
const phase = (page: Page, name: string, timeout = E2E_WAIT_MS) => uploader(page).locator(`section[data-phase=${name}]`).waitFor({ timeout });
const receipt = (page: Page) => page.locator('input[name=s3video_receipt]').inputValue();
const isS3Post = (url: string, method: string) => method === 'POST' && url.startsWith(env.stack.s3.endpoint);
/** A multipart part: PUT to S3 with its number in the query. */
const partOf = (url: string, method: string) =>
  method === 'PUT' && url.startsWith(env.stack.s3.endpoint) ? Number(new URL(url).searchParams.get('partNumber') ?? 0) : 0;

type Logged = { event_type: string; error_code: string | null; retry_count: number | null };

/**
 * The submission's events, once those the page reports itself (`upload_retry`, `upload_failure`,
 * sent to /api/events beside what the student sees, not before it) have arrived: reading them
 * right after a phase would race the report.
 */
async function events(submissionid: number, reported: string[], on: DemoStack = env): Promise<Logged[]> {
  let rows: Logged[] = [];
  await until(async () => {
    rows = (await on.stack.edge.db
      .prepare('SELECT event_type, error_code, retry_count FROM events WHERE submissionid = ? ORDER BY id')
      .bind(submissionid)
      .all<Logged>()).results;
    return reported.every((type) => rows.some((e) => e.event_type === type));
  }, `${reported.join(', ')} to be reported`);
  return rows;
}

describe('the student page refuses before sending anything', () => {
  it('a file over 5 GB: the limit and a hint to compress', async () => {
    const { page, requests } = await studentPage();
    await uploader(page).locator('input[type=file]').setInputFiles(sparseFile(dir, 'lecture.mp4', MAX_UPLOAD_BYTES + 1));
    await uploader(page).getByText('File size exceeds 5.0\u00a0GB limit').waitFor();
    assert.match(await uploader(page).locator('[role=alert]').innerText(), /Compress the video/);
    assert.deepEqual(requests.filter((u) => u.includes('/api/upload-url') || u.startsWith(env.stack.s3.endpoint)), []);
    assert.equal(await receipt(page), '');
    await page.close();
  });

  it('a file over the assignment’s own lower limit: that limit', async () => {
    const { page } = await studentPage(`&maxbytes=${50 * 1024}`);
    await uploader(page).getByText('MP4, MOV, AVI, MKV, WebM, up to 50.0\u00a0KB').waitFor();
    await uploader(page).locator('input[type=file]').setInputFiles(clip);
    await uploader(page).getByText('File size exceeds 50.0\u00a0KB limit').waitFor();
    await page.close();
  });

  it('notavideo.mp4, 20 bytes of text named like a video: refused by its bytes, nothing sent', async () => {
    const { page, requests } = await studentPage();
    await uploader(page).locator('input[type=file]').setInputFiles(textFile(dir, 'notavideo.mp4', 'this is not a video\n'));
    await uploader(page).getByText('This file is not a video: its content is none of MP4, MOV, AVI, MKV, WebM, whatever its name says.').waitFor();
    assert.deepEqual(requests.filter((u) => u.includes('/api/upload-url') || u.includes('/api/multipart') || u.startsWith(env.stack.s3.endpoint)), []);
    assert.equal(await receipt(page), '');
    await page.close();
  });

  it('a file that is not a video: the accepted types', async () => {
    const { page, requests } = await studentPage();
    await uploader(page).locator('input[type=file]').setInputFiles(textFile(dir, 'essay.txt', 'not a video'));
    await uploader(page).getByText('Only video files are allowed: MP4, MOV, AVI, MKV, WebM').waitFor();
    assert.equal(requests.filter((u) => u.includes('/api/upload-url')).length, 0);
    await page.close();
  });
});

describe('the student page recovers', () => {
  it('a connection cut during the upload: "Upload interrupted", then Retry completes it and it is logged', async () => {
    const { page, submissionid } = await studentPage();
    let cut = false;
    await page.route(`${env.stack.s3.endpoint}/**`, async (route) => {
      if (!cut && route.request().method() === 'POST') {
        cut = true;
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await uploader(page).locator('input[type=file]').setInputFiles(clip);
    await uploader(page).getByText('Upload interrupted').waitFor();
    assert.equal(await receipt(page), '');
    await uploader(page).getByRole('button', { name: 'Retry' }).click();
    await phase(page, 'success');
    assert.equal((await receipt(page)).split('.').length, 3);

    const logged = await events(submissionid, ['upload_failure', 'upload_retry']);
    const failure = logged.find((e) => e.event_type === 'upload_failure');
    assert.equal(failure?.error_code, 'S3:network');
    const retry = logged.find((e) => e.event_type === 'upload_retry');
    assert.equal(retry?.retry_count, 1);
    assert.equal(logged.filter((e) => e.event_type === 'upload_start').length, 2, 'Retry asks for a new presign');
    assert.equal(logged.filter((e) => e.event_type === 'upload_success').length, 1);
    await page.close();
  });

  it('an expired presign: renewed and sent again without asking the student', async () => {
    const { page, submissionid } = await studentPage('', expiring);
    let held = false;
    const posts: string[] = [];
    page.on('request', (req) => {
      if (isS3Post(req.url(), req.method())) posts.push(req.url());
    });
    await page.route(`${env.stack.s3.endpoint}/**`, async (route) => {
      if (!held && route.request().method() === 'POST') {
        held = true;
        // The first POST reaches S3 only once its policy has expired, as the policy it carries
        // says. (Read from the POST itself: reading the presign's answer in a response listener
        // could fail on a busy machine, leaving this to wait forever and the file never to end.)
        const form = route.request().postDataBuffer()?.toString('latin1') ?? '';
        const policy = /name="Policy"\r\n\r\n([A-Za-z0-9+/=]+)\r\n/.exec(form)?.[1];
        if (!policy) return route.abort('failed');
        const expiration = Date.parse((JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as { expiration: string }).expiration);
        await new Promise((r) => setTimeout(r, Math.max(0, expiration + 1000 - Date.now())));
      }
      return route.continue();
    });
    let sawError = false;
    const watch = setInterval(() => {
      void uploader(page).locator('[role=alert]').count().then((n) => (sawError ||= n > 0)).catch(() => undefined);
    }, 100);
    try {
      await uploader(page).locator('input[type=file]').setInputFiles(clip);
      await phase(page, 'success', PRESIGN_TTL_SECONDS * 1000 + E2E_WAIT_MS);
    } finally {
      clearInterval(watch);
    }
    assert.equal(sawError, false, 'the student never saw an error');
    assert.equal(posts.length, 2);
    const retry = (await events(submissionid, ['upload_retry'], expiring)).find((e) => e.event_type === 'upload_retry');
    assert.match(retry?.error_code ?? '', /^S3:(403:AccessDenied|expired)$/);
    await page.close();
  });

  it('Cancel stops a large upload’s parts, aborts it, and keeps the video already saved', async () => {
    const { page, submissionid } = await studentPage();
    await uploader(page).locator('input[type=file]').setInputFiles(clip);
    await phase(page, 'success');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your submission has been saved.').waitFor();
    await uploader(page).getByText('clip.mp4').waitFor();

    // Every part PUT, and how it ended: a status, or the reason it failed.
    const parts = new Map<Request, string>();
    page.on('request', (req) => {
      if (partOf(req.url(), req.method())) parts.set(req, 'in flight');
    });
    page.on('requestfinished', async (req) => {
      if (parts.has(req)) parts.set(req, String((await req.response())?.status()));
    });
    page.on('requestfailed', (req) => {
      if (parts.has(req)) parts.set(req, req.failure()?.errorText ?? 'failed');
    });
    await watchPartsInPage(page);
    // 1 GiB: a multipart upload of 64 parts.
    await uploader(page).locator('input[type=file]').setInputFiles(sparseFile(dir, 'long-take.mp4', 1024 ** 3));
    const abort = page.waitForResponse((res) => res.url().endsWith('/api/multipart/abort'));
    // The click must find a part on its way, whatever the machine's speed: between parts the
    // uploader may be hashing the next one with nothing on the wire. The check and the click run
    // in one task in the page, so no request can end between them; the bar is read there too,
    // as the click takes it away.
    const shown = await page.waitForFunction(`(() => {
      const root = document.querySelector('s3v-uploader').shadowRoot;
      const bar = root.querySelector('[role=progressbar]');
      if (!(Number(bar?.getAttribute('aria-valuenow')) > 0) || window.s3vPartsInFlight() === 0) return false;
      const max = bar.getAttribute('aria-valuemax');
      root.querySelector('button.danger').click();
      return { max };
    })()`);
    assert.deepEqual(await shown.jsonValue(), { max: '100' });
    await uploader(page).getByText('Upload cancelled.').first().waitFor();
    assert.equal((await abort).status(), 200);
    // Not a pause "long enough": wait until every part PUT the page started has ended, then see how.
    await page.waitForFunction('window.s3vPartsInFlight() === 0');
    await until(() => [...parts.values()].every((end) => end !== 'in flight'), 'every part PUT to end');
    const ends = [...parts.values()];
    assert.ok(ends.length > 0 && ends.some((e) => e === 'net::ERR_ABORTED'), `parts in flight stopped: ${ends}`);
    assert.ok(ends.every((e) => e === 'net::ERR_ABORTED' || e === '200'), `each part either stored before the click or stopped: ${ends}`);
    const record = await env.stack.edge.db
      .prepare("SELECT upload_status, multipart_upload_id FROM videos WHERE submissionid = ? AND filename = 'long-take.mp4'")
      .bind(submissionid)
      .first();
    assert.deepEqual(record, { upload_status: 'error', multipart_upload_id: null });
    assert.equal(await receipt(page), '');
    assert.equal(await uploader(page).locator('.current .name').innerText(), 'clip.mp4');

    // Saving now changes nothing: the submission keeps its video.
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Nothing changed').waitFor();
    const video = await env.stack.edge.db
      .prepare("SELECT filename FROM videos WHERE submissionid = ? AND claimed_timestamp IS NOT NULL AND retired_timestamp IS NULL")
      .bind(submissionid)
      .first<{ filename: string }>();
    assert.equal(video?.filename, 'clip.mp4');
    await page.close();
  });

  it('an expired part URL: signed again and the part sent again without asking the student', async () => {
    const { page, submissionid } = await studentPage('', expiring);
    const sent: number[] = [];
    page.on('request', (req) => {
      const n = partOf(req.url(), req.method());
      if (n) sent.push(n);
    });
    const signed: number[][] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/api/multipart/sign-parts')) signed.push((req.postDataJSON() as { parts: Array<{ part_number: number }> }).parts.map((p) => p.part_number));
    });
    // Part 2 reaches S3 only after its URL has expired.
    await holdParts(page, { parts: [2], releaseAfterExpiry: true });
    let sawError = false;
    const watch = setInterval(() => {
      void uploader(page).locator('[role=alert]').count().then((n) => (sawError ||= n > 0)).catch(() => undefined);
    }, 100);
    try {
      await uploader(page).locator('input[type=file]').setInputFiles(paddedVideo(dir, 'seminar.mp4', 70 * 1024 ** 2));
      await phase(page, 'success', PRESIGN_TTL_SECONDS * 1000 + E2E_WAIT_MS);
    } finally {
      clearInterval(watch);
    }
    assert.equal(sawError, false, 'the student never saw an error');
    assert.deepEqual(sent.filter((n) => n === 2), [2, 2], 'part 2 went twice');
    assert.deepEqual(sent.filter((n) => n !== 2).sort(), [1, 3, 4, 5], 'the others once');
    assert.deepEqual(signed.flat().filter((n) => n === 2), [2, 2], `part 2 signed again: ${JSON.stringify(signed)}`);
    // The signing after part 2's refusal asked for part 2 alone. (Not necessarily the last one: on a
    // busy machine a later part may still be waiting for its own first URL when part 2 fails.)
    assert.deepEqual(signed.filter((page) => page.includes(2)).at(-1), [2], `the new URL is for part 2 alone: ${JSON.stringify(signed)}`);
    const retry = (await events(submissionid, ['upload_retry'], expiring)).filter((e) => e.event_type === 'upload_retry');
    assert.deepEqual(retry.map((e) => e.error_code), ['S3:expired']);
    await page.close();
  });

  it('an expired token: renewed through the loader and Moodle’s AJAX, then the upload goes on', async () => {
    const { page, requests } = await studentPage('&token_lifetime=1');
    // The token the page was given has expired by its own exp: a condition, not a pause. (If the
    // page already holds a longer one, it renewed the 1 s token on its own: that one expired.)
    const held = await uploader(page).evaluate((el) => (el as unknown as { token: string }).token);
    if (lifetimeOf(held) <= 1) await untilExpired(held);
    await uploader(page).locator('input[type=file]').setInputFiles(clip);
    await phase(page, 'success');
    assert.equal(requests.filter((u) => u.endsWith('/lib/ajax/service.php')).length, 1);
    await page.close();
  });
});

describe('S3’s own refusals', () => {
  /** An answer as S3 writes it, readable cross-origin as the bucket's CORS rule makes it. */
  const s3Error = (status: number, code: string, message: string) => ({
    status,
    headers: { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  });

  it('503 SlowDown is retried without asking; the retry is logged', async () => {
    const { page, submissionid } = await studentPage();
    let refused = false;
    await page.route(`${env.stack.s3.endpoint}/**`, (route) => {
      if (!refused && route.request().method() === 'POST') {
        refused = true;
        return route.fulfill(s3Error(503, 'SlowDown', 'Please reduce your request rate.'));
      }
      return route.continue();
    });
    await uploader(page).locator('input[type=file]').setInputFiles(clip);
    await phase(page, 'success');
    const retry = (await events(submissionid, ['upload_retry'])).find((e) => e.event_type === 'upload_retry');
    assert.equal(retry?.error_code, 'S3:503:SlowDown');
    await page.close();
  });

  it('403 before the policy expired: a message a person understands, Retry, and a logged failure', async () => {
    const { page, submissionid } = await studentPage();
    await page.route(`${env.stack.s3.endpoint}/**`, (route) =>
      route.request().method() === 'POST'
        ? route.fulfill(s3Error(403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "x"]'))
        : route.continue(),
    );
    await uploader(page).locator('input[type=file]').setInputFiles(clip);
    await phase(page, 'error');
    assert.equal(await uploader(page).locator('.message').innerText(), 'The storage service refused the upload.');
    assert.equal(await uploader(page).locator('.hint').innerText(), 'Retry. If it happens again, tell your teacher.');
    await uploader(page).getByRole('button', { name: 'Retry' }).waitFor();
    const failure = (await events(submissionid, ['upload_failure'])).find((e) => e.event_type === 'upload_failure');
    assert.equal(failure?.error_code, 'S3:403:AccessDenied');
    await page.close();
  });
});

describe('the loader', () => {
  it('gives the uploader Moodle’s strings for its keys, from core/str', async () => {
    const { page } = await studentPage();
    const stringsOf = () => (document.querySelector('s3v-uploader') as Element & { strings: Record<string, string> }).strings;
    await page.waitForFunction(`Object.keys((${stringsOf})()).length > 0`);
    const strings = await page.evaluate(stringsOf);
    assert.equal(strings.upload_choose, 'Choose a video');
    assert.ok(Object.keys(strings).every((key) => key.startsWith('upload_') || key.startsWith('common_')), Object.keys(strings).join());
    await page.close();
  });
});

describe('the student page works from the keyboard alone', () => {
  it('Tab to the picker, Enter, choose, then Tab to Save and Enter', async () => {
    const { page } = await studentPage();
    const picked = page.waitForEvent('filechooser');
    // Skip link, site navigation (brand + 3), breadcrumb (2), then the uploader's button.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.textContent?.trim() ?? '');
      if (focused === 'Choose a video') break;
    }
    await page.keyboard.press('Enter');
    await (await picked).setFiles(clip);
    await phase(page, 'success');
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      // moodleform's buttons are <input type=submit>: their label is their value.
      if ((await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)) === 'Save changes') break;
    }
    await page.keyboard.press('Enter');
    await page.getByText('Your submission has been saved.').waitFor();
    await page.close();
  });
});
