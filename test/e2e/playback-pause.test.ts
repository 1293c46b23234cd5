import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { E2E_WAIT_MS, openPage } from './support/browser';
import { until } from './support/wait';
import type { DemoStack } from './support/demo-stack';
import { openSession, type E2eSession } from './support/session';
import { makeVideo } from './support/fixtures';
import { uploadVideo } from '../support/stack';

/**
 * A teacher who pauses while the player is fetching a fresh URL must find it
 * paused afterwards: the renewal may not take the decision back.
 */

let session: E2eSession | undefined;
let env: DemoStack;
let browser: Browser;
let dir: string;

before(async () => {
  // 7 s URLs and the player's 5 s margin (EXPIRY_MARGIN_MS): any play after 2 s renews first.
  ({ env, browser, dir } = session = await openSession({ PLAYBACK_URL_TTL_SECONDS: '7' }));
});
after(async () => {
  await session?.close();
});

/** The player's own margin (components/player/playback.ts): a URL this close to its expiry is renewed before use. */
const EXPIRY_MARGIN_MS = 5_000;

describe('pausing while the player renews its URL', () => {
  it('stays paused once the new URL is in place', async () => {
    const bytes = readFileSync(makeVideo(dir));
    const submissionid = 4242;
    await uploadVideo(env.stack, { submissionid, bytes, iss: env.demo.url });
    const page = await openPage(browser);
    let renewals = 0;
    let released: () => void = () => undefined;
    const gate = new Promise<void>((r) => (released = r));
    await page.route('**/api/playback-url**', async (route) => {
      if (renewals++ > 0) await gate;
      await route.continue();
    });
    const firstUrl = page.waitForResponse((res) => res.url().includes('/api/playback-url'));
    await page.goto(`${env.demo.url}/teacher?submission=${submissionid}`);
    await page.locator('s3v-player .vjs-big-play-button').waitFor();
    // Play once the first URL is inside the player's margin by its own stated expiry (a
    // condition the answer gives, not a guessed pause), so that pressing play renews it.
    const expiresAt = Date.parse(((await (await firstUrl).json()) as { expires_at: string }).expires_at);
    await until(() => Date.now() >= expiresAt - EXPIRY_MARGIN_MS, 'the first URL to be inside the renewal margin', expiresAt - Date.now() + E2E_WAIT_MS);

    await page.locator('s3v-player .vjs-big-play-button').click();
    await page.waitForFunction(() => !document.querySelector('s3v-player')!.shadowRoot!.querySelector('video')!.paused);
    assert.equal(renewals, 2, 'the play started a renewal, now held back');
    const first = await page.evaluate(() => document.querySelector('s3v-player')!.shadowRoot!.querySelector('video')!.currentSrc);
    await page.evaluate(() => (document.querySelector('s3v-player') as unknown as { videojs: { pause(): void } }).videojs.pause());
    // The player decides whether to play again when the new URL's metadata has loaded: a task
    // queued from that event runs after its handlers, so then the decision is made (no pause
    // "long enough" for it).
    await page.evaluate((src) => {
      const v = document.querySelector('s3v-player')!.shadowRoot!.querySelector('video')!;
      v.addEventListener('loadedmetadata', () => {
        if (v.currentSrc !== src) setTimeout(() => ((window as unknown as { s3vNewUrlLoaded: boolean }).s3vNewUrlLoaded = true), 0);
      });
    }, first);
    released();

    await page.waitForFunction(() => (window as unknown as { s3vNewUrlLoaded?: boolean }).s3vNewUrlLoaded === true);
    assert.notEqual(await page.evaluate(() => document.querySelector('s3v-player')!.shadowRoot!.querySelector('video')!.currentSrc), first);
    assert.equal(await page.evaluate(() => document.querySelector('s3v-player')!.shadowRoot!.querySelector('video')!.paused), true);
  });
});
