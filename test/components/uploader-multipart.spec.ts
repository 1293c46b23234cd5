import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type {
  AdminVideosResponse,
  MultipartSignResponse,
  MultipartStartResponse,
  PlaybackUrlResponse,
  VideoSummaryResponse,
} from '../../edge/src/contract';
import '../../components/uploader/define';
import type { UploadCompleteEvent } from '../../components/events';
import { PROGRESS_RENDER_MS, type S3vUploader } from '../../components/uploader/uploader';
import { md5Of, toBase64 } from '../../components/uploader/md5';
import { api, base64ToHex, devToken, env, MP4_HEAD, edgeConfirmedMd5, textOf, unique, until } from './support/stack';
import { watchTraffic, type Traffic } from './support/traffic';

/**
 * Large files through the real edge into the real local S3 as multipart
 * uploads: parts PUT in parallel, each with the Content-MD5 its URL was
 * signed with, a part's failure (or corruption) dealt with on that part,
 * Cancel aborting, and resuming what an earlier page left unfinished. The
 * threshold is lowered so that a 40 MiB file (three parts of the edge's
 * 16 MiB) goes multipart.
 */

const MIB = 1024 * 1024;
const PART = 16 * MIB;
/** Well below the files here, far below the 64 MiB the element uses by default. */
const THRESHOLD = MIB;

interface Rendered {
  el: S3vUploader;
  input: HTMLInputElement;
  submissionid: number;
  sub: string;
  token: string;
}

async function render(o: { submissionid?: number; sub?: string } = {}): Promise<Rendered> {
  const submissionid = o.submissionid ?? unique();
  const sub = o.sub ?? String(unique());
  const token = await devToken({ scope: 'upload', sub, submissionid });
  const form = await fixture<HTMLFormElement>(html`
    <form>
      <s3v-uploader edge-url=${env().edgeUrl} token=${token} assignmentid="10" submissionid=${submissionid}
        receipt-input="s3video_receipt" current-filename="old.mp4" multipart-threshold=${THRESHOLD}></s3v-uploader>
      <input type="hidden" name="s3video_receipt" value="previous-receipt" />
    </form>
  `);
  const el = form.querySelector('s3v-uploader')!;
  await el.updateComplete;
  return { el, input: form.querySelector('input')!, submissionid, sub, token };
}

/** Bytes that differ everywhere (a 32-bit counter), so a part sent to the wrong place would show. */
function patterned(mb: number, name = 'x.mp4'): File {
  const words = new Uint32Array((mb * MIB) / 4);
  const seed = unique();
  for (let i = 0; i < words.length; i++) words[i] = (i * 2654435761 + seed) >>> 0;
  // Opened like an MP4, so the uploader's content check lets the pattern through.
  new Uint8Array(words.buffer).set(MP4_HEAD);
  return new File([words], name, { type: 'video/mp4', lastModified: Date.now() - 60_000 });
}

const storageKey = (submissionid: number) => `s3video.multipart:${env().edgeUrl.replace(/\/+$/, '')}#${submissionid}`;
const liveText = (el: S3vUploader) => el.shadowRoot!.querySelector('[role=status]')!.textContent!.trim();
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

type SignBody = { parts: Array<{ part_number: number; md5: string }> };
/** The part numbers of each sign-parts call, in order. */
const signedParts = (t: Traffic) => t.calls('/api/multipart/sign-parts').map((c) => (c.body as SignBody).parts.map((p) => p.part_number));
const confirmedMd5 = (t: Traffic) => (t.calls('/api/confirm-upload')[0]!.body as { md5: string }).md5;

/** Everything the live region and the alert said while the upload ran. */
function listen(el: S3vUploader): { said: Set<string>; alerts: string[]; stop(): void } {
  const said = new Set<string>();
  const alerts: string[] = [];
  const watcher = new MutationObserver(() => {
    const live = liveText(el);
    if (live) said.add(live);
    const alert = el.shadowRoot!.querySelector('[role=alert]');
    if (alert) alerts.push(alert.textContent!.trim());
  });
  watcher.observe(el.shadowRoot!, { subtree: true, childList: true, attributes: true, characterData: true });
  return { said, alerts, stop: () => watcher.disconnect() };
}

/**
 * The first parts of an upload sent the way an earlier page would have, and the record it left.
 * `bytes`: what was sent instead of the file's own bytes (the file changed on disk since).
 */
