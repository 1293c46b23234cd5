import { expect, fixture, html } from '@open-wc/testing';
import type { AdminStatsResponse, PlaybackUrlResponse } from '../../edge/src/contract';
import '../../components/player/define';
import type { S3vPlayer } from '../../components/player/player';
import { api, clip, devToken, env, MP4_HEAD, unique, until, uploadThroughApi } from './support/stack';
import { watchTraffic } from './support/traffic';

/** Plays through the real edge (signed URLs) and the CloudFront stand-in on the local S3. */

async function player(submissionid: number, o: { tokenFor?: number; edgeUrl?: string; sub?: string } = {}): Promise<S3vPlayer> {
  const token = await devToken({ scope: 'view', submissionid: o.tokenFor ?? submissionid, sub: o.sub });
  return fixture<S3vPlayer>(html`<s3v-player edge-url=${o.edgeUrl ?? env().edgeUrl} token=${token} submissionid=${submissionid}></s3v-player>`);
}

const media = (el: S3vPlayer) => el.shadowRoot!.querySelector<HTMLVideoElement>('video')!;
const problem = (el: S3vPlayer) => el.shadowRoot!.querySelector('[role=alert]');

async function playingFrom(el: S3vPlayer, atLeast: number): Promise<void> {
  await until(() => media(el).currentTime > atLeast && !media(el).paused, `playback past ${atLeast} s`);
}

