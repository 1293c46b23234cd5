import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { recordRequests, openPage, handIn } from './support/browser';
import type { DemoStack } from './support/demo-stack';
import { openSession, type E2eSession } from './support/session';
import { makeVideo } from './support/fixtures';
import { until } from './support/wait';

/**
 * The teacher's page when the CDN keeps failing: the player renews its URL a
 * bounded number of times, with growing pauses, then says what is wrong
 * instead of hammering the edge.
 */

let session: E2eSession | undefined;
let env: DemoStack;
let browser: Browser;
let dir: string;
const SUBMISSION = 300;

before(async () => {
  ({ env, browser, dir } = session = await openSession());
  // A real video for the submission, handed in through the student's page.
  await handIn(browser, env.demo.url, SUBMISSION, makeVideo(dir));
});

after(async () => {
  await session?.close();
});

async function teacherWithCdn(answer: 'refuse' | 'drop'): Promise<{ page: Page; requests: string[]; started: number }> {
  const page = await openPage(browser);
  const requests = recordRequests(page);
  await page.route(`${env.stack.cdn.url}/**`, (route) =>
    answer === 'drop'
      ? route.abort('connectionreset')
      : route.fulfill({
          status: 403,
          headers: { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/xml' },
          body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>',
        }),
  );
  const started = Date.now();
  await page.goto(`${env.demo.url}/teacher?submission=${SUBMISSION}`);
  return { page, requests, started };
}

/** The longest pause between the player's renewals (RENEW_BACKOFF_MS in components/player/playback.ts). */
const LONGEST_RENEW_PAUSE_MS = 4000;

const message = (page: Page) => page.locator('s3v-player [role=alert] .message');

describe('the player under a failing CDN', () => {
  it('a CDN that refuses every URL: three renewals with backoff, then "Playback failed, try refreshing"', async () => {
    const { page, requests, started } = await teacherWithCdn('refuse');
    await message(page).waitFor();
    const elapsed = Date.now() - started;
    assert.equal(await message(page).innerText(), 'Playback failed, try refreshing');
    assert.equal(requests.filter((u) => u.includes('/api/playback-url')).length, 4, 'the first URL and three renewals');
    assert.ok(elapsed >= 5000, `renewals waited (0 + 1 + 4 s), took ${elapsed} ms`);
    // Reports go out beside the message, not before it, and without waiting for each other (so in
    // any order): wait until the five have landed rather than reading at once.
    let logged: string[] = [];
    await until(async () => {
      const rows = await env.stack.edge.db
        .prepare("SELECT error_code FROM events WHERE event_type = 'playback_failure' AND submissionid = ? ORDER BY id")
        .bind(SUBMISSION)
        .all<{ error_code: string }>();
      logged = rows.results.map((r) => r.error_code).sort();
      return logged.length >= 5;
    }, 'the five failures to be reported');
    assert.deepEqual(logged, ['CDN_403', 'CDN_403', 'CDN_403', 'CDN_403', 'RENEWALS_EXHAUSTED']);
    // A player that went on renewing would ask again after its longest pause: watch that long.
    // (This wait can only let such a bug through on a slow machine, never fail a correct player.)
    await page.waitForTimeout(1.5 * LONGEST_RENEW_PAUSE_MS);
    assert.equal(requests.filter((u) => u.includes('/api/playback-url')).length, 4, 'and then stopped');
    await page.close();
  });

  it('a CDN that cannot be reached: "Check your connection" with Retry', async () => {
    const { page } = await teacherWithCdn('drop');
    await message(page).waitFor();
    assert.equal(await message(page).innerText(), 'Check your connection');
    await page.locator('s3v-player [role=alert]').getByRole('button', { name: 'Retry' }).waitFor();
    await page.close();
  });
});