async function leftUnfinished(file: File, r: { token: string; submissionid: number }, parts: number[], bytes?: Blob): Promise<MultipartStartResponse> {
  const start = await api<MultipartStartResponse>(r.token, '/api/multipart/start', {
    body: { assignmentid: 10, submissionid: r.submissionid, filename: file.name, filesize: file.size, mimetype: file.type },
  });
  expect(start.status).to.equal(201);
  const s = start.body;
  if (parts.length > 0) {
    const slice = (n: number) => (bytes ?? file).slice((n - 1) * s.part_size, n * s.part_size);
    const md5s = new Map<number, string>();
    for (const n of parts) md5s.set(n, toBase64(await md5Of(slice(n))));
    const signed = await api<MultipartSignResponse>(r.token, '/api/multipart/sign-parts', {
      body: { assignmentid: 10, submissionid: r.submissionid, s3_key: s.s3_key, parts: parts.map((n) => ({ part_number: n, md5: md5s.get(n) })) },
    });
    for (const n of parts) {
      const res = await fetch(signed.body.urls[String(n)]!, { method: 'PUT', body: slice(n), headers: { 'Content-MD5': md5s.get(n)! } });
      expect(res.status).to.equal(200);
    }
  }
  localStorage.setItem(storageKey(r.submissionid), JSON.stringify({
    s3_key: s.s3_key, upload_id: s.upload_id, part_size: s.part_size, part_count: s.part_count,
    submissionid: r.submissionid, file: { name: file.name, size: file.size, lastModified: file.lastModified }, started_at: Date.now(),
  }));
  return s;
}

