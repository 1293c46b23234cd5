import { expect, fixture, html } from '@open-wc/testing';
import type { AttachCaptionsRequest, AttachCaptionsResponse, DownloadUrlResponse, VideoExtrasResponse } from '../../edge/src/contract';
import '../../components/player/define';
import { CAPTION_LANGUAGES } from '../../components/player/extras';
import { DOWNLOAD_REQUEST, type S3vPlayer } from '../../components/player/player';
import { STRINGS } from '../../components/strings';
import { api, clip, devToken, env, jpeg, unique, until, uploadThroughApi } from './support/stack';
import { watchTraffic } from './support/traffic';

/**
 * What the player shows besides the video (issue 13 §2–4): the Download button (in the player
 * and in its "cannot play" message), the poster before play, caption tracks in Video.js's own
 * menu, and the form that attaches a caption file — through the real edge, CDN stand-in and S3.
 */

const NAME = 'Vidéo finale (v2).mp4';
const VTT = 'WEBVTT\n\n00:00:00.500 --> 00:00:03.000\nHello class\n';

async function player(submissionid: number, o: { captions?: boolean } = {}): Promise<S3vPlayer> {
  const token = await devToken({ scope: 'view', submissionid, captions: o.captions });
  const el = await fixture<S3vPlayer>(html`<s3v-player edge-url=${env().edgeUrl} token=${token} submissionid=${submissionid}></s3v-player>`);
  return el;
}

const root = (el: S3vPlayer) => el.shadowRoot!;
const media = (el: S3vPlayer) => root(el).querySelector<HTMLVideoElement>('video')!;
const downloadButton = (el: S3vPlayer) => root(el).querySelector<HTMLButtonElement>('button.download');
const form = (el: S3vPlayer) => root(el).querySelector<HTMLFormElement>('details.captions form');
const captionStatus = (el: S3vPlayer) => root(el).querySelector<HTMLElement>('.captions-status')!;

async function ready(el: S3vPlayer): Promise<void> {
  await until(() => el.phase === 'ready' && el.videojs && downloadButton(el), 'the player and its Download button');
}

async function sha256(bytes: ArrayBuffer | Blob): Promise<string> {
  const buffer = bytes instanceof Blob ? await bytes.arrayBuffer() : bytes;
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', buffer))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The links the player clicks to save a file, caught instead of followed: the test page must
 * stay where it is. What the browser then does with the URL is the e2e test's to show.
 */
function catchDownloads(): { links: HTMLAnchorElement[]; restore(): void } {
  const links: HTMLAnchorElement[] = [];
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    if (this.download) links.push(this);
    else click.call(this);
  };
  return { links, restore: () => void (HTMLAnchorElement.prototype.click = click) };
}

/** Picks a file in the captions form and sends it; the form is opened first. */
async function sendCaptions(el: S3vPlayer, file: File, language = 'en', label = ''): Promise<void> {
  root(el).querySelector<HTMLDetailsElement>('details.captions')!.open = true;
  const f = form(el)!;
  const input = f.querySelector<HTMLInputElement>('input[name=file]')!;
  const files = new DataTransfer();
  files.items.add(file);
  input.files = files.files;
  f.querySelector<HTMLSelectElement>('select[name=language]')!.value = language;
  f.querySelector<HTMLInputElement>('input[name=label]')!.value = label;
  f.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
}

/** The remote text tracks Video.js holds, as plain facts. */
function tracks(el: S3vPlayer): Array<{ label: string; language: string; kind: string }> {
  const list = el.videojs!.remoteTextTracks() as unknown as ArrayLike<TextTrack>;
  return Array.from({ length: list.length }, (_, i) => ({ label: list[i]!.label, language: list[i]!.language, kind: list[i]!.kind }));
}

