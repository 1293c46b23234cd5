import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { AdminStatsResponse, UploadUrlResponse, VideoSummaryResponse } from '../../edge/src/contract';
import '../../components/uploader/define';
import type { UploadCompleteEvent } from '../../components/events';
import type { S3vUploader } from '../../components/uploader/uploader';
import { api, clip, devToken, env, mkvClip, MP4_HEAD, edgeConfirmedMd5, textOf, unique, until, untilExpired, uploadThroughApi } from './support/stack';
import { watchTraffic, type Traffic } from './support/traffic';

/**
 * Uploads through the real edge into the real local S3: presign, the
 * multipart POST, confirm, receipt.
 */

interface Rendered {
  el: S3vUploader;
  input: HTMLInputElement;
  submissionid: number;
  sub: string;
}

/** Keeps this file's large test files on the presigned POST (from 64 MiB they would go multipart). */
const POST_ONLY = 1024 ** 4;

async function render(o: { lifetime?: number; current?: boolean } = {}): Promise<Rendered> {
  const submissionid = unique();
  const sub = String(unique());
  const token = await devToken({ scope: 'upload', sub, submissionid, lifetime: o.lifetime });
  const form = await fixture<HTMLFormElement>(html`
    <form>
      <s3v-uploader edge-url=${env().edgeUrl} token=${token} assignmentid="10" submissionid=${submissionid}
        receipt-input="s3video_receipt" current-filename=${o.current === false ? '' : 'old.mp4'}
        multipart-threshold=${POST_ONLY}></s3v-uploader>
      <input type="hidden" name="s3video_receipt" value="previous-receipt" />
    </form>
  `);
  const el = form.querySelector('s3v-uploader')!;
  await el.updateComplete;
  return { el, input: form.querySelector('input')!, submissionid, sub };
}

/** Random bytes behind an MP4's first box: big enough that the transfer takes a visible moment on loopback. */
function bigFile(mb: number): File {
  const chunk = new Uint8Array(1024 * 1024);
  crypto.getRandomValues(chunk.subarray(0, 65536));
  return new File([MP4_HEAD, ...Array.from({ length: mb }, () => chunk)], 'big.mp4', { type: 'video/mp4' });
}

const liveText = (el: S3vUploader) => el.shadowRoot!.querySelector('[role=status]')!.textContent!.trim();