describe('<s3v-uploader> multipart uploads against the edge and S3', () => {
  let traffic: Traffic | null = null;
  afterEach(() => {
    traffic?.restore();
    traffic = null;
    // Let the files of the test that ended go (see web-test-runner.config.mjs, --expose-gc).
    (globalThis as { gc?: () => void }).gc?.();
  });

  it('sends a 40 MiB file as three parts straight to S3, completes, confirms, and the object is whole', async () => {
    const { el, input, submissionid } = await render();
    const file = patterned(40);
    // Part 1 waits until the checks made mid-upload are done, so they see the upload running
    // however fast or slow the machine (not at whatever instant a poll happened to fall).
    let midUploadChecked!: () => void;
    const checked = new Promise<void>((resolve) => (midUploadChecked = resolve));
    traffic = watchTraffic({ hold: (part, attempt) => (part === 1 && attempt === 1 ? checked : null) });
    const live = listen(el);
    const percents = new Set<number>();
    const bars = new MutationObserver(() => {
      const now = el.shadowRoot!.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow');
      if (now) percents.add(Number(now));
    });
    bars.observe(el.shadowRoot!, { subtree: true, attributes: true, childList: true });
    const completed = oneEvent(document, 's3v-upload-complete') as Promise<UploadCompleteEvent>;
    el.choose(file);
    await until(() => el.phase === 'uploading', 'the upload to begin');
    // While it runs, the upload is remembered for a reload.
    expect(JSON.parse(localStorage.getItem(storageKey(submissionid))!).file).to.deep.equal({ name: 'x.mp4', size: 40 * MIB, lastModified: file.lastModified });
    await expect(el).to.be.accessible();
    // Parts 2 and 3 go meanwhile: the bar must show the bytes they carried before part 1 goes.
    await until(() => [...percents].some((p) => p > 0 && p < 100), 'the bar to show a part of the file sent');
    expect(el.phase).to.equal('uploading');
    midUploadChecked();
    const event = await completed;
    await el.updateComplete;
    live.stop();
    bars.disconnect();

    expect(sorted(traffic.puts.map((p) => p.part))).to.deep.equal([1, 2, 3]);
    expect(sorted(traffic.partsSent())).to.deep.equal([1, 2, 3]);
    expect(traffic.calls('/api/upload-url')).to.have.length(0);
    expect(traffic.calls('/api/multipart/start')).to.have.length(1);
    expect(sorted(signedParts(traffic).flat()), 'each part signed once').to.deep.equal([1, 2, 3]);
    // Each part went with the MD5 its URL was signed with, and S3 computed the same from what it got.
    const signedMd5 = new Map(traffic.calls('/api/multipart/sign-parts').flatMap((c) => (c.body as SignBody).parts.map((p) => [p.part_number, p.md5] as const)));
    for (const put of traffic.puts) {
      expect(put.contentMd5, `part ${put.part}`).to.equal(signedMd5.get(put.part));
      expect(put.etag?.replaceAll('"', ''), `part ${put.part}`).to.equal(base64ToHex(put.contentMd5!));
    }
    expect(traffic.calls('/api/multipart/complete').map((c) => c.status)).to.deep.equal([200]);
    const confirm = traffic.calls('/api/confirm-upload');
    expect(confirm.map((c) => c.status)).to.deep.equal([200]);
    expect((confirm[0]!.body as { filesize: number }).filesize).to.equal(40 * MIB);
    // S3's ETag of the assembled object is the checksum the browser computed and confirmed.
    expect(confirmedMd5(traffic)).to.match(/^[0-9a-f]{32}-3$/);
    expect(await edgeConfirmedMd5(submissionid)).to.equal(confirmedMd5(traffic));

    expect(event.detail.filesize).to.equal(40 * MIB);
    expect(input.value).to.equal(event.detail.receipt);
    expect(el.phase).to.equal('success');
    expect([...live.said]).to.include.members(['Checking your file…', 'Uploading x.mp4', 'Finalizing upload…', 'Upload complete!']);
    expect([...percents].some((p) => p > 0 && p < 100), `percents seen: ${[...percents]}`).to.equal(true);
    expect(localStorage.getItem(storageKey(submissionid)), 'forgotten once confirmed').to.equal(null);

    // S3 holds the file itself: its size (HeadObject at confirm) and the bytes across each seam between parts.
    const view = await devToken({ scope: 'view', submissionid });
    const video = await api<VideoSummaryResponse>(view, `/api/video?submissionid=${submissionid}`);
    expect(video.body.video!.filesize).to.equal(40 * MIB);
    const play = await api<PlaybackUrlResponse>(view, `/api/playback-url?submissionid=${submissionid}`);
    for (const seam of [PART, 2 * PART]) {
      const res = await fetch(play.body.signed_url, { headers: { Range: `bytes=${seam - 8}-${seam + 7}` } });
      expect(res.status).to.equal(206);
      const got = new Uint8Array(await res.arrayBuffer());
      const want = new Uint8Array(await file.slice(seam - 8, seam + 8).arrayBuffer());
      expect([...got]).to.deep.equal([...want]);
    }
  });

  it('renders progress at most 4 times a second however often the parts report it, and the bar moves by transform', async () => {
    const { el } = await render();
    const file = patterned(48);
    // Before each part goes, its XHR reports progress 50 times, a task apart: far more often than
    // loopback's few real events, and as often on a slow machine as on a fast one.
    const TICKS = 50;
    let progressEvents = 0;
    const ticks: number[] = [];
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
      const size = body instanceof Blob ? body.size : 0;
      let tick = 0;
      const next = () => {
        if (tick === TICKS || size === 0) return send.call(this, body);
        tick += 1;
        progressEvents += 1;
        ticks.push(performance.now());
        this.upload.dispatchEvent(new ProgressEvent('progress', { lengthComputable: true, loaded: Math.floor((size * tick) / TICKS), total: size }));
        setTimeout(next, 2);
      };
      next();
    };
    const renders: number[] = [];
    el.addController({ hostUpdated: () => el.phase === 'uploading' && renders.push(performance.now()) });
    try {
      el.choose(file);
      const transforms = new Set<string>();
      await until(() => {
        const fill = el.shadowRoot!.querySelector<HTMLElement>('.fill');
        if (fill) transforms.add(fill.style.transform);
        return el.phase === 'success' || el.phase === 'error';
      }, 'the upload ends');
      expect(el.phase).to.equal('success');
      const elapsed = renders.at(-1)! - renders[0]!;
      // A render per 250 ms, plus the few that a phase, the file's metadata or the last part bring.
      const allowed = Math.ceil(elapsed / PROGRESS_RENDER_MS) + 4;
      // The check means something only if progress came far faster than the page may render it.
      // Judged over the time the reports came in, not the whole upload: on a busy machine the
      // upload's other work (hashing, S3) stretches the whole while the reports stay as many.
      const reporting = ticks.at(-1)! - ticks[0]!;
      const allowedWhileReporting = Math.ceil(reporting / PROGRESS_RENDER_MS) + 4;
      expect(progressEvents, `${progressEvents} progress events in ${Math.round(reporting)} ms`).to.be.greaterThan(2 * allowedWhileReporting);
      expect(renders.length, `${renders.length} renders in ${Math.round(elapsed)} ms for ${progressEvents} progress events`).to.be.at.most(allowed);
      expect([...transforms].some((t) => /^scaleX\(0\.\d+\)$/.test(t)), `the fill is scaled: ${[...transforms].join(' ')}`).to.equal(true);
    } finally {
      XMLHttpRequest.prototype.send = send;
    }
  });

  it('a part whose connection fails is sent again on its own while the others go once; the retry is logged', async () => {
    const { el, input } = await render();
    traffic = watchTraffic({
      // The first attempt at part 2 goes to a port where nothing listens: a real connection failure.
      put: (part, url, attempt) => (part === 2 && attempt === 1 ? 'http://127.0.0.1:9/refused' : null),
    });
    const live = listen(el);
    el.choose(patterned(40));
    await until(() => el.phase === 'success', 'the upload to finish');
    live.stop();

    expect(traffic.puts.filter((p) => p.part === 2).map((p) => p.status)).to.deep.equal([0, 200]);
    expect(traffic.puts.filter((p) => p.part !== 2).map((p) => p.status)).to.deep.equal([200, 200]);
    expect(live.alerts, 'the student was not bothered').to.deep.equal([]);
    await traffic.settled();
    const retry = traffic.calls('/api/events').map((c) => c.body as { event_type: string; error_code: string; retry_count: number; error_context: { part: number } });
    expect(retry.map((e) => [e.event_type, e.error_code, e.retry_count, e.error_context.part])).to.deep.equal([['upload_retry', 'S3:network', 1, 2]]);
    expect(input.value.split('.')).to.have.length(3);
  });

  it('a part S3 refuses with a signature error gets a new signature and goes again', async () => {
    const { el } = await render();
    traffic = watchTraffic({
      // A signature S3 will not accept. Ceph RGW sends the 403 without CORS headers, so the
      // browser sees no answer at all: the uploader cannot tell it from a dropped connection.
      put: (part, url, attempt) => (part === 1 && attempt === 1 ? url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`) : null),
    });
    el.choose(patterned(40));
    await until(() => el.phase === 'success', 'the upload to finish');

    expect(traffic.puts.filter((p) => p.part === 1).map((p) => p.status)).to.deep.equal([0, 200]);
    const signs = signedParts(traffic);
    expect(signs.at(-1), 'only the refused part is signed again').to.deep.equal([1]);
    expect(sorted(signs.flat())).to.deep.equal([1, 1, 2, 3]);
    await traffic.settled();
    const retry = traffic.calls('/api/events').map((c) => c.body as { event_type: string; error_code: string });
    expect(retry.map((e) => [e.event_type, e.error_code])).to.deep.equal([['upload_retry', 'S3:network']]);
  });

  it('waits out a 429 from the edge (Retry-After) and goes on', async () => {
    const { el } = await render();
    traffic = watchTraffic({
      edge: (path, _body, attempt) =>
        path === '/api/multipart/sign-parts' && attempt === 1
          ? new Response(JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'Slow down.' } }), {
              status: 429,
              headers: { 'Content-Type': 'application/json', 'Retry-After': '1' },
            })
          : null,
    });
    const live = listen(el);
    el.choose(patterned(40));
    await until(() => el.phase === 'success', 'the upload to finish');
    live.stop();
    const signs = traffic.calls('/api/multipart/sign-parts');
    expect(signs.map((c) => c.status)).to.deep.equal([429, ...signs.slice(1).map(() => 200)]);
    expect(sorted(signedParts(traffic).flat()), 'the refused request asked again, nothing more').to.deep.equal([1, 1, 2, 3]);
    expect(live.alerts).to.deep.equal([]);
  });

  it('a part changed on its way is refused by S3 (BadDigest), hashed again and sent again alone', async () => {
    const { el, submissionid } = await render();
    traffic = watchTraffic({ alter: (part, attempt) => part === 2 && attempt === 1 });
    const live = listen(el);
    el.choose(patterned(40));
    await until(() => el.phase === 'success', 'the upload to finish');
    live.stop();

    const part2 = traffic.puts.filter((p) => p.part === 2);
    expect(part2.map((p) => [p.altered, p.status])).to.deep.equal([[true, 400], [false, 200]]);
    expect(part2[1]!.contentMd5, 'the same bytes, the same digest').to.equal(part2[0]!.contentMd5);
    expect(traffic.puts.filter((p) => p.part !== 2).map((p) => p.status), 'the others went once').to.deep.equal([200, 200]);
    expect(live.alerts, 'the student was not bothered').to.deep.equal([]);
    await traffic.settled();
    const events = traffic.calls('/api/events').map((c) => c.body as { event_type: string; error_code: string; error_context: { part: number; reason: string } });
    expect(events.map((e) => [e.event_type, e.error_code, e.error_context.part, e.error_context.reason])).to.deep.equal([['upload_retry', 'S3:400:BadDigest', 2, 'corrupted']]);
    expect(traffic.calls('/api/events').map((c) => c.status), 'the edge took the report (RGW sends BadDigest with an empty message)').to.deep.equal([201]);
    expect(await edgeConfirmedMd5(submissionid)).to.equal(confirmedMd5(traffic));
  });

  it('a part S3 refuses outright stops with a message; the upload stays open and Retry sends only what S3 lacks', async () => {
    const { el, input, submissionid } = await render();
    let firstTwo: Promise<unknown> = Promise.resolve();
    traffic = watchTraffic({
      // A 404 from a server that is not S3: neither a signature nor a connection problem, so no silent retry.
      // It comes once parts 1 and 2 are in S3, which must then not be sent again.
      put: (part, _url, attempt) => (part === 3 && attempt === 1 ? `${location.origin}/no-such-bucket/part` : null),
      hold: (part, attempt) => (part === 3 && attempt === 1 ? firstTwo.then(() => undefined) : null),
    });
    firstTwo = until(() => traffic!.partsSent().length === 2, 'parts 1 and 2 to reach S3');
    el.choose(patterned(40));
    await until(() => el.phase === 'error', 'the refusal');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.message')!.textContent).to.equal('The upload failed.');
    expect(input.value).to.equal('previous-receipt');
    const buttons = [...el.shadowRoot!.querySelectorAll('.actions button')].map((b) => b.textContent!.trim());
    expect(buttons).to.deep.equal(['Retry', 'Choose another file', 'Cancel']);
    await expect(el).to.be.accessible();
    expect(localStorage.getItem(storageKey(submissionid)), 'still resumable').not.to.equal(null);
    // The report goes out beside the message, not before it: wait for it rather than for the clock.
    const failure = await until(
      () => traffic!.calls('/api/events').map((c) => c.body as { event_type: string; error_code: string }).find((e) => e.event_type === 'upload_failure'),
      'the failure to be reported',
    );
    expect(failure.error_code).to.equal('S3:404:rejected');

    // Whatever S3 took before the stop is not sent again.
    const before = traffic.puts.length;
    const live = listen(el);
    el.shadowRoot!.querySelector<HTMLButtonElement>('button.primary')!.click();
    await until(() => el.phase === 'success', 'the resumed upload to finish');
    live.stop();
    const listed = traffic.calls('/api/multipart/parts');
    expect(listed).to.have.length(1);
    const held = (listed[0]!.response as { parts: Array<{ part_number: number }> }).parts.map((p) => p.part_number);
    expect(sorted(held)).to.deep.equal([1, 2]);
    expect(traffic.puts.slice(before).map((p) => p.part)).to.deep.equal([3]);
    expect(traffic.calls('/api/multipart/start'), 'the same upload, not a new one').to.have.length(1);
    expect([...live.said]).to.include('Resuming upload — 2 of 3 parts already sent');
    expect(input.value.split('.')).to.have.length(3);
    const view = await devToken({ scope: 'view', submissionid });
    expect((await api<VideoSummaryResponse>(view, `/api/video?submissionid=${submissionid}`)).body.video!.filesize).to.equal(40 * MIB);
  });

  it('Cancel aborts the parts in flight and the multipart upload: the edge closes it, S3 drops its parts', async () => {
    const { el, input, submissionid, token } = await render();
    let completed = false;
    el.addEventListener('s3v-upload-complete', () => (completed = true));
    traffic = watchTraffic();
    el.choose(patterned(200));
    // The click must find a part on its way, whatever the machine's speed: between parts the
    // uploader may be hashing the next one, with nothing in flight. No event can run between the
    // check and the click, so what the check saw in flight is what the click stops.
    await until(() => traffic!.partsSent().length > 0 && traffic!.puts.some((p) => p.status === undefined), 'a part in S3 and another on its way');
    el.shadowRoot!.querySelector<HTMLButtonElement>('button.danger')!.click();
    const sentBeforeCancel = traffic.partsSent().length;
    await el.updateComplete;
    expect(el.phase).to.equal('initial');
    expect(liveText(el)).to.equal('Upload cancelled.');
    await until(() => traffic!.calls('/api/multipart/abort').length > 0, 'the abort');
    const abort = traffic.calls('/api/multipart/abort')[0]!;
    expect(abort.status).to.equal(200);
    const key = (traffic.calls('/api/multipart/start')[0]!.response as MultipartStartResponse).s3_key;
    expect((abort.body as { s3_key: string }).s3_key).to.equal(key);
    // Every part that was on its way was stopped there and then: none finished after the click.
    // Wait until each PUT has ended (not for a pause "long enough"), then see how each ended.
    await until(() => traffic!.puts.every((p) => p.status !== undefined), 'every part PUT to end');
    expect(traffic.partsSent()).to.have.length(sentBeforeCancel);
    expect(traffic.puts.filter((p) => p.status === 0), 'parts stopped in flight').not.to.deep.equal([]);
    expect(completed).to.equal(false);
    expect(input.value).to.equal('previous-receipt');
    expect(localStorage.getItem(storageKey(submissionid))).to.equal(null);
    traffic.restore();

    const parts = await api<{ error: { code: string } }>(token, `/api/multipart/parts?submissionid=${submissionid}&s3_key=${encodeURIComponent(key)}`);
    expect([parts.status, parts.body.error.code]).to.deep.equal([409, 'UPLOAD_NOT_PENDING']);
    const admin = await devToken({ scope: 'admin' });
    // The key's unique folder: the admin search refuses patterns as long as a whole key.
    const folder = key.split('/')[2]!;
    const listed = await api<AdminVideosResponse>(admin, `/api/admin/videos?q=${encodeURIComponent(folder)}`);
    expect(listed.body.videos.map((v) => v.status)).to.deep.equal(['error']);
  });

  it('picking the same file after the page was left: says so, sends only the parts S3 lacks', async () => {
    const submissionid = unique();
    const sub = String(unique());
    const file = patterned(40, 'lecture.mp4');
    const earlier = { token: await devToken({ scope: 'upload', sub, submissionid }), submissionid };
    const s = await leftUnfinished(file, earlier, [1, 3]);

    const { el, input } = await render({ submissionid, sub });
    expect(textOf(el)).to.contain('The upload of lecture.mp4 stopped before it finished. Choose the same file again to go on from where it stopped.');
    await expect(el).to.be.accessible();
    traffic = watchTraffic();
    const live = listen(el);
    el.choose(file);
    await until(() => el.phase === 'success', 'the resumed upload to finish');
    live.stop();

    expect(traffic.puts.map((p) => p.part)).to.deep.equal([2]);
    expect(traffic.calls('/api/multipart/start')).to.have.length(0);
    expect([...live.said]).to.include('Resuming upload — 2 of 3 parts already sent');
    expect((traffic.calls('/api/confirm-upload')[0]!.body as { s3_key: string }).s3_key).to.equal(s.s3_key);
    // The parts sent by the earlier page were hashed from the file here, for the checksum.
    expect(await edgeConfirmedMd5(submissionid)).to.equal(confirmedMd5(traffic));
    expect(input.value.split('.')).to.have.length(3);
    expect(localStorage.getItem(storageKey(submissionid))).to.equal(null);
  });

  it('a different file for the same submission starts its own upload', async () => {
    const submissionid = unique();
    const sub = String(unique());
    const earlier = { token: await devToken({ scope: 'upload', sub, submissionid }), submissionid };
    await leftUnfinished(patterned(40, 'lecture.mp4'), earlier, [1]);
    const { el } = await render({ submissionid, sub });
    traffic = watchTraffic();
    el.choose(patterned(40, 'lecture.mp4'));
    await until(() => el.phase === 'success', 'the upload to finish');
    expect(traffic.calls('/api/multipart/parts'), 'a file with another date is not the same file').to.have.length(0);
    expect(traffic.calls('/api/multipart/start')).to.have.length(1);
    expect(sorted(traffic.puts.map((p) => p.part))).to.deep.equal([1, 2, 3]);
  });

  it('an upload the edge no longer has is forgotten and started afresh without troubling the student', async () => {
    const submissionid = unique();
    const sub = String(unique());
    const file = patterned(40);
    const earlier = { token: await devToken({ scope: 'upload', sub, submissionid }), submissionid };
    const s = await leftUnfinished(file, earlier, [1]);
    // Gone since: the cleanup run (or another tab's Cancel) aborted it.
    expect((await api(earlier.token, '/api/multipart/abort', { body: { assignmentid: 10, submissionid, s3_key: s.s3_key } })).status).to.equal(200);

    const { el, input } = await render({ submissionid, sub });
    traffic = watchTraffic();
    const live = listen(el);
    el.choose(file);
    await until(() => el.phase === 'success', 'the fresh upload to finish');
    live.stop();
    expect(traffic.calls('/api/multipart/parts').map((c) => c.status)).to.deep.equal([409]);
    expect(traffic.calls('/api/multipart/start')).to.have.length(1);
    expect(sorted(traffic.puts.map((p) => p.part))).to.deep.equal([1, 2, 3]);
    expect(live.alerts).to.deep.equal([]);
    expect([...live.said].filter((t) => t.startsWith('Resuming'))).to.deep.equal([]);
    expect((traffic.calls('/api/confirm-upload')[0]!.body as { s3_key: string }).s3_key).not.to.equal(s.s3_key);
    expect(input.value.split('.')).to.have.length(3);
  });

  it('an upload already assembled when the page went away only needs confirming', async () => {
    const submissionid = unique();
    const sub = String(unique());
    const file = patterned(40);
    const earlier = { token: await devToken({ scope: 'upload', sub, submissionid }), submissionid };
    const s = await leftUnfinished(file, earlier, [1, 2, 3]);
    expect((await api(earlier.token, '/api/multipart/complete', { body: { assignmentid: 10, submissionid, s3_key: s.s3_key } })).status).to.equal(200);

    const { el, input } = await render({ submissionid, sub });
    traffic = watchTraffic();
    el.choose(file);
    await until(() => el.phase === 'success', 'the confirmation');
    expect(traffic.puts).to.deep.equal([]);
    expect(traffic.calls('/api/multipart/start')).to.have.length(0);
    expect(traffic.calls('/api/multipart/complete').map((c) => c.status)).to.deep.equal([200]);
    expect((traffic.calls('/api/confirm-upload')[0]!.body as { s3_key: string }).s3_key).to.equal(s.s3_key);
    expect(await edgeConfirmedMd5(submissionid)).to.equal(confirmedMd5(traffic));
    expect(input.value.split('.')).to.have.length(3);
  });

  it('a part S3 holds from before that is not this file’s bytes is sent again when resuming', async () => {
    const submissionid = unique();
    const sub = String(unique());
    const file = patterned(40, 'lecture.mp4');
    const earlier = { token: await devToken({ scope: 'upload', sub, submissionid }), submissionid };
    // The earlier page sent part 1 from a version of the file that has since been edited in place.
    const edited = new Blob([patterned(16), file.slice(16 * MIB)]);
    await leftUnfinished(file, earlier, [1], edited);

    const { el } = await render({ submissionid, sub });
    traffic = watchTraffic();
    el.choose(file);
    await until(() => el.phase === 'success', 'the resumed upload to finish');
    expect(sorted(traffic.puts.map((p) => p.part)), 'parts 2 and 3, then part 1 once found stale').to.deep.equal([1, 2, 3]);
    await traffic.settled();
    const changed = traffic.calls('/api/events').map((c) => c.body as { error_code: string; error_context: { part: number } }).filter((e) => e.error_code === 'PART_CHANGED');
    expect(changed.map((e) => e.error_context.part)).to.deep.equal([1]);
    expect(await edgeConfirmedMd5(submissionid)).to.equal(confirmedMd5(traffic));
  });
});
