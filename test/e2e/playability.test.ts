import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Playability } from '../../edge/src/contract';
import { stageVideo } from '../support/stack';
import { makePlayabilityFile, PLAYABILITY_CASES, type PlayabilityCase } from '../support/playability-files';
import { builtAmd } from './support/amd';
import { recordRequests, openPage } from './support/browser';
import { until } from './support/wait';
import type { DemoStack } from './support/demo-stack';
import { openSession, type E2eSession } from './support/session';

/**
 * Issue 13 §1 in Chromium, through the demo pages and the AMD build Moodle loads:
 * each real file gets its verdict before anything is sent, the header reader is
 * fetched only once a file is picked, "Upload anyway" sends it with its facts,
 * the assignment setting refuses what plays nowhere, and the teacher's player
 * says what happened with an HEVC MP4 or a DivX AVI instead of a silent black box.
 */

let session: E2eSession | undefined;
let env: DemoStack;
let browser: Browser;
let dir: string;
/** The AMD module that holds mediabunny: requested only after a pick. */
let probeModule: string;

before(async () => {
  ({ env, browser, dir } = session = await openSession({ RATE_LIMIT_UPLOADS_PER_HOUR: '1000' }));
  const meta = builtAmd();
  const holders = Object.entries(meta.modules).filter(([, m]) => m.inputs.some((i) => i.includes('node_modules/mediabunny/')));
  assert.equal(holders.length, 1, 'mediabunny lives in one module');
  probeModule = holders[0]![0];
  assert.ok(probeModule.endsWith('-lazy'));
  assert.ok(!Object.values(meta.modules).some((m) => m.deps.includes(probeModule)), 'no module loads it up front');
});

after(async () => {
  await session?.close();
});

const uploader = (page: Page) => page.locator('s3v-uploader');
const phase = (page: Page, p: string) => page.locator(`s3v-uploader section[data-phase=${p}]`);

async function studentPage(submission: number, query = ''): Promise<{ page: Page; requests: string[] }> {
  const page = await openPage(browser);
  const requests = recordRequests(page);
  await page.goto(`${env.demo.url}/student?submission=${submission}${query}`);
  await uploader(page).locator('input[type=file]').waitFor({ state: 'attached' });
  // The element is upgraded and translated once its lazy module ran.
  await page.waitForFunction(() => customElements.get('s3v-uploader') !== undefined);
  return { page, requests };
}

async function storedPlayability(submission: number): Promise<string | null> {
  const row = await env.stack.edge.db
    .prepare("SELECT media_playability FROM videos WHERE submissionid = ? AND upload_status = 'ready' ORDER BY id DESC LIMIT 1")
    .bind(submission)
    .first<{ media_playability: string | null }>();
  return row?.media_playability ?? null;
}

describe('the student learns where a video plays before it is sent', () => {
  PLAYABILITY_CASES.forEach((c: PlayabilityCase, i) => {
    const submission = 700 + i;
    const verdict: Playability | null = c.expected?.playability ?? null;
    it(`${c.name}: ${verdict === null ? 'refused as not a video' : verdict === 'all' ? 'sent without a warning' : `warned (${verdict}), sent on "Upload anyway"`}`, async () => {
      const file = makePlayabilityFile(dir, c);
      const { page, requests } = await studentPage(submission);
      const probeUrl = (u: string) => new URL(u).pathname.split("/").pop()!.startsWith(`${probeModule}.`);
      assert.equal(requests.filter(probeUrl).length, 0, 'the header reader is not part of the page');
      await uploader(page).locator('input[type=file]').setInputFiles(file);

      if (verdict === null) {
        await phase(page, 'error').waitFor();
        assert.match(await uploader(page).locator('[role=alert] .message').innerText(), /not a video/);
      } else if (verdict === 'all') {
        await phase(page, 'success').waitFor();
        assert.equal(await uploader(page).locator('.playability').count(), 0);
        assert.equal(await storedPlayability(submission), 'all');
      } else {
        const notice = uploader(page).locator(`.playability[data-playability=${verdict}]`);
        await notice.waitFor();
        assert.ok(!requests.some((u) => u.includes('/api/upload-url') || u.includes('/api/multipart/')), 'nothing is sent before the student chooses');
        const text = await notice.innerText();
        assert.match(text, verdict === 'none' ? /will not be able to watch/ : /plays only in some browsers/);
        assert.match(text, /MP4 \(H\.264\)/);
        assert.match(text, /Most Compatible/);
        assert.match(text, /HandBrake/);
        await uploader(page).getByRole('button', { name: 'Upload anyway' }).click();
        await phase(page, 'success').waitFor();
        assert.equal(await storedPlayability(submission), verdict);
      }
      if (verdict !== null) assert.equal(requests.filter(probeUrl).length, 1, 'fetched once, when the file was picked');
      await page.close();
    });
  });

  it('the assignment setting refuses a video that plays in no browser, and sends nothing', async () => {
    const avi = makePlayabilityFile(dir, PLAYABILITY_CASES.find((c) => c.name === 'divx.avi')!);
    const { page, requests } = await studentPage(750, '&refuse_unplayable=1');
    await uploader(page).locator('input[type=file]').setInputFiles(avi);
    await phase(page, 'error').waitFor();
    const alert = uploader(page).locator('[role=alert]');
    assert.match(await alert.locator('.message').innerText(), /accepts only videos that play in a web browser.*AVI · MPEG-4 Part 2/);
    assert.match(await alert.locator('.hint').innerText(), /HandBrake/);
    assert.equal(await uploader(page).getByRole('button', { name: 'Upload anyway' }).count(), 0);
    assert.ok(!requests.some((u) => u.includes('/api/upload-url')), 'nothing was sent');

    // A video that plays only in some browsers is still only a warning.
    const mkv = makePlayabilityFile(dir, PLAYABILITY_CASES.find((c) => c.name === 'h264-obs.mkv')!);
    await uploader(page).locator('input[type=file]').setInputFiles(mkv);
    await uploader(page).locator('.playability[data-playability=some]').waitFor();
    await page.close();
  });
});

