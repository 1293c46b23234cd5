import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Request } from 'playwright-core';
import { builtAmd } from './support/amd';
import { E2E_WAIT_MS, openPage, handIn } from './support/browser';
import type { DemoStack } from './support/demo-stack';
import { openSession, type E2eSession } from './support/session';
import { makeVideo } from './support/fixtures';

/**
 * The teacher's page does not wait for Video.js to ask for the video: the
 * playback URL and the extras (poster, captions) are requested while the
 * player's module is still loading, and
 * the module's shared chunks are requested in the same round as the module,
 * not after it arrives. The player then uses that one answer.
 */

let session: E2eSession | undefined;
let env: DemoStack;
let browser: Browser;
let dir: string;
let chunks: string[];
const SUBMISSION = 410;
/** Only how long a failing run waits before it fails: a passing run releases the module as soon as both requests are seen. */
const HOLD_LIMIT_MS = E2E_WAIT_MS;

before(async () => {
  ({ env, browser, dir } = session = await openSession());
  const meta = builtAmd();
  // Every chunk under the player module, however deep: RequireJS alone would find each level only as the one above arrives.
  const under = (name: string): string[] => meta.modules[name]!.deps.flatMap((dep) => [dep, ...under(dep)]);
  chunks = [...new Set(under('player-lazy'))];
  assert.ok(chunks.length > 0, 'the player module has shared chunks');
  await handIn(browser, env.demo.url, SUBMISSION, makeVideo(dir));
});

after(async () => {
  await session?.close();
});

describe('the teacher page starts the video while Video.js loads', () => {
  it('asks for the playback URL, the extras and the shared chunks before the Video.js module has arrived, then plays with that URL', async () => {
    const page = await openPage(browser);
    const requests: Request[] = [];
    page.on('request', (req) => requests.push(req));
    const seen = (test: (url: string) => boolean) => requests.some((r) => test(r.url()));
    const wanted = () => seen((u) => u.includes('/api/playback-url')) && seen((u) => u.includes('/api/video-extras')) && chunks.every((c) => seen((u) => u.endsWith(`/assignsubmission_s3video/${c}.js`)));

    // The Video.js module is held back until both are asked for (or the limit passes, and the test fails).
    let released!: (seen: boolean) => void;
    const seenWhileHeld = new Promise<boolean>((resolve) => (released = resolve));
    await page.route('**/assignsubmission_s3video/player-lazy.js', async (route) => {
      const until = Date.now() + HOLD_LIMIT_MS;
      while (!wanted() && Date.now() < until) {
        await Promise.race([
          new Promise((resolve) => page.once('request', resolve)),
          new Promise((resolve) => setTimeout(resolve, until - Date.now())),
        ]);
      }
      released(wanted());
      await route.continue();
    });

    await page.goto(`${env.demo.url}/teacher?submission=${SUBMISSION}`);
    assert.ok(await seenWhileHeld, `requested while Video.js loaded: ${requests.map((r) => new URL(r.url()).pathname).join(', ')}`);
    await page.waitForFunction(() => {
      const video = document.querySelector('s3v-player')?.shadowRoot?.querySelector('video');
      return !!video && video.readyState >= 2;
    });
    const playbackUrls = requests.filter((r) => r.url().includes('/api/playback-url'));
    assert.equal(playbackUrls.length, 1, 'the player used the early answer rather than asking again');
    assert.equal(playbackUrls[0]!.headers().authorization?.startsWith('Bearer '), true);
    // The extras (poster, captions) were asked with it, by the page, and the player used that answer.
    assert.equal(requests.filter((r) => r.url().includes('/api/video-extras')).length, 1, 'the extras were asked once');
    assert.equal(await page.locator('s3v-player [role=alert]').count(), 0);
    await page.close();
  });
});
