import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { Browser, Page } from 'playwright-core';
import type { AttachCaptionsRequest, VideoExtrasResponse } from '../../edge/src/contract';
import { devToken } from '../../local/demo/edge-dev';
import { readLangFile } from '../../local/demo/lang';
import { openPage, handIn } from './support/browser';
import type { DemoStack } from './support/demo-stack';
import { openSession, type E2eSession } from './support/session';
import { makeVideo, textFile } from './support/fixtures';

/**
 * Issue 13 §2–4 on the demo pages and the AMD build, in Chromium: a student hands in a real
 * H.264 MP4 whose name has accents, spaces and brackets; the teacher sees its poster before
 * play, downloads the very bytes under that name, attaches WebVTT and SubRip captions (the
 * SubRip converted in the browser) that Video.js's own captions menu offers and shows after a
 * reload; a file that is not captions gets Moodle's message; the admin's table shows the poster
 * and the length, and the admin's delete takes the poster and the captions with the video.
 */

let session: E2eSession | undefined;
let env: DemoStack;
let browser: Browser;
let dir: string;
const SUBMISSION = 410;
const NAME = 'Vidéo finale (v2).mp4';
const STRINGS = readLangFile();

const VTT = 'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nBonjour la classe\n';
const SRT = '1\r\n00:00:01,000 --> 00:00:02,500\r\nGuten <i>Tag</i> & willkommen\r\n\r\n2\r\n00:00:03,000 --> 00:00:05,000\r\n{\\an8}Zweiter Satz\r\n';
/** What the browser must make of {@link SRT} before sending it: the edge stores WebVTT only. */
const SRT_AS_VTT = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nGuten <i>Tag</i> &amp; willkommen\n\n00:00:03.000 --> 00:00:05.000\nZweiter Satz\n';

before(async () => {
  ({ env, browser, dir } = session = await openSession());
});