describe('<s3v-uploader> against the edge and S3', () => {
  let traffic: Traffic | null = null;
  afterEach(() => {
    traffic?.restore();
    traffic = null;
  });

  it('uploads a real MP4, reads its duration, fills the hidden input and tells the page', async () => {
    const { el, input, submissionid } = await render();
    const completed = oneEvent(document, 's3v-upload-complete') as Promise<UploadCompleteEvent>;
    traffic = watchTraffic();
    el.choose(await clip('My film (final).mp4'));
    const event = await completed;
    expect(event.composed).to.equal(true);
    expect(event.detail.filename).to.equal('My film (final).mp4');
    expect(event.detail.duration).to.be.within(5.9, 6.1);
    expect(event.detail.receipt.split('.')).to.have.length(3);
    expect(input.value).to.equal(event.detail.receipt);

    await el.updateComplete;
    expect(el.phase).to.equal('success');
    expect(liveText(el)).to.equal('Upload complete!');
    expect(textOf(el)).to.contain('My film (final).mp4');
    expect(el.shadowRoot!.querySelector('.poster')?.getAttribute('src')).to.match(/^data:image\/jpeg/);
    await expect(el).to.be.accessible();

    const token = await devToken({ scope: 'view', submissionid });
    const video = (await api<VideoSummaryResponse>(token, `/api/video?submissionid=${submissionid}`)).body.video!;
    expect(video.videoid).to.equal(event.detail.videoid);
    expect(video.duration).to.be.within(5.9, 6.1);
    // The MD5 the browser computed while sending is the one S3 computed from what it stored.
    const { md5 } = traffic.calls('/api/confirm-upload')[0]!.body as { md5: string };
    expect(md5).to.match(/^[0-9a-f]{32}$/);
    expect(await edgeConfirmedMd5(submissionid)).to.equal(md5);
  });

  it('a confirm refused because storage holds other bytes says so, and Retry sends the file again', async () => {
    const { el, input } = await render();
    traffic = watchTraffic({
      edge: (path, _body, attempt) =>
        path === '/api/confirm-upload' && attempt === 1
          ? new Response(JSON.stringify({ error: { code: 'CHECKSUM_MISMATCH', message: 'The stored object is not the file that was sent.' } }), {
              status: 409,
              headers: { 'Content-Type': 'application/json' },
            })
          : null,
    });
    el.choose(await clip());
    await until(() => el.phase === 'error', 'the refusal');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.message')!.textContent).to.equal('The video that reached storage is not exactly the file you chose: it changed on the way.');
    expect(el.shadowRoot!.querySelector('.hint')!.textContent).to.equal('Retry to send it again. If it happens again, close any program that has the file open, or try another network.');
    expect(input.value).to.equal('previous-receipt');
    await expect(el).to.be.accessible();

    el.shadowRoot!.querySelector<HTMLButtonElement>('button.primary')!.click();
    await until(() => el.phase === 'success', 'the upload sent again');
    expect(traffic.calls('/api/upload-url'), 'a new upload, not the same object confirmed again').to.have.length(2);
    const [first, second] = traffic.calls('/api/confirm-upload').map((c) => c.body as { s3_key: string; md5: string });
    expect(second!.s3_key).not.to.equal(first!.s3_key);
    expect(second!.md5).to.equal(first!.md5);
    await traffic.settled();
    const failure = traffic.calls('/api/events').map((c) => c.body as { event_type: string; error_code: string }).find((e) => e.event_type === 'upload_failure');
    expect(failure?.error_code).to.equal('CHECKSUM_MISMATCH');
  });

  it('shows progress as an ARIA progressbar with bytes, then finalizes', async () => {
    const { el } = await render();
    const seen = new Set<string>();
    const watcher = new MutationObserver(() => {
      const bar = el.shadowRoot!.querySelector('[role=progressbar]');
      if (bar) seen.add(bar.getAttribute('aria-valuenow')!);
      const live = liveText(el);
      if (live) seen.add(live);
    });
    watcher.observe(el.shadowRoot!, { subtree: true, childList: true, attributes: true, characterData: true });
    el.choose(bigFile(64));
    await until(() => el.phase === 'success', 'the upload to finish');
    watcher.disconnect();
    expect([...seen]).to.include.members(['Checking your file…', 'Uploading big.mp4', 'Finalizing upload…', 'Upload complete!']);
    const percents = [...seen].filter((v) => /^\d+$/.test(v)).map(Number);
    expect(percents.some((p) => p > 0 && p < 100), `percents seen: ${percents}`).to.equal(true);
  });

  it('Cancel stops the transfer and leaves the form’s previous receipt alone', async () => {
    const { el, input, submissionid } = await render();
    let completed = false;
    el.addEventListener('s3v-upload-complete', () => (completed = true));
    traffic = watchTraffic();
    el.choose(bigFile(200));
    // The click must find the POST on its way: no event runs between this check and the click.
    await until(
      () => Number(el.shadowRoot!.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow')) > 0 && traffic!.posts.some((p) => p.status === undefined),
      'bytes to flow',
    );
    el.shadowRoot!.querySelector<HTMLButtonElement>('button.danger')!.click();
    await el.updateComplete;
    expect(el.phase).to.equal('initial');
    expect(liveText(el)).to.equal('Upload cancelled.');
    // Not a pause "long enough" for a confirm to slip through: wait until every request has ended.
    await until(() => traffic!.posts.every((p) => p.status !== undefined), 'the POST to end');
    await traffic.settled();
    expect(traffic.posts.map((p) => p.status), 'the POST was stopped on its way').to.deep.equal([0]);
    expect(traffic.calls('/api/confirm-upload')).to.deep.equal([]);
    expect(completed).to.equal(false);
    expect(input.value).to.equal('previous-receipt');
    // Nothing was confirmed for this submission.
    const token = await devToken({ scope: 'view', submissionid });
    expect((await api(token, `/api/video?submissionid=${submissionid}`)).body).to.deep.equal({ video: null });
  });

  it('asks the page for a new token when its own expired, then carries on', async () => {
    const { el, input, sub, submissionid } = await render({ lifetime: 1 });
    await untilExpired(el.token);
    const asked = oneEvent(el, 's3v-token-expired');
    el.choose(await clip());
    const event = await asked;
    expect(event.detail.kind).to.equal('uploader');
    el.token = await devToken({ scope: 'upload', sub, submissionid });
    await until(() => el.phase === 'success', 'the upload to finish after renewal');
    expect(input.value.split('.')).to.have.length(3);
  });

  it('says when to try again after the hourly upload limit, and logs the failure', async () => {
    const { el, sub, submissionid } = await render();
    const token = await devToken({ scope: 'upload', sub, submissionid });
    // The runner's edge allows 4 upload sessions an hour per user: use them up.
    for (let i = 0; i < 4; i++) {
      const res = await api<UploadUrlResponse>(token, '/api/upload-url', {
        body: { assignmentid: 10, submissionid, filename: 'x.mp4', filesize: 10, mimetype: 'video/mp4' },
      });
      expect(res.status).to.equal(201);
    }
    el.choose(await clip());
    await until(() => el.phase === 'error', 'the refusal');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.message')!.textContent).to.equal('Too many uploads were started in the last hour.');
    expect(el.shadowRoot!.querySelector('.hint')!.textContent).to.match(/^Try again in (1 hour|\d+ minutes)\.$/);
    expect(el.shadowRoot!.querySelector('button.primary')!.textContent!.trim()).to.equal('Retry');

    const admin = await devToken({ scope: 'admin' });
    const failure = await until(async () => {
      const stats = await api<AdminStatsResponse>(admin, '/api/admin/stats?days=7');
      return stats.body.recent_failures.find((f) => f.userid === sub);
    }, 'the failure to be logged');
    expect(failure.event_type).to.equal('upload_failure');
    expect(failure.error_code).to.equal('RATE_LIMITED');
  });

  it('without current-* attributes, asks the edge which video the submission has handed in', async () => {
    const submissionid = unique();
    const { receipt } = await uploadThroughApi(await clip('earlier.mp4'), { submissionid });
    // Saved in Moodle: the edge's claim. (An upload never saved is not "current": see below.)
    expect((await api(await devToken({ scope: 'claim', submissionid }), '/api/claim', { body: { receipt } })).status).to.equal(200);
    const token = await devToken({ scope: 'upload', submissionid });
    const el = await fixture<S3vUploader>(html`<s3v-uploader edge-url=${env().edgeUrl} token=${token} assignmentid="10" submissionid=${submissionid}></s3v-uploader>`);
    await until(() => el.shadowRoot!.querySelector('.current'), 'the current video');
    expect(el.shadowRoot!.querySelector('.current .name')!.textContent).to.equal('earlier.mp4');
  });
});

describe('<s3v-uploader>: the types browsers report, and the edge\'s POST ceiling', () => {
  async function stored(submissionid: number): Promise<string> {
    const view = await devToken({ scope: 'view', submissionid });
    return (await api<VideoSummaryResponse>(view, `/api/video?submissionid=${submissionid}`)).body.video!.mimetype;
  }

  it('uploads a real MKV that Chromium 145+ reports as video/matroska', async () => {
    const { el, submissionid } = await render({ current: false });
    el.choose(await mkvClip('talk.mkv', 'video/matroska'));
    // H.264 in Matroska plays in Chromium and Firefox, not Safari: the student is told, then sends it anyway.
    const anyway = await until(
      () => [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.trim() === 'Upload anyway'),
      'the playability warning',
    );
    anyway.click();
    await until(() => el.phase === 'success' || el.phase === 'error', 'the upload to end');
    expect(el.phase, textOf(el)).to.equal('success');
    expect(await stored(submissionid)).to.equal('video/matroska');
  });

  it('uploads a real MP4 its system typed application/octet-stream, as video/mp4', async () => {
    const { el, submissionid } = await render({ current: false });
    const traffic = watchTraffic();
    try {
      el.choose(await clip('lecture.mp4', 'application/octet-stream'));
      await until(() => el.phase === 'success' || el.phase === 'error', 'the upload to end');
      expect(el.phase, textOf(el)).to.equal('success');
      expect((traffic.calls('/api/upload-url')[0]!.body as { mimetype: string }).mimetype, 'canonical before presigning').to.equal('video/mp4');
      expect(await stored(submissionid)).to.equal('video/mp4');
    } finally {
      traffic.restore();
    }
  });

  it('answers 413 USE_MULTIPART by sending the same file in parts', async () => {
    const { el, submissionid } = await render({ current: false });
    // The real edge says this above MAX_POST_BYTES (1 GiB); here it says it for this small file.
    const traffic = watchTraffic({
      edge: (path) =>
        path === '/api/upload-url'
          ? new Response(JSON.stringify({ error: { code: 'USE_MULTIPART', message: 'Send it in parts.', field: 'filesize' } }), {
              status: 413,
              headers: { 'Content-Type': 'application/json' },
            })
          : null,
    });
    try {
      el.choose(await clip());
      await until(() => el.phase === 'success' || el.phase === 'error', 'the upload to end');
      expect(el.phase, textOf(el)).to.equal('success');
      expect(traffic.calls('/api/upload-url').map((c) => c.status)).to.deep.equal([413]);
      expect(traffic.calls('/api/multipart/start').map((c) => c.status)).to.deep.equal([201]);
      expect(await stored(submissionid)).to.equal('video/mp4');
    } finally {
      traffic.restore();
    }
  });
});

describe('<s3v-uploader>: "current" is only a video handed in (review: a confirmed, unsaved upload shown as current)', () => {
  async function pageFor(submissionid: number): Promise<S3vUploader> {
    const token = await devToken({ scope: 'upload', sub: String(unique()), submissionid });
    const el = await fixture<S3vUploader>(html`
      <s3v-uploader edge-url=${env().edgeUrl} token=${token} assignmentid="10" submissionid=${submissionid}></s3v-uploader>
    `);
    // The edge's answer arrives after the first render.
    await until(() => el.shadowRoot!.querySelector('.current, .unsaved'), 'the edge\'s video shown');
    return el;
  }

  it('an upload finished on this page is "not saved yet" beside the saved video, until the form is saved', async () => {
    const { el } = await render();
    el.choose(await clip('new take.mp4'));
    await until(() => el.phase === 'success', 'the upload');
    // Another file, cancelled: the initial view again, with both videos.
    el.choose(bigFile(200));
    await until(() => Number(el.shadowRoot!.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow')) > 0, 'bytes to flow');
    el.shadowRoot!.querySelector<HTMLButtonElement>('button.danger')!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.current .name')!.textContent).to.equal('old.mp4');
    expect(el.shadowRoot!.querySelector('.unsaved .name')!.textContent).to.equal('new take.mp4');
    expect(el.shadowRoot!.querySelector('.unsaved .hint')!.textContent).to.equal('Save changes to hand in this video. Until then it is not your submission.');
  });

  it('an upload confirmed but never saved is "not saved yet", with what to do, and not "Current video"', async () => {
    const submissionid = unique();
    await uploadThroughApi(new File([MP4_HEAD, new Uint8Array(4096)], 'big2.mp4', { type: 'video/mp4' }), { submissionid });
    const el = await pageFor(submissionid);
    expect(el.shadowRoot!.querySelector('.current')).to.equal(null);
    const unsaved = el.shadowRoot!.querySelector('.unsaved')!;
    expect(unsaved.querySelector('.name')!.textContent).to.equal('big2.mp4');
    expect(textOf(el)).to.contain('Uploaded, not saved yet');
    expect(textOf(el)).to.contain('so it is not handed in. Choose the file again, then save changes.');
    expect(textOf(el)).not.to.contain('Current video');
    expect(textOf(el)).to.contain('Choose a video');
    await expect(el).to.be.accessible();
  });
});