describe('<s3v-player>', () => {
  it('plays the submission’s video in Video.js with the controls a teacher needs', async () => {
    const submissionid = unique();
    await uploadThroughApi(await clip(), { submissionid });
    const el = await player(submissionid);
    await until(() => el.phase === 'ready' && el.videojs, 'the player');
    const vjs = el.videojs!;
    expect(vjs.autoplay()).to.equal(false);
    expect(vjs.preload()).to.equal('metadata');
    expect(vjs.fluid()).to.equal(true);
    expect(vjs.controls()).to.equal(true);
    for (const control of ['.vjs-play-control', '.vjs-progress-control', '.vjs-volume-panel', '.vjs-fullscreen-control', '.vjs-loading-spinner']) {
      expect(el.shadowRoot!.querySelector(control), control).to.exist;
    }
    expect(media(el).paused).to.equal(true);

    await vjs.play();
    await playingFrom(el, 1);
    expect(media(el).videoWidth).to.equal(320);
    await expect(el).to.be.accessible();
  });

  it('shows the confirmed MD5 checksum of what it plays, for the grader to check', async () => {
    const submissionid = unique();
    await uploadThroughApi(await clip(), { submissionid });
    const view = await devToken({ scope: 'view', submissionid });
    const real = await api<PlaybackUrlResponse>(view, `/api/playback-url?submissionid=${submissionid}`);
    const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
    const traffic = watchTraffic({
      edge: (path) =>
        path === '/api/playback-url'
          ? new Response(JSON.stringify({ ...real.body, md5 }), { status: 200, headers: { 'Content-Type': 'application/json' } })
          : null,
    });
    try {
      const el = await player(submissionid);
      await until(() => el.shadowRoot!.querySelector('.checksum'), 'the checksum line');
      expect(el.shadowRoot!.querySelector('.checksum')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal(`MD5 checksum: ${md5}`);
      expect(el.shadowRoot!.querySelector('.checksum code')!.textContent).to.equal(md5);
      await expect(el).to.be.accessible();
    } finally {
      traffic.restore();
    }
  });

  it('keeps Video.js’s CSS inside its shadow root', async () => {
    const submissionid = unique();
    await uploadThroughApi(await clip(), { submissionid });
    const el = await player(submissionid);
    await until(() => el.shadowRoot!.querySelector('.vjs-big-play-button'), 'the player');
    const button = el.shadowRoot!.querySelector('.vjs-big-play-button')!;
    expect(getComputedStyle(button).display).to.equal('block');

    const pageRules = [...document.styleSheets].flatMap((sheet) => [...sheet.cssRules].map((r) => r.cssText));
    expect(pageRules.filter((r) => r.includes('vjs-control-bar') || r.includes('vjs-big-play-button'))).to.deep.equal([]);
    const ownRules = el.shadowRoot!.adoptedStyleSheets.flatMap((sheet) => [...sheet.cssRules].map((r) => r.cssText));
    expect(ownRules.some((r) => r.includes('.vjs-control-bar'))).to.equal(true);
    // And a page's (or Moodle's own Video.js) rules do not reach in.
    const leak = document.createElement('style');
    leak.textContent = '.video-js .vjs-big-play-button { display: none !important; }';
    document.head.append(leak);
    expect(getComputedStyle(button).display).to.equal('block');
    leak.remove();
  });

  it('when the CDN refuses its URL, fetches a new one and resumes at the same position, and logs it', async () => {
    const submissionid = unique();
    const sub = String(unique());
    await uploadThroughApi(await clip(), { submissionid });
    const el = await player(submissionid, { sub });
    await until(() => el.phase === 'ready' && el.videojs, 'the player');
    await el.videojs!.play();
    await playingFrom(el, 2);
    const video = media(el);
    const original = video.currentSrc;
    const position = video.currentTime;

    // What the media element meets when CloudFront answers 403 (here: a signature it cannot
    // verify). Changing src pauses the element, so this is "refused, then the teacher presses play".
    const refused = original.replace('Signature=', 'Signature=A');
    video.src = refused;
    void el.videojs!.play()?.catch(() => undefined);

    await until(() => video.currentSrc !== refused && video.currentSrc !== original && video.readyState >= 1, 'a new URL');
    await until(() => Math.abs(video.currentTime - position) < 0.5, `the position ${position} s back`);
    // Where playback went on from, read by the media element's own first report rather than by
    // a poll that a busy machine may run seconds late (the video plays on meanwhile).
    const resumedAt = new Promise<number>((resolve) => video.addEventListener('timeupdate', () => resolve(video.currentTime), { once: true }));
    await el.videojs!.play();
    await until(() => video.currentTime > position + 0.3 && !video.paused, 'playback on the new URL');
    expect(await resumedAt).to.be.within(position - 0.5, position + 3);
    expect(new URL(video.currentSrc).searchParams.get('Signature')).to.not.equal(null);
    expect(problem(el)).to.equal(null);

    const admin = await devToken({ scope: 'admin' });
    const logged = await until(async () => {
      const stats = await api<AdminStatsResponse>(admin, '/api/admin/stats?days=7');
      return stats.body.recent_failures.find((f) => f.userid === sub);
    }, 'the refusal to be logged');
    expect(logged.event_type).to.equal('playback_failure');
    expect(logged.error_code).to.equal('CDN_403');
  });

  it('says "Video not available" when the submission has no video', async () => {
    const el = await player(unique());
    await until(() => problem(el), 'the message');
    expect(problem(el)!.querySelector('.message')!.textContent).to.equal('Video not available');
    expect(problem(el)!.querySelector('button')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('says "Video not available" once an admin deleted the video', async () => {
    const submissionid = unique();
    const { videoid } = await uploadThroughApi(await clip(), { submissionid });
    const admin = await devToken({ scope: 'admin' });
    expect((await api(admin, `/api/admin/videos/${videoid}`, { method: 'DELETE' })).status).to.equal(200);
    const el = await player(submissionid);
    await until(() => problem(el), 'the message');
    expect(problem(el)!.querySelector('.message')!.textContent).to.equal('Video not available');
  });

  it('says "Access denied" when the edge refuses the token', async () => {
    const el = await player(unique(), { tokenFor: unique() });
    await until(() => problem(el), 'the message');
    expect(problem(el)!.querySelector('.message')!.textContent).to.equal('Access denied');
  });

  it('says "Check your connection" with Retry when the edge cannot be reached', async () => {
    const el = await player(unique(), { edgeUrl: 'http://127.0.0.1:9' });
    await until(() => problem(el), 'the message');
    expect(problem(el)!.querySelector('.message')!.textContent).to.equal('Check your connection');
    expect(problem(el)!.querySelector('button')!.textContent!.trim()).to.equal('Retry');
  });

  it('an MP4 that opens like one but holds garbage: "damaged or not a video", never the browser\'s fault', async () => {
    const submissionid = unique();
    const junk = new Uint8Array(4096);
    crypto.getRandomValues(junk);
    await uploadThroughApi(new File([MP4_HEAD, junk], 'broken.mp4', { type: 'video/mp4' }), { submissionid });
    const el = await player(submissionid);
    await until(() => problem(el), 'the message');
    expect(problem(el)!.getAttribute('data-problem')).to.equal('damaged');
    expect(problem(el)!.querySelector('.message')!.textContent).to.equal('This video cannot be played: the file is damaged or is not a video.');
    expect(problem(el)!.querySelector('.hint')!.textContent).to.equal('Ask the student to export the video again and hand it in anew.');
    expect(problem(el)!.textContent).not.to.contain('This browser plays');
    await expect(el).to.be.accessible();
  });

  it('a real MP4 cut off inside its index (moov): "damaged or not a video"', async () => {
    const submissionid = unique();
    const whole = await clip();
    await uploadThroughApi(new File([whole.slice(0, 600)], 'cut.mp4', { type: 'video/mp4' }), { submissionid });
    const el = await player(submissionid);
    await until(() => problem(el), 'the message');
    expect(problem(el)!.getAttribute('data-problem')).to.equal('damaged');
  });

  it('says which formats this browser plays only when the browser cannot play the type (AVI in Chromium)', async () => {
    const submissionid = unique();
    const junk = new Uint8Array(4096);
    crypto.getRandomValues(junk);
    const riff = new TextEncoder().encode('RIFF\0\x10\0\0AVI LIST');
    await uploadThroughApi(new File([riff, junk], 'lecture.avi', { type: 'video/x-msvideo' }), { submissionid });
    const el = await player(submissionid);
    await until(() => problem(el), 'the message');
    expect(problem(el)!.getAttribute('data-problem')).to.equal('format');
    expect(problem(el)!.querySelector('.message')!.textContent).to.equal('Video format not supported');
    expect(problem(el)!.querySelector('.hint')!.textContent).to.match(/^This browser plays: MP4, WebM/);
  });

  it('shows its messages in the language of the `strings` property', async () => {
    const el = await player(unique());
    el.strings = { player_error_unavailable: 'Video nicht verfügbar' };
    await until(() => problem(el), 'the message');
    expect(problem(el)!.querySelector('.message')!.textContent).to.equal('Video nicht verfügbar');
  });
});
