import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { E2E_WAIT_MS, openPage } from './support/browser';
import type { DemoStack } from './support/demo-stack';
import { openSession, type E2eSession } from './support/session';
import { paddedVideo } from './support/fixtures';
import { holdParts, partsHeld, releaseParts } from './support/hold-parts';
import { until } from './support/wait';
import { RETRY_DELAYS_MS } from '../../components/uploader/edge-retry';

/**
 * Large videos through the demo page, the AMD build and the real edge + S3:
 * a 70 MiB file (above the uploader's 64 MiB threshold) goes up as five
 * multipart parts. The page is reloaded halfway and the student picks the
 * same file again; the network drops and comes back; a part is altered on
 * its way to S3.
 */

const MIB = 1024 * 1024;
const SIZE = 70 * MIB;
const PARTS = 5;

let session: E2eSession | undefined;
let env: DemoStack;
let browser: Browser;
let dir: string;
let video: string;
let nextSubmission = 700;

before(async () => {
  ({ env, browser, dir } = session = await openSession({ RATE_LIMIT_UPLOADS_PER_HOUR: '1000' }));
  video = paddedVideo(dir, 'lecture.mp4', SIZE);
});

after(async () => {
  await session?.close();
});

const uploader = (page: Page) => page.locator('s3v-uploader');
const phase = (page: Page, name: string, timeout = E2E_WAIT_MS) => uploader(page).locator(`section[data-phase=${name}]`).waitFor({ timeout });

/** The part number of a part PUT to S3, else 0. */
function partOf(url: string, method: string): number {
  if (method !== 'PUT' || !url.startsWith(env.stack.s3.endpoint)) return 0;
  return Number(new URL(url).searchParams.get('partNumber') ?? 0);
}
const partOfRequest = (req: Request) => partOf(req.url(), req.method());

/** Part PUTs as they are sent, and the parts S3 has answered 200 for. */
function watchParts(page: Page): { sent: number[]; stored: Set<number> } {
  const seen = { sent: [] as number[], stored: new Set<number>() };
  page.on('request', (req) => {
    const n = partOfRequest(req);
    if (n) seen.sent.push(n);
  });
  page.on('response', (res) => {
    const n = partOfRequest(res.request());
    if (n && res.status() === 200) seen.stored.add(n);
  });
  return seen;
}

async function studentPage(submissionid: number): Promise<{ page: Page; parts: ReturnType<typeof watchParts> }> {
  const page = await openPage(browser);
  const parts = watchParts(page);
  await page.goto(`${env.demo.url}/student?submission=${submissionid}`);
  await uploader(page).locator('button.primary').waitFor();
  return { page, parts };
}

/** Records, inside the page, everything the uploader's live region and alert say from now on (plain JS: see hold-parts.ts). */
async function listen(page: Page): Promise<() => Promise<{ said: string[]; alerts: string[] }>> {
  await page.evaluate(`(() => {
    const root = document.querySelector('s3v-uploader').shadowRoot;
    const heard = { said: [], alerts: [] };
    window.s3vHeard = heard;
    new MutationObserver(() => {
      const live = root.querySelector('[role=status]')?.textContent?.trim();
      if (live && heard.said.at(-1) !== live) heard.said.push(live);
      const alert = root.querySelector('[role=alert]')?.textContent?.trim();
      if (alert) heard.alerts.push(alert);
    }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
  })()`);
  return () => page.evaluate('window.s3vHeard') as Promise<{ said: string[]; alerts: string[] }>;
}

const storedUploads = (page: Page) =>
  page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('s3video.multipart:')));

