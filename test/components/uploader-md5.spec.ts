import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { md5 as md5Hex } from 'hash-wasm';
import '../../components/uploader/define';
import type { UploadCompleteEvent } from '../../components/events';
import type { S3vUploader } from '../../components/uploader/uploader';
import { md5Of, multipartChecksum, toHex } from '../../components/uploader/md5';
import { md5WorkerRunning, WORKER_IDLE_MS } from '../../components/uploader/md5-off-thread';
import { base64ToHex, devToken, env, MP4_HEAD, unique, until } from './support/stack';
import { watchTraffic, type Traffic } from './support/traffic';
import { spyOnWorkers, type WorkerSpy } from './support/worker-spy';

/**
 * Each part's MD5 is hashed in a dedicated worker, off the page's main
 * thread: the digests are S3's (the Content-MD5 tests in
 * uploader-multipart.spec.ts prove it against S3; here against hash-wasm's
 * one-shot MD5), the worker ends with the upload or its Cancel, and a page
 * that cannot make a worker hashes on its main thread. The page that refuses
 * workers by Content-Security-Policy is uploader-md5-csp.spec.ts.
 */

const MIB = 1024 * 1024;

/** Bytes that differ everywhere, opened like an MP4 so the uploader lets them through. */
function patterned(mb: number, name = 'x.mp4'): File {
  const words = new Uint32Array((mb * MIB) / 4);
  const seed = unique();
  for (let i = 0; i < words.length; i++) words[i] = (i * 2654435761 + seed) >>> 0;
  new Uint8Array(words.buffer).set(MP4_HEAD);
  return new File([words], name, { type: 'video/mp4', lastModified: Date.now() - 60_000 });
}

const expected = async (blob: Blob) => md5Hex(new Uint8Array(await blob.arrayBuffer()));
const hashJobs = (spy: WorkerSpy) => spy.posted.filter((m): m is { hash: number; blob: Blob } => typeof m === 'object' && m !== null && 'hash' in m);

async function renderUploader(): Promise<S3vUploader> {
  const submissionid = unique();
  const token = await devToken({ scope: 'upload', sub: String(unique()), submissionid });
  const form = await fixture<HTMLFormElement>(html`
    <form>
      <s3v-uploader edge-url=${env().edgeUrl} token=${token} assignmentid="10" submissionid=${submissionid}
        receipt-input="s3video_receipt" multipart-threshold=${MIB}></s3v-uploader>
      <input type="hidden" name="s3video_receipt" value="" />
    </form>
  `);
  const el = form.querySelector('s3v-uploader')!;
  await el.updateComplete;
  return el;
}