describe("the teacher's player says what happened instead of a silent black box", () => {
  /** A submission whose video was confirmed without header facts (an older uploader): the player alone must notice. */
  async function handInWithoutFacts(submission: number, name: string): Promise<void> {
    const bytes = readFileSync(makePlayabilityFile(dir, PLAYABILITY_CASES.find((c) => c.name === name)!));
    const staged = await stageVideo(env.stack, { submissionid: submission, sub: '5', bytes, filename: name, mimetype: '', iss: env.demo.url });
    const res = await env.stack.edge.fetch('/api/confirm-upload', { token: staged.token, body: staged.confirmBody });
    assert.equal(res.status, 200, await res.text());
  }

  async function teacher(submission: number): Promise<Page> {
    const page = await openPage(browser);
    await page.goto(`${env.demo.url}/teacher?submission=${submission}`);
    return page;
  }

  const note = (page: Page) => page.locator('s3v-player .playability-note');

  it('an HEVC MP4 (Debian\'s Chromium has no HEVC decoder): "the sound plays but … no picture"', async () => {
    await handInWithoutFacts(760, 'hevc-android.mp4');
    const page = await teacher(760);
    await note(page).waitFor();
    assert.match(await note(page).getAttribute('data-finding') ?? '', /^no-(picture|frame)$/);
    assert.match(await note(page).locator('.message').innerText(), /no picture/);
    assert.match(await note(page).locator('.hint').innerText(), /Download the file/);
    // The report goes out beside the note, not before it: wait for it rather than read at once.
    let logged: string[] = [];
    await until(async () => {
      const rows = await env.stack.edge.db
        .prepare("SELECT error_code FROM events WHERE event_type = 'playback_failure' AND submissionid = 760")
        .all<{ error_code: string }>();
      logged = rows.results.map((r) => r.error_code);
      return logged.some((code) => /^PARTIAL_NO_(PICTURE|FRAME)$/.test(code));
    }, 'PARTIAL_NO_PICTURE or PARTIAL_NO_FRAME to be reported');
    await page.close();
  });

  it('a DivX AVI: the note says this browser cannot read it, and what to do', async () => {
    await handInWithoutFacts(761, 'divx.avi');
    const page = await teacher(761);
    const said = page.locator('s3v-player .playability-note, s3v-player .problem');
    await said.first().waitFor();
    const text = await said.first().innerText();
    // Debian's Chromium refuses the AVI type outright (a media error, "format"); a browser that fetched it
    // and could not read it would get the no-metadata note. Either way: what happened, and what to do.
    assert.match(text, /cannot read it|not supported|no picture/);
    assert.match(text, /Download the file.*MP4 \(H\.264\)/s);
    await page.close();
  });

  it('with the facts the uploader stored, the note comes before anyone presses play', async () => {
    // Submission 702 is the HEVC MP4 the student sent anyway, above.
    const page = await teacher(702);
    await note(page).waitFor();
    assert.match(await note(page).innerText(), /HEVC \(H\.265\)/);
    await page.close();
  });

  it('an H.264 MP4 plays with no note, also after a second of playback', async () => {
    const page = await teacher(700);
    const player = page.locator('s3v-player');
    await player.locator('.vjs-big-play-button').click();
    await page.waitForFunction(() => {
      const video = document.querySelector('s3v-player')?.shadowRoot?.querySelector('video');
      return !!video && video.currentTime > 1.5;
    });
    assert.equal(await note(page).count(), 0);
    await page.close();
  });
});