async function attachThroughApi(submissionid: number, videoid: number, body: Partial<AttachCaptionsRequest> = {}): Promise<AttachCaptionsResponse> {
  const token = await devToken({ scope: 'view', submissionid, captions: true });
  const res = await api<AttachCaptionsResponse>(token, '/api/captions', {
    body: { submissionid, videoid, language: 'en', label: 'English', vtt: VTT, ...body },
  });
  if (res.status !== 201) throw new Error(`captions: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

describe('<s3v-player> download', () => {
  it('a "Download" button fetches a short-lived URL and hands the browser the file under its uploaded name', async () => {
    const submissionid = unique();
    const file = await clip(NAME);
    await uploadThroughApi(file, { submissionid });
    const el = await player(submissionid);
    await ready(el);
    const button = downloadButton(el)!;
    expect(button.textContent!.trim()).to.equal(STRINGS.player_download);
    expect(button.getAttribute('aria-label'), 'its name is its text').to.equal(null);
    await expect(el).to.be.accessible();

    const traffic = watchTraffic();
    const caught = catchDownloads();
    try {
      button.click();
      await until(() => caught.links.length === 1, 'the download link');
      const [call] = traffic.calls('/api/download-url');
      expect([call!.method, call!.status]).to.deep.equal(['GET', 200]);
      const answer = call!.response as DownloadUrlResponse;
      const link = caught.links[0]!;
      expect(link.href).to.equal(answer.url);
      expect(link.download).to.equal(NAME);
      expect(link.isConnected, 'the link is not left in the page').to.equal(false);
      expect(answer).to.include({ filename: NAME, filesize: file.size });
      // The CDN forwards this one parameter to S3, which answers Content-Disposition: attachment with it.
      const disposition = new URL(answer.url).searchParams.get('response-content-disposition')!;
      expect(disposition).to.match(/^attachment; filename="[^"]*"; filename\*=UTF-8''Vid%C3%A9o%20finale%20%28v2%29\.mp4$/);
      const res = await fetch(answer.url);
      expect(res.status).to.equal(200);
      expect(await sha256(await res.arrayBuffer())).to.equal(await sha256(file));
    } finally {
      caught.restore();
      traffic.restore();
    }
  });

  it(`"${DOWNLOAD_REQUEST}" on the element, or from inside it, saves the file too, and goes no further`, async () => {
    const submissionid = unique();
    await uploadThroughApi(await clip(), { submissionid });
    const el = await player(submissionid);
    await ready(el);
    const traffic = watchTraffic();
    const caught = catchDownloads();
    const escaped: Event[] = [];
    const listen = (e: Event) => escaped.push(e);
    document.addEventListener(DOWNLOAD_REQUEST, listen);
    try {
      el.dispatchEvent(new CustomEvent(DOWNLOAD_REQUEST, { bubbles: true, composed: true }));
      await until(() => caught.links.length === 1, 'the first download');
      media(el).dispatchEvent(new CustomEvent(DOWNLOAD_REQUEST, { bubbles: true, composed: true }));
      await until(() => caught.links.length === 2, 'the second download');
      expect(traffic.calls('/api/download-url').map((c) => c.status)).to.deep.equal([200, 200]);
      expect(escaped).to.deep.equal([]);
    } finally {
      document.removeEventListener(DOWNLOAD_REQUEST, listen);
      caught.restore();
      traffic.restore();
    }
  });

  it('the "cannot play" message offers Download, the teacher’s way out', async () => {
    const submissionid = unique();
    const junk = crypto.getRandomValues(new Uint8Array(4096));
    const riff = new TextEncoder().encode('RIFF\0\x10\0\0AVI LIST');
    await uploadThroughApi(new File([riff, junk], 'lecture.avi', { type: 'video/x-msvideo' }), { submissionid });
    const el = await player(submissionid);
    const alert = await until(() => root(el).querySelector('[role=alert][data-problem=format]'), 'the message');
    expect([...alert.querySelectorAll('.hint')].map((p) => p.textContent)).to.include(STRINGS.player_download_hint);
    const button = alert.querySelector<HTMLButtonElement>('button.download')!;
    expect(button.textContent!.trim()).to.equal(STRINGS.player_download);
    await expect(el).to.be.accessible();
    const caught = catchDownloads();
    try {
      button.click();
      await until(() => caught.links.length === 1, 'the download link');
      expect(caught.links[0]!.download).to.equal('lecture.avi');
    } finally {
      caught.restore();
    }
  });

  it('says when a download cannot start: the quota, or anything else', async () => {
    const submissionid = unique();
    await uploadThroughApi(await clip(), { submissionid });
    const el = await player(submissionid);
    await ready(el);
    const refuse = (status: number, code: string) =>
      new Response(JSON.stringify({ error: { code, message: code } }), { status, headers: { 'Content-Type': 'application/json', 'Retry-After': '60' } });
    for (const [status, code, message] of [[429, 'RATE_LIMITED', STRINGS.player_error_ratelimited], [500, 'INTERNAL', STRINGS.player_download_failed]] as const) {
      const traffic = watchTraffic({ edge: (path) => (path === '/api/download-url' ? refuse(status, code) : null) });
      try {
        downloadButton(el)!.click();
        await until(() => root(el).querySelector('.download-error[role=alert]')?.textContent?.trim() === message, `"${message}"`);
        expect(traffic.calls('/api/download-url').map((c) => c.status)).to.deep.equal([status]);
        await expect(el).to.be.accessible();
      } finally {
        traffic.restore();
      }
    }
  });
});

describe('<s3v-player> poster', () => {
  it('shows the poster the uploader stored, from the CDN, before play', async () => {
    const submissionid = unique();
    await uploadThroughApi(await clip(), { submissionid }, { poster: await jpeg() });
    const el = await player(submissionid);
    await ready(el);
    const view = await devToken({ scope: 'view', submissionid });
    const extras = (await api<VideoExtrasResponse>(view, `/api/video-extras?submissionid=${submissionid}`)).body;
    const posterPath = new URL(extras.poster_url!).pathname;
    expect(posterPath).to.match(/\/poster\.jpg$/);
    await until(() => media(el).getAttribute('poster'), 'the poster attribute');
    const attr = new URL(media(el).getAttribute('poster')!);
    expect(attr.origin).to.equal(env().cdnUrl);
    expect(attr.pathname).to.equal(posterPath);
    const img = await until(() => root(el).querySelector<HTMLImageElement>('.vjs-poster img'), 'Video.js’s poster');
    await until(() => img.complete && img.naturalWidth > 0, 'the poster image to load');
    expect([img.naturalWidth, img.naturalHeight]).to.deep.equal([320, 180]);
    expect(media(el).paused).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('has no poster when none was stored, and still plays', async () => {
    const submissionid = unique();
    await uploadThroughApi(await clip(), { submissionid });
    const el = await player(submissionid);
    await ready(el);
    const traffic = watchTraffic();
    try {
      await el.videojs!.play();
      await until(() => media(el).currentTime > 0.5, 'playback');
      expect(media(el).getAttribute('poster') ?? '').to.equal('');
    } finally {
      traffic.restore();
    }
  });
});

describe('<s3v-player> captions', () => {
  it('offers "Add captions" only to a token that may attach them', async () => {
    const submissionid = unique();
    await uploadThroughApi(await clip(), { submissionid });
    const plain = await player(submissionid);
    await ready(plain);
    await plain.updateComplete;
    expect(root(plain).querySelector('details.captions')).to.equal(null);

    const grader = await player(submissionid, { captions: true });
    await ready(grader);
    const details = await until(() => root(grader).querySelector<HTMLDetailsElement>('details.captions'), 'the captions form');
    expect(details.querySelector('summary')!.textContent).to.equal(STRINGS.player_captions_add);
    details.open = true;
    await expect(grader).to.be.accessible();
  });

  it('lists the caption languages by name with their tags', async () => {
    const submissionid = unique();
    await uploadThroughApi(await clip(), { submissionid });
    const el = await player(submissionid, { captions: true });
    await until(() => form(el), 'the captions form');
    const options = [...form(el)!.querySelectorAll('select[name=language] option')] as HTMLOptionElement[];
    expect(options.map((o) => o.value)).to.deep.equal([...CAPTION_LANGUAGES]);
    const text = Object.fromEntries(options.map((o) => [o.value, o.textContent]));
    expect(text).to.include({ en: 'English (en)', fr: 'French (fr)', 'pt-BR': 'Brazilian Portuguese (pt-BR)', 'zh-Hant': 'Traditional Chinese (zh-Hant)' });
    const input = form(el)!.querySelector<HTMLInputElement>('input[name=file]')!;
    expect(input.accept).to.equal('.vtt,.srt,text/vtt,application/x-subrip');
    expect(input.required).to.equal(true);
  });

  it('says what is wrong with a file that is not captions, in Moodle’s words, and sends nothing', async () => {
    const submissionid = unique();
    await uploadThroughApi(await clip(), { submissionid });
    const el = await player(submissionid, { captions: true });
    await until(() => form(el), 'the captions form');
    const traffic = watchTraffic();
    const cases: Array<[File, string]> = [
      [new File([], 'empty.vtt'), STRINGS.player_captions_invalid_empty],
      // UTF-16 with its BOM, as some Windows subtitle editors save.
      [new File([new Uint8Array([0xff, 0xfe, 0x57, 0, 0x45, 0, 0x42, 0])], 'utf16.srt'), STRINGS.player_captions_invalid_encoding],
      [new File(['These are my notes, not captions.\n'], 'notes.vtt'), STRINGS.player_captions_invalid_header],
      [new File(['WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nBackwards\n'], 'backwards.vtt'), STRINGS.player_captions_invalid_timing.replace('{$a}', '3')],
      // The line of the SubRip file itself (10), not of the WebVTT it became (9).
      [new File(['1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\n00:00:03,000 --> 00:00:04,000\nB\n\n3\n00:00:00,500 --> 00:00:00,900\nC\n'], 'order.srt'),
        STRINGS.player_captions_invalid_timing.replace('{$a}', '10')],
      [new File(['WEBVTT\n\nNOTE only a note\n'], 'note.vtt'), STRINGS.player_captions_invalid_no_cues],
      [new File([`WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n${'x'.repeat(512 * 1024)}\n`], 'huge.vtt'), STRINGS.player_captions_invalid_too_large],
    ];
    try {
      for (const [file, message] of cases) {
        await sendCaptions(el, file);
        await until(() => captionStatus(el).textContent === message, `"${message}" for ${file.name} (shown: "${captionStatus(el).textContent}")`);
        expect(captionStatus(el).getAttribute('role'), file.name).to.equal('alert');
      }
      expect(traffic.calls('/api/captions')).to.deep.equal([]);
      await expect(el).to.be.accessible();
    } finally {
      traffic.restore();
    }
  });

  it('shows the edge’s verdict when it refuses a file the browser let through', async () => {
    const submissionid = unique();
    await uploadThroughApi(await clip(), { submissionid });
    const el = await player(submissionid, { captions: true });
    await until(() => form(el), 'the captions form');
    const traffic = watchTraffic({
      edge: (path) =>
        path === '/api/captions'
          ? new Response(JSON.stringify({ error: { code: 'INVALID_CAPTIONS', message: 'no', field: 'timing' } }), { status: 415, headers: { 'Content-Type': 'application/json' } })
          : null,
    });
    try {
      await sendCaptions(el, new File([VTT], 'ok.vtt'));
      await until(() => captionStatus(el).textContent === STRINGS.player_captions_invalid_timing.replace('{$a}', '—'), 'the edge’s verdict');
    } finally {
      traffic.restore();
    }
  });

  it('converts SubRip to WebVTT in the browser, posts that, and the track joins Video.js’s captions menu', async () => {
    const submissionid = unique();
    const { videoid } = await uploadThroughApi(await clip(), { submissionid });
    const el = await player(submissionid, { captions: true });
    await until(() => form(el), 'the captions form');
    const srt = '\ufeff1\r\n0:00:01,000 --> 0:00:02,500 X1:10 X2:20 Y1:5 Y2:5\r\n<font color="red">Guten</font> <b>Tag</b> & <Gruß>\r\n\r\n2\r\n00:00:03,000 --> 00:00:05,000\r\n{\\an8}Oben\r\n';
    const traffic = watchTraffic();
    try {
      await sendCaptions(el, new File([srt], 'Untertitel.srt', { type: 'application/x-subrip' }), 'de');
      await until(() => captionStatus(el).textContent === STRINGS.player_captions_done.replace('{$a}', 'German'), 'the captions attached');
      expect(captionStatus(el).getAttribute('role')).to.equal('status');
      const [call] = traffic.calls('/api/captions');
      expect(call!.status).to.equal(201);
      expect(call!.body).to.deep.equal({
        submissionid, videoid, language: 'de', label: 'German',
        vtt: 'WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nGuten <b>Tag</b> &amp; &lt;Gruß&gt;\n\n00:00:03.000 --> 00:00:05.000\nOben\n',
      });
    } finally {
      traffic.restore();
    }
    await until(() => tracks(el).some((t) => t.language === 'de'), 'the track in Video.js');
    expect(tracks(el)).to.deep.equal([{ label: 'German', language: 'de', kind: 'captions' }]);
    const items = [...root(el).querySelectorAll('.vjs-subs-caps-button .vjs-menu-item')].map((i) => i.textContent!.replace(/\s+/g, ' ').trim());
    expect(items.some((t) => t.startsWith('German'))).to.equal(true);
  });

  it('replacing a language’s captions swaps the track in the player', async () => {
    const submissionid = unique();
    const { videoid } = await uploadThroughApi(await clip(), { submissionid });
    await attachThroughApi(submissionid, videoid, { language: 'fr', label: 'Français' });
    const el = await player(submissionid, { captions: true });
    await until(() => form(el) && tracks(el).length === 1, 'the form and the first track');
    await sendCaptions(el, new File([VTT.replace('Hello class', 'Bonjour')], 'v2.vtt'), 'fr', 'Français v2');
    await until(() => captionStatus(el).textContent === STRINGS.player_captions_done.replace('{$a}', 'Français v2'), 'the replacement');
    await until(() => tracks(el).length === 1 && tracks(el)[0]!.label === 'Français v2', `one French track (${JSON.stringify(tracks(el))})`);
  });

  it('keeps its caption tracks, and shows their cues, across a renewed playback URL', async () => {
    const submissionid = unique();
    const { videoid } = await uploadThroughApi(await clip(), { submissionid });
    await attachThroughApi(submissionid, videoid);
    const el = await player(submissionid);
    await ready(el);
    await until(() => tracks(el).length === 1, 'the track');
    const video = media(el);
    await el.videojs!.play();
    await until(() => video.currentTime > 0.5 && !video.paused, 'playback');
    const original = video.currentSrc;

    // The CDN refuses the URL (as for an expired one): the player fetches a URL again and sets it
    // (signed in the same second, it may read the same as the first: the src() is what matters).
    const traffic = watchTraffic();
    try {
      const refused = original.replace('Signature=', 'Signature=A');
      video.src = refused;
      void el.videojs!.play()?.catch(() => undefined);
      await until(() => traffic.calls('/api/playback-url').length === 1 && video.currentSrc !== refused && video.readyState >= 1,
        `a renewed URL (phase ${el.phase}, readyState ${video.readyState}, ${traffic.calls('/api/playback-url').length} renewals)`);
    } finally {
      traffic.restore();
    }
    el.videojs!.pause();

    expect(tracks(el), 'the captions are still there').to.deep.equal([{ label: 'English', language: 'en', kind: 'captions' }]);
    const track = (el.videojs!.remoteTextTracks() as unknown as ArrayLike<TextTrack>)[0]!;
    track.mode = 'showing';
    el.videojs!.currentTime(1.5);
    const display = root(el).querySelector('.vjs-text-track-display')!;
    await until(() => display.textContent!.includes('Hello class'), 'the cue on screen');
  });
});