after(async () => {
  await session?.close();
});

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function exists(key: string): Promise<boolean> {
  try {
    await env.stack.s3client.send(new HeadObjectCommand({ Bucket: env.stack.s3.bucket, Key: key }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw err;
  }
}

/** What Moodle's grading page would hand the player now: the poster's and tracks' signed URLs. */
async function extras(): Promise<VideoExtrasResponse> {
  const token = await devToken(env.stack.edge.url, { scope: 'view', submissionid: SUBMISSION });
  const res = await fetch(`${env.stack.edge.url}/api/video-extras?submissionid=${SUBMISSION}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as VideoExtrasResponse;
}

/** Attaches one caption file through the player's form; resolves with the JSON the browser posted. */
async function attachCaptions(page: Page, file: string, language: string, label: string): Promise<AttachCaptionsRequest> {
  const form = page.locator('s3v-player form');
  await form.locator('input[name=file]').setInputFiles(file);
  await form.locator('select[name=language]').selectOption(language);
  await form.locator('input[name=label]').fill(label);
  const posted = page.waitForRequest((r) => r.url().endsWith('/api/captions') && r.method() === 'POST');
  await form.getByRole('button', { name: STRINGS.player_captions_send }).click();
  const body = (await posted).postDataJSON() as AttachCaptionsRequest;
  await form.locator('.captions-status').getByText(STRINGS.player_captions_done!.replace('{$a}', body.label)).waitFor();
  return body;
}

describe('poster, download and captions for the teacher', () => {
  it('student hands in a real MP4; teacher sees its poster, downloads it under its name, captions it; admin deletes it all', async () => {
    const demo = env.demo.url;
    const cdn = env.stack.cdn.url;
    const clip = makeVideo(dir, NAME);

    // The student hands in the video (the uploader sends the poster it drew before confirming).
    await handIn(browser, demo, SUBMISSION, clip);

    // The teacher's page shows the poster before anyone presses play, loaded from the CDN.
    const teacher = await openPage(browser);
    const posterLoaded = teacher.waitForResponse((r) => r.url().startsWith(`${cdn}/`) && new URL(r.url()).pathname.endsWith('/poster.jpg'));
    await teacher.goto(`${demo}/teacher?submission=${SUBMISSION}`);
    const poster = await posterLoaded;
    assert.equal(poster.status(), 200);
    assert.equal(poster.headers()['content-type'], 'image/jpeg');
    await teacher.waitForFunction(() => {
      const root = document.querySelector('s3v-player')!.shadowRoot!;
      const img = root.querySelector<HTMLImageElement>('.vjs-poster img');
      return root.querySelector('video')?.getAttribute('poster') && img?.complete && img.naturalWidth > 0;
    });
    const shown = await teacher.evaluate(() => {
      const root = document.querySelector('s3v-player')!.shadowRoot!;
      const video = root.querySelector('video')!;
      const img = root.querySelector<HTMLImageElement>('.vjs-poster img')!;
      return { attr: video.getAttribute('poster')!, img: img.currentSrc, paused: video.paused, time: video.currentTime, visible: getComputedStyle(img.parentElement!).display !== 'none' };
    });
    assert.ok(shown.attr.startsWith(`${cdn}/`) && new URL(shown.attr).pathname.endsWith('/poster.jpg'), shown.attr);
    assert.equal(shown.img, shown.attr, 'Video.js shows the same image');
    assert.deepEqual([shown.paused, shown.time, shown.visible], [true, 0, true], 'before play');

    // Download saves the very bytes under the student's file name.
    const [download] = await Promise.all([
      teacher.waitForEvent('download'),
      teacher.locator('s3v-player').getByRole('button', { name: STRINGS.player_download, exact: true }).click(),
    ]);
    assert.equal(download.suggestedFilename(), NAME);
    assert.equal(await download.failure(), null);
    assert.equal(sha256((await download.path())!), sha256(clip));

    // The teacher attaches a WebVTT file and, separately, a SubRip file the browser converts.
    await teacher.locator('s3v-player summary').getByText(STRINGS.player_captions_add!).click();
    const french = await attachCaptions(teacher, textFile(dir, 'sous-titres.vtt', VTT), 'fr', 'Français');
    assert.deepEqual({ ...french, videoid: undefined }, { submissionid: SUBMISSION, videoid: undefined, language: 'fr', label: 'Français', vtt: VTT });
    const german = await attachCaptions(teacher, textFile(dir, 'Untertitel.srt', SRT), 'de', 'Deutsch');
    assert.equal(german.vtt, SRT_AS_VTT, 'SubRip converted to WebVTT in the browser');
    assert.equal(german.language, 'de');

    // A file that is not captions: Moodle's message, and nothing is sent.
    const sent: string[] = [];
    teacher.on('request', (r) => void (r.url().endsWith('/api/captions') && sent.push(r.url())));
    const form = teacher.locator('s3v-player form');
    await form.locator('input[name=file]').setInputFiles(textFile(dir, 'notes.vtt', 'These are my notes, not captions.\n'));
    await form.getByRole('button', { name: STRINGS.player_captions_send }).click();
    await form.getByRole('alert').getByText(STRINGS.player_captions_invalid_header!, { exact: true }).waitFor();
    assert.deepEqual(sent, []);

    // After a reload, Video.js's own captions menu lists both tracks, and a chosen one shows its cue.
    await teacher.reload();
    const menu = teacher.locator('s3v-player .vjs-subs-caps-button');
    await menu.locator('.vjs-menu-item').filter({ hasText: 'Deutsch' }).waitFor({ state: 'attached' });
    // Each track's item reads "<label>, Captions" (Video.js adds the kind for screen readers).
    const items = (await menu.locator('.vjs-menu-item .vjs-menu-item-text').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.deepEqual(items.filter((t) => / Captions$/.test(t)).sort(), ['Deutsch Captions', 'Français Captions'], `captions menu: ${items.join(' | ')}`);
    const display = teacher.locator('s3v-player .vjs-text-track-display');
    const choose = async (label: string) => {
      await menu.locator('button.vjs-subs-caps-button').click();
      await menu.getByRole('menuitemradio', { name: new RegExp(`^${label}`) }).click();
    };
    const seek = (seconds: number) =>
      teacher.evaluate((s) => {
        document.querySelector('s3v-player')!.shadowRoot!.querySelector('video')!.currentTime = s;
      }, seconds);
    // Video.js shows its control bar once the video has started: the teacher plays, then pauses.
    await teacher.locator('s3v-player .vjs-big-play-button').click();
    await teacher.waitForFunction(() => document.querySelector('s3v-player')!.shadowRoot!.querySelector('video')!.currentTime > 0);
    await teacher.locator('s3v-player .vjs-play-control').click();
    await teacher.waitForFunction(() => document.querySelector('s3v-player')!.shadowRoot!.querySelector('video')!.paused);
    await choose('Français');
    await seek(2);
    await display.getByText('Bonjour la classe').waitFor();
    await choose('Deutsch');
    await seek(3.5);
    await display.getByText('Zweiter Satz').waitFor();
    assert.equal(await display.getByText('Bonjour la classe').count(), 0, 'one track at a time');

    // The admin deletes the video: its poster and captions go with it.
    const before = await extras();
    assert.ok(before.poster_url);
    assert.equal(before.tracks.length, 2);
    const urls = [before.poster_url!, ...before.tracks.map((t) => t.url!)];
    for (const url of urls) assert.equal((await fetch(url)).status, 200, url);
    const keys = await env.stack.edge.db
      .prepare('SELECT s3_key AS key FROM videos WHERE submissionid = ? UNION ALL SELECT poster_key FROM videos WHERE submissionid = ? UNION ALL SELECT s3_key FROM captions')
      .bind(SUBMISSION, SUBMISSION)
      .all<{ key: string }>();
    assert.equal(keys.results.length, 4);
    for (const { key } of keys.results) assert.ok(await exists(key), key);

    const admin = await openPage(browser);
    await admin.goto(`${demo}/admin/videos`);
    // The admin's table shows the poster beside the file, and the length as Moodle writes it.
    const thumbnail = admin.locator('s3v-admin-table tbody').getByRole('img', { name: NAME, exact: true });
    await thumbnail.waitFor();
    await admin.waitForFunction(() => {
      const img = document.querySelector('s3v-admin-table')!.shadowRoot!.querySelector<HTMLImageElement>('tbody img.poster');
      return img?.complete && img.naturalWidth > 0;
    });
    assert.equal(await admin.locator('s3v-admin-table tbody td.duration').innerText(), '6 secs');
    await admin.locator('s3v-admin-table').getByRole('button', { name: `${STRINGS.videos_delete} ${NAME}` }).click();
    await admin.locator('s3v-admin-table dialog').getByRole('button', { name: STRINGS.videos_delete, exact: true }).click();
    await admin.locator('s3v-admin-table tbody tr').getByText(STRINGS.videos_status_deleted!, { exact: true }).waitFor();

    for (const url of urls) assert.ok([403, 404].includes((await fetch(url)).status), `${url} still served`);
    for (const { key } of keys.results) assert.equal(await exists(key), false, `${key} is gone`);
    assert.equal((await env.stack.edge.db.prepare('SELECT COUNT(*) AS n FROM captions').first<{ n: number }>())!.n, 0);
  });
});
