import { expect, fixture, html } from '@open-wc/testing';
import '../../components/uploader/define';
import type { S3vUploader } from '../../components/uploader/uploader';
import { devToken, env, MP4_HEAD, textOf, unique, until } from './support/stack';
import { watchTraffic, type Traffic } from './support/traffic';

/**
 * A file that changes on disk, or goes, after it was picked: Chromium then fails every read of it
 * (NotReadableError when it changed, NotFoundError when it went) and a part PUT of it as a failed
 * connection (review: rv/change2.mjs, "The upload failed." and a Retry that could never work).
 * A changed file is a File whose slices reject as Chromium's do; a file gone is a real one in the
 * origin-private file system, removed mid-upload, so that failure is the browser's own.
 */

const MIB = 1024 * 1024;

/** A File whose every read fails as Chromium's do once the file changed on disk after it was picked. */
class ChangedOnDisk extends File {
  override slice(): Blob {
    return new (class extends Blob {
      override arrayBuffer(): Promise<ArrayBuffer> {
        return Promise.reject(new DOMException('The requested file could not be read, typically due to permission problems that have occurred after a reference to a file was acquired.', 'NotReadableError'));
      }
    })();
  }
}

/** A picked file (the disk's own snapshot, as an `<input type=file>` gives it), and a way to delete it from disk. */
async function fileOnDisk(name: string, bytes: number): Promise<{ file: File; remove: () => Promise<void> }> {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(String(unique()), { create: true });
  const handle = await dir.getFileHandle(name, { create: true });
  const w = await handle.createWritable();
  const body = new Uint8Array(bytes);
  body.set(MP4_HEAD);
  await w.write(body);
  await w.close();
  return { file: await handle.getFile(), remove: () => dir.removeEntry(name) };
}

async function render(threshold: number): Promise<S3vUploader> {
  const submissionid = unique();
  const token = await devToken({ scope: 'upload', sub: String(unique()), submissionid });
  const el = await fixture<S3vUploader>(html`
    <s3v-uploader edge-url=${env().edgeUrl} token=${token} assignmentid="10" submissionid=${submissionid}
      multipart-threshold=${threshold}></s3v-uploader>
  `);
  await el.updateComplete;
  return el;
}

function expectChooseAgain(el: S3vUploader): void {
  expect(textOf(el)).to.contain('Your browser can no longer read the file: it changed, moved or was deleted after you chose it.');
  expect(textOf(el)).to.contain('Choose it again once it is complete and no program is still writing to it.');
  expect(textOf(el)).not.to.contain('The upload failed.');
  const buttons = [...el.shadowRoot!.querySelectorAll('.actions button')].map((b) => b.textContent!.trim());
  expect(buttons).not.to.include('Retry');
  expect(buttons).to.include('Choose another file');
}

describe('<s3v-uploader>: a file that cannot be read any more', () => {
  let traffic: Traffic | null = null;
  afterEach(() => {
    traffic?.restore();
    traffic = null;
  });

  it('changed on disk: says so, and offers choosing it again rather than Retry', async () => {
    const el = await render(1024 ** 4);
    el.choose(new ChangedOnDisk([MP4_HEAD, new Uint8Array(4096)], 'changed.mp4', { type: 'video/mp4' }));
    await until(() => el.phase === 'error', 'the error');
    await el.updateComplete;
    expectChooseAgain(el);
    await expect(el).to.be.accessible();
  });

  it('deleted while its parts are sent: the same, and the multipart upload is aborted on the edge', async () => {
    const { file, remove } = await fileOnDisk('long.mp4', 40 * MIB);
    let removed: Promise<void> | null = null;
    // Every part's first PUT waits until the file is gone: the parts hashed before fail on the way.
    traffic = watchTraffic({ hold: (_part, attempt) => (attempt === 1 ? (removed ??= remove()) : null) });
    const el = await render(MIB);
    el.choose(file);
    await until(() => el.phase === 'error', 'the error', 60000);
    await el.updateComplete;
    expectChooseAgain(el);
    const aborts = await until(async () => (await traffic!.settled()).filter((c) => c.path === '/api/multipart/abort'), 'the abort', 30000)
      .then((calls) => calls.length > 0 ? calls : null);
    expect(aborts![0]!.status).to.equal(200);
    // Nothing left to cancel: the session is over.
    const buttons = [...el.shadowRoot!.querySelectorAll('.actions button')].map((b) => b.textContent!.trim());
    expect(buttons).not.to.include('Cancel');
  });
});