describe('a large video goes up in parts', () => {
  it('a reload halfway, then the same file again: only the missing parts are sent, and the teacher plays it', async () => {
    const submissionid = (nextSubmission += 1);
    const { page, parts } = await studentPage(submissionid);
    await holdParts(page, { parts: [3, 4, 5] });
    await uploader(page).locator('input[type=file]').setInputFiles(video);
    await until(() => parts.stored.has(1) && parts.stored.has(2), 'parts 1 and 2 to reach S3');
    assert.deepEqual(await storedUploads(page), [`s3video.multipart:${env.stack.edge.url.replace(/\/+$/, '')}#${submissionid}`]);

    // The student reloads while parts 3–5 are still to go.
    parts.sent.length = 0;
    await page.reload();
    await uploader(page).getByText('The upload of lecture.mp4 stopped before it finished. Choose the same file again to go on from where it stopped.').waitFor();
    assert.deepEqual(parts.sent, [], 'nothing is sent before the student picks the file');

    const heard = await listen(page);
    await uploader(page).locator('input[type=file]').setInputFiles(video);
    await phase(page, 'success');
    assert.deepEqual([...parts.sent].sort(), [3, 4, 5], 'only the parts S3 lacked');
    const { said, alerts } = await heard();
    assert.ok(said.includes(`Resuming upload — 2 of ${PARTS} parts already sent`), said.join(' | '));
    assert.deepEqual(alerts, []);
    assert.deepEqual(await storedUploads(page), [], 'forgotten once confirmed');

    const rows = await env.stack.edge.db
      .prepare('SELECT upload_status, file_size, multipart_upload_id FROM videos WHERE submissionid = ?')
      .bind(submissionid)
      .all<{ upload_status: string; file_size: number; multipart_upload_id: string | null }>();
    assert.deepEqual(rows.results, [{ upload_status: 'ready', file_size: SIZE, multipart_upload_id: null }], 'one upload, resumed, not a second one');

    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your submission has been saved.').waitFor();
    await page.close();

    const teacher = await openPage(browser);
    const playback = teacher.waitForResponse((res) => res.url().includes('/api/playback-url'));
    await teacher.goto(`${env.demo.url}/teacher?submission=${submissionid}`);
    assert.equal((await playback).status(), 200);
    await teacher.locator('s3v-player .vjs-big-play-button').click();
    await teacher.waitForFunction(() => {
      const v = document.querySelector('s3v-player')!.shadowRoot!.querySelector('video')!;
      return v.currentTime > 1 && v.videoWidth === 320;
    });
    await teacher.close();
  });

  it('the connection drops halfway: the page says it waits, and goes on by itself once back online', async () => {
    const submissionid = (nextSubmission += 1);
    const { page, parts } = await studentPage(submissionid);
    await holdParts(page, { parts: [3, 4, 5] });
    const heard = await listen(page);
    await uploader(page).locator('input[type=file]').setInputFiles(video);
    await until(() => parts.stored.has(1) && parts.stored.has(2), 'parts 1 and 2 to reach S3');
    await partsHeld(page, 3);

    // Parts 3–5 set off just as the network goes.
    const failed = new Set<number>();
    page.on('requestfailed', (req) => failed.add(partOfRequest(req)));
    assert.deepEqual(parts.sent.filter((n) => n <= 2), [1, 2]);
    await page.context().setOffline(true);
    parts.sent.length = 0;
    await releaseParts(page);
    await uploader(page).getByText('No connection. The upload goes on by itself when you are back online.').first().waitFor();
    await until(() => [3, 4, 5].every((n) => failed.has(n)), 'parts 3–5 to fail on the dead network');
    // Each failed part now waits for the browser to be back, rather than spending its retries: an
    // uploader that retried would have sent again within its first pause. (This wait can only
    // let such a bug through on a slow machine, never fail a correct uploader.)
    await page.waitForTimeout(2 * RETRY_DELAYS_MS[0]);
    assert.deepEqual([...parts.sent].sort(), [3, 4, 5], 'nothing sent again while offline');
    assert.equal(await uploader(page).locator('section').getAttribute('data-phase'), 'uploading', 'still waiting, not failed');
    await page.context().setOffline(false);
    await phase(page, 'success');

    const { said, alerts } = await heard();
    assert.deepEqual(alerts, [], 'never an error');
    assert.ok(said.includes('No connection. The upload goes on by itself when you are back online.'), said.join(' | '));
    assert.deepEqual([...parts.stored].sort(), [1, 2, 3, 4, 5]);
    assert.deepEqual(parts.sent.filter((n) => n <= 2), [], 'parts 1 and 2 were not sent again');
    await page.close();
  });

  it('a part altered on its way is refused by S3 (BadDigest) and sent again alone; the stored object’s ETag is the file’s own checksum', async () => {
    const submissionid = (nextSubmission += 1);
    const { page } = await studentPage(submissionid);
    const answers: Array<[number, number]> = [];
    page.on('response', (res) => {
      const n = partOfRequest(res.request());
      if (n) answers.push([n, res.status()]);
    });
    const confirmed: string[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/api/confirm-upload')) confirmed.push((req.postDataJSON() as { md5: string }).md5);
    });
    const file = readFileSync(video);
    const part = 16 * MIB;
    // Part 2's first PUT reaches S3 with one byte changed and the headers (Content-MD5 included) as sent.
    const isPart2 = (url: URL) => partOf(url.href, 'PUT') === 2;
    let altered = 0;
    await page.route(isPart2, async (route) => {
      if (route.request().method() !== 'PUT' || altered > 0) return route.continue();
      altered += 1;
      const body = Buffer.from(file.subarray(part, 2 * part));
      body[body.length >> 1]! ^= 0xff;
      await route.continue({ postData: body });
    });
    // The parts are hashed in the uploader's worker (its code a string in the AMD module, started from a Blob URL).
    const workers: Array<{ url: string; closed: boolean }> = [];
    page.on('worker', (w) => {
      const seen = { url: w.url(), closed: false };
      workers.push(seen);
      w.on('close', () => (seen.closed = true));
    });
    const heard = await listen(page);
    await uploader(page).locator('input[type=file]').setInputFiles(video);
    await phase(page, 'success');

    const hashing = workers.filter((w) => w.url.startsWith('blob:'));
    assert.ok(hashing.length > 0, `a hashing worker ran through the AMD build (workers: ${JSON.stringify(workers)})`);
    await until(() => hashing.every((w) => w.closed), 'the hashing worker to end after the upload');
    assert.equal(altered, 1);
    assert.deepEqual(answers.filter(([n]) => n === 2).map(([, status]) => status), [400, 200], 'refused once, then taken');
    assert.deepEqual(answers.filter(([n]) => n !== 2).map(([n, status]) => [n, status]).sort(), [[1, 200], [3, 200], [4, 200], [5, 200]], 'the others once');
    const { alerts } = await heard();
    assert.deepEqual(alerts, [], 'the student was not bothered');
    // The retry is reported in the background: wait for it to be written.
    const retries = () =>
      env.stack.edge.db
        .prepare("SELECT error_code, error_context FROM events WHERE submissionid = ? AND event_type = 'upload_retry'")
        .bind(submissionid)
        .all<{ error_code: string; error_context: string }>()
        .then((r) => r.results.map((e) => [e.error_code, JSON.parse(e.error_context).part]));
    let logged: unknown[] = [];
    await until(async () => (logged = await retries()).length > 0, 'the retry to be logged');
    assert.deepEqual(logged, [['S3:400:BadDigest', 2]]);

    // What S3 assembled is the file: its ETag is the checksum of the file's own parts, which the browser confirmed.
    const digests = Array.from({ length: PARTS }, (_, i) => createHash('md5').update(file.subarray(i * part, (i + 1) * part)).digest());
    const expected = `${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${PARTS}`;
    const key = (await env.stack.edge.db.prepare('SELECT s3_key FROM videos WHERE submissionid = ?').bind(submissionid).first<{ s3_key: string }>())!.s3_key;
    const head = await env.stack.s3client.send(new HeadObjectCommand({ Bucket: env.stack.s3.bucket, Key: key }));
    assert.equal(head.ETag?.replaceAll('"', ''), expected);
    assert.deepEqual(confirmed, [expected]);
    await page.close();
  });
});
