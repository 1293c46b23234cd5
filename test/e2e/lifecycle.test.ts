import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startAll, type Running } from '../../local/start';
import { builtAmd, videojsModules } from './support/amd';
import { launchChromium, recordRequests, openPage } from './support/browser';
import { holdFreePort } from '../support/ports';
import { fixtureDir, makeVideo } from './support/fixtures';

/**
 * One submission's whole life on the system `npm start` runs (wrangler dev,
 * the CDN stand-in, the local S3, the demo pages, the AMD build): a student
 * uploads and saves, a teacher plays it and keeps playing across an expired
 * URL, an admin sees it and deletes it, and the teacher is told it is gone.
 */

/**
 * Short enough that the test watches a real expiry; long enough that a loaded machine starts
 * playback, which the page pauses at 1.5 s by itself, before the player would renew early (5 s
 * margin). (With 60 s URLs, a pause of about 55 s, the player fetched a new URL on play but
 * stayed paused, idle or busy: see the report to the lead.)
 */
const PLAYBACK_TTL_SECONDS = 20;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let running: Running;
let browser: Browser;
/** The videos, and the worker's local D1/KV: a fresh database, so the admin's figures are this test's. */
let dir: string;
let clip: string;
let vjsModules: string[];

before(async () => {
  vjsModules = videojsModules(builtAmd());
  assert.ok(vjsModules.includes('player-lazy'), 'the build says where Video.js is');
  dir = fixtureDir();
  // Long enough that after the pause at 1.5 s there is playback left to resume into.
  clip = makeVideo(dir, 'clip.mp4', 12);
  // The local S3 the test run started (or a developer's): found through its own state folder.
  process.env.S3VIDEO_S3_STATE_DIR ??= join(ROOT, '.local');
  // wrangler dev (and its inspector) take a port number, not 0: four chosen free and distinct
  // (held together while chosen), released for the stack to bind.
  const held = await Promise.all([holdFreePort(), holdFreePort(), holdFreePort(), holdFreePort()]);
  await Promise.all(held.map((h) => h.release()));
  const [edge, cdn, demo, inspector] = held.map((h) => h.port) as [number, number, number, number];
  running = await startAll({
    ports: { s3: Number(new URL(process.env.S3_ENDPOINT ?? 'http://127.0.0.1:7480').port), edge, cdn, demo, inspector },
    stateDir: join(dir, 'state'),
    quiet: true,
    vars: { PLAYBACK_URL_TTL_SECONDS: String(PLAYBACK_TTL_SECONDS), RATE_LIMIT_UPLOADS_PER_HOUR: '1000' },
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await running?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The teacher's <video>, inside the player's shadow root. */
function media<T>(page: Page, read: (video: HTMLVideoElement) => T): Promise<T> {
  return page.evaluate(`(${read.toString()})(document.querySelector('s3v-player').shadowRoot.querySelector('video'))`) as Promise<T>;
}

describe('a video submission from upload to deletion', () => {
  it('student uploads and saves, teacher watches across an expired URL, admin deletes, teacher is told', async () => {
    const submission = 100;
    const demo = running.urls.demo;

    // The student hands in a video.
    const student = await openPage(browser);
    const studentRequests = recordRequests(student);
    await student.goto(`${demo}/student?submission=${submission}`);
    await student.locator('s3v-uploader input[type=file]').setInputFiles(clip);
    await student.locator('s3v-uploader section[data-phase=success]').waitFor();
    assert.equal((await student.locator('input[name=s3video_receipt]').inputValue()).split('.').length, 3);
    await student.getByRole('button', { name: 'Save changes' }).click();
    await student.getByText('Your submission has been saved.').waitFor();
    assert.equal(await student.locator('s3v-uploader .current .name').innerText(), 'clip.mp4');
    assert.ok(studentRequests.some((u) => u.endsWith('/assignsubmission_s3video/uploader-lazy.js')), 'the uploader came through RequireJS');
    const videojsRequests = studentRequests.filter((u) => vjsModules.some((m) => u.includes(`/${m}.js`) || u.includes(`/${m}.min.js`)));
    assert.deepEqual(videojsRequests, [], 'the student page never loads Video.js');

    // The teacher plays it.
    const teacher = await openPage(browser);
    const teacherRequests = recordRequests(teacher);
    await teacher.goto(`${demo}/teacher?submission=${submission}`);
    await teacher.locator('s3v-player .vjs-big-play-button').waitFor();
    // The teacher pauses once playback passes 1.5 s: pressed in the page's own task as it passes,
    // not by a click from here that a busy machine can deliver seconds later (it once let the clip
    // play to its end, leaving nothing to resume into). Plain JS: see hold-parts.ts.
    await teacher.evaluate(`(() => {
      const root = document.querySelector('s3v-player').shadowRoot;
      const v = root.querySelector('video');
      const pauseAt = () => {
        if (!(v.currentTime > 1.5 && v.videoWidth > 0)) return;
        v.removeEventListener('timeupdate', pauseAt);
        root.querySelector('.vjs-play-control').click();
      };
      v.addEventListener('timeupdate', pauseAt);
    })()`);
    await teacher.locator('s3v-player .vjs-big-play-button').click();
    await teacher.waitForFunction(() => {
      const v = document.querySelector('s3v-player')!.shadowRoot!.querySelector('video')!;
      return v.paused && v.currentTime > 1.5;
    });
    assert.equal(await media(teacher, (v) => v.videoWidth), 320);
    const position = await media(teacher, (v) => v.currentTime);
    const firstUrl = await media(teacher, (v) => v.currentSrc);
    const expires = Number(new URL(firstUrl).searchParams.get('Expires')) * 1000;

    // Meanwhile the admin sees it in the figures and the table.
    const admin = await openPage(browser);
    await admin.goto(`${demo}/admin`);
    const uploads = admin.locator('s3v-dashboard .card').filter({ hasText: 'Uploads started' });
    await uploads.waitFor();
    assert.equal(await uploads.locator('.card-value').innerText(), '1');
    assert.equal(await admin.locator('s3v-dashboard .card').filter({ hasText: 'Success rate' }).locator('.card-value').innerText(), '100%');
    await admin.goto(`${demo}/admin/videos`);
    const row = admin.locator('s3v-admin-table tbody tr').filter({ hasText: 'clip.mp4' });
    await row.waitFor();
    assert.match(await row.innerText(), /Sam Student[\s\S]*Ready/);

    // The URL expires while paused; pressing play gets a new one and goes on from the same second.
    await new Promise((r) => setTimeout(r, Math.max(0, expires - Date.now() + 1000)));
    await teacher.evaluate(() => {
      const v = document.querySelector('s3v-player')!.shadowRoot!.querySelector('video')!;
      const w = window as unknown as { samples: Array<[string, number]> };
      w.samples = [];
      v.addEventListener('timeupdate', () => w.samples.push([v.currentSrc, v.currentTime]));
    });
    await teacher.locator('s3v-player .vjs-play-control').click();
    await teacher.waitForFunction(
      ([first, from]) => {
        const v = document.querySelector('s3v-player')!.shadowRoot!.querySelector('video')!;
        return v.currentSrc !== first && !v.paused && v.currentTime > from + 1;
      },
      [firstUrl, position] as const,
    ).catch(async (err: Error) => {
      // Say where the player stood: a bare timeout names nothing.
      const state = await media(teacher, (v) => ({ src: v.currentSrc, paused: v.paused, currentTime: v.currentTime, readyState: v.readyState, error: v.error?.code ?? null }));
      const alert = await teacher.locator('s3v-player [role=alert]').allInnerTexts();
      throw new Error(`${err.message}\nresumed from ${position} s? new URL: ${state.src !== firstUrl}, ${JSON.stringify({ ...state, src: undefined })}; alert: ${JSON.stringify(alert)}; playback-url asked ${teacherRequests.filter((u) => u.includes('/api/playback-url')).length} times`);
    });
    const secondUrl = await media(teacher, (v) => v.currentSrc);
    assert.ok(Number(new URL(secondUrl).searchParams.get('Expires')) * 1000 > expires, 'a fresh URL');
    assert.equal(teacherRequests.filter((u) => u.includes('/api/playback-url')).length, 2);
    const samples = (await teacher.evaluate(() => (window as unknown as { samples: Array<[string, number]> }).samples))
      .filter(([src, t]) => src === secondUrl && t > 0);
    assert.ok(samples.length > 0);
    assert.ok(samples.every(([, t]) => t >= position - 0.5), `resumed at ${position}, not from the start: ${samples.map((s) => s[1].toFixed(2))}`);
    assert.equal(await teacher.locator('s3v-player [role=alert]').count(), 0);

    // The admin deletes it.
    await row.getByRole('button', { name: /Delete/ }).click();
    const dialog = admin.locator('s3v-admin-table dialog');
    assert.match(await dialog.innerText(), /Delete “clip\.mp4” by Sam Student\?/);
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await row.getByText('Deleted', { exact: true }).waitFor();

    // The teacher comes back to a video that is gone.
    await teacher.reload();
    await teacher.locator('s3v-player [role=alert]').getByText('Video not available').waitFor();
  });
});
