import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from './support/browser';
import { startDemoStack, type DemoStack } from './support/demo-stack';
import { fixtureDir, makeVideo } from './support/fixtures';
import { uploadVideo } from '../support/stack';

/**
 * A teacher who pauses while the player is fetching a fresh URL must find it
 * paused afterwards: the renewal may not take the decision back.
 */

let env: DemoStack;
let browser: Browser;
let dir: string;

before(async () => {
  // 7 s URLs and the player's 5 s margin: any play after 2 s renews first.
  env = await startDemoStack({ PLAYBACK_URL_TTL_SECONDS: '7' });
  browser = await launchChromium();
  dir = fixtureDir();
});
after(async () => {
  await browser?.close();
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('pausing while the player renews its URL', () => {
  it('stays paused once the new URL is in place', async () => {
    const bytes = readFileSync(makeVideo(dir));
    const submissionid = 4242;
    await uploadVideo(env.stack, { submissionid, bytes, iss: env.demo.url });
    const page = await browser.newPage();
    let renewals = 0;
    let released: () => void = () => undefined;
    const gate = new Promise<void>((r) => (released = r));
    await page.route('**/api/playback-url**', async (route) => {
      if (renewals++ > 0) await gate;
      await route.continue();
    });
    await page.goto(`${env.demo.url}/teacher?submission=${submissionid}`);
    await page.locator('s3v-player .vjs-big-play-button').waitFor();
    await new Promise((r) => setTimeout(r, 2500));

    await page.locator('s3v-player .vjs-big-play-button').click();
    await page.waitForFunction(() => !document.querySelector('s3v-player')!.shadowRoot!.querySelector('video')!.paused);
    assert.equal(renewals, 2, 'the play started a renewal, now held back');
    const first = await page.evaluate(() => document.querySelector('s3v-player')!.shadowRoot!.querySelector('video')!.currentSrc);
    await page.evaluate(() => (document.querySelector('s3v-player') as unknown as { videojs: { pause(): void } }).videojs.pause());
    released();

    await page.waitForFunction((src) => {
      const v = document.querySelector('s3v-player')!.shadowRoot!.querySelector('video')!;
      return v.currentSrc !== src && v.readyState >= 1;
    }, first);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await page.evaluate(() => document.querySelector('s3v-player')!.shadowRoot!.querySelector('video')!.paused), true);
  });
});