describe('MD5 in a worker', () => {
  let spy: WorkerSpy | null = null;
  let traffic: Traffic | null = null;
  // Each test watches the workers it makes: the one an earlier test left idle must have ended.
  beforeEach(() => until(() => !md5WorkerRunning(), 'the previous test’s worker to end', WORKER_IDLE_MS + 15000));
  afterEach(() => {
    spy?.restore();
    spy = null;
    traffic?.restore();
    traffic = null;
    (globalThis as { gc?: () => void }).gc?.();
  });

  it('hashes in one worker, posting only the blob: the same digests as a one-shot MD5, empty and across slices', async () => {
    spy = spyOnWorkers();
    const blobs = [new Blob([]), new Blob(['abc']), patterned(9).slice(3, 9 * MIB - 5)];
    const digests = await Promise.all(blobs.map((b) => md5Of(b)));
    expect(digests.map(toHex)).to.deep.equal(await Promise.all(blobs.map(expected)));
    expect(toHex(digests[0]!)).to.equal('d41d8cd98f00b204e9800998ecf8427e');
    expect(spy.made).to.have.length(1);
    expect(hashJobs(spy).map((m) => m.blob)).to.deep.equal(blobs);
    // S3's multipart ETag form, hashed there too.
    const parts = digests.slice(1);
    const joined = new Uint8Array(32);
    joined.set(parts[0]!, 0);
    joined.set(parts[1]!, 16);
    expect(await multipartChecksum(parts)).to.equal(`${await expected(new Blob([joined]))}-2`);
    expect(hashJobs(spy)).to.have.length(4);
  });

  it('the worker ends once it has been idle, and at once when the only job left is aborted', async () => {
    spy = spyOnWorkers();
    const started = performance.now();
    await md5Of(new Blob(['x']));
    const worker = spy.made[0]!;
    await until(() => spy!.terminated.has(worker), 'the idle worker to end', WORKER_IDLE_MS + 15000);
    expect(performance.now() - started).to.be.at.least(WORKER_IDLE_MS - 50);
    expect(md5WorkerRunning()).to.equal(false);

    const big = patterned(64);
    const run = new AbortController();
    const hashing = md5Of(big, run.signal);
    expect(spy.live()).to.have.length(1);
    run.abort();
    // Synchronously: nothing is left hashing for a caller that has gone.
    expect(spy.live()).to.deep.equal([]);
    expect(md5WorkerRunning()).to.equal(false);
    const err = await hashing.then(() => null, (e: unknown) => e);
    expect((err as DOMException).name).to.equal('AbortError');

    // A signal aborted already: refused before any worker is made.
    const made = spy.made.length;
    const late = await md5Of(big, AbortSignal.abort()).then(() => null, (e: unknown) => e);
    expect((late as DOMException).name).to.equal('AbortError');
    expect(spy.made).to.have.length(made);
  });

  it('an aborted job does not stop another caller’s job on the same worker', async () => {
    spy = spyOnWorkers();
    const a = patterned(24);
    const b = patterned(8);
    const run = new AbortController();
    const first = md5Of(a, run.signal);
    const second = md5Of(b);
    run.abort();
    expect(spy.live()).to.have.length(1);
    expect(await first.then(() => null, (e: unknown) => (e as DOMException).name)).to.equal('AbortError');
    expect(toHex(await second)).to.equal(await expected(b));
    expect(spy.made).to.have.length(1);
  });

  it('a multipart upload hashes every part in the worker and leaves none behind; nor does Cancel', async () => {
    spy = spyOnWorkers();
    traffic = watchTraffic();
    const el = await renderUploader();
    const completed = oneEvent(document, 's3v-upload-complete') as Promise<UploadCompleteEvent>;
    el.choose(patterned(40));
    await completed;
    // Three parts and the checksum confirm compares with S3's ETag.
    expect(hashJobs(spy)).to.have.length(4);
    for (const put of traffic.puts) expect(put.etag?.replaceAll('"', ''), `part ${put.part}`).to.equal(base64ToHex(put.contentMd5!));
    expect(spy.made.length).to.be.at.least(1);
    await until(() => spy!.live().length === 0, 'no worker left after the upload', WORKER_IDLE_MS + 15000);
    expect(md5WorkerRunning()).to.equal(false);

    const second = await renderUploader();
    const before = spy.made.length;
    second.choose(patterned(200));
    await until(() => spy!.made.length > before && hashJobs(spy!).length > 4, 'the second upload hashing');
    second.shadowRoot!.querySelector<HTMLButtonElement>('button.danger')!.click();
    await second.updateComplete;
    expect(second.phase).to.equal('initial');
    await until(() => spy!.live().length === 0, 'no worker left after Cancel', WORKER_IDLE_MS + 15000);
    expect(md5WorkerRunning()).to.equal(false);
  });

  // Last: once a page has found it cannot make a worker, it does not try again.
  it('where a Worker cannot be made, hashes on the main thread with the same digests, and does not try again', async () => {
    let attempts = 0;
    spy = spyOnWorkers(() => {
      attempts += 1;
      throw new DOMException('Worker creation refused', 'SecurityError');
    });
    const blob = patterned(9);
    expect(toHex(await md5Of(blob))).to.equal(await expected(blob));
    expect(toHex(await md5Of(new Blob([])))).to.equal('d41d8cd98f00b204e9800998ecf8427e');
    expect(attempts).to.equal(1);
    expect(spy.made).to.deep.equal([]);
    expect(md5WorkerRunning()).to.equal(false);
    const err = await md5Of(blob, AbortSignal.abort()).then(() => null, (e: unknown) => e);
    expect((err as DOMException).name).to.equal('AbortError');
  });
});
