import { expect, fixture, html } from '@open-wc/testing';
import { MAX_UPLOAD_BYTES } from '../../edge/src/contract';
import '../../components/uploader/define';
import type { S3vUploader } from '../../components/uploader/uploader';
import { mkvClip, textOf, until } from './support/stack';
import { watchTraffic } from './support/traffic';

/** A file that claims any size without holding it: the checks read `size`, never the bytes. */
function fileOfSize(name: string, type: string, size: number): File {
  const file = new File(['x'], name, { type });
  Object.defineProperty(file, 'size', { value: size });
  return file;
}

async function render(extra = '', accept = ''): Promise<{ form: HTMLFormElement; el: S3vUploader; input: HTMLInputElement }> {
  const form = await fixture<HTMLFormElement>(html`
    <form>
      <s3v-uploader edge-url="http://127.0.0.1:9" token="t" assignmentid="10" submissionid="100" receipt-input="s3video_receipt"
        current-filename=${extra === 'current' ? 'Holiday <b>cut</b>.mp4' : ''} current-filesize="1572864" current-uploaded="2026-03-01T10:00:00Z"
        accept=${accept}></s3v-uploader>
      <input type="hidden" name="s3video_receipt" value="previous-receipt" />
    </form>
  `);
  const el = form.querySelector('s3v-uploader')!;
  await el.updateComplete;
  return { form, el, input: form.querySelector('input[name=s3video_receipt]')! };
}

function drop(el: S3vUploader, file: File): void {
  const data = new DataTransfer();
  data.items.add(file);
  el.shadowRoot!.querySelector('.zone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true, composed: true }));
}

describe('<s3v-uploader> before anything is sent', () => {
  it('offers a keyboard-reachable picker, the accepted types and the limit, and is accessible', async () => {
    const { el } = await render('current');
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('button.primary')!;
    expect(button.tagName).to.equal('BUTTON');
    button.focus();
    expect(el.shadowRoot!.activeElement).to.equal(button);
    expect(textOf(el)).to.contain('MP4, MOV, AVI, MKV, WebM, up to 5.0 GB');
    expect(el.phase).to.equal('initial');
    await expect(el).to.be.accessible();
  });

  it('shows the submission’s current video from its attributes, as text, with Replace', async () => {
    const { el } = await render('current');
    const current = el.shadowRoot!.querySelector('.current')!;
    expect(current.querySelector('.name')!.textContent).to.equal('Holiday <b>cut</b>.mp4');
    expect(current.querySelector('b')).to.equal(null);
    expect(textOf(el)).to.contain('1.5 MB, uploaded');
    expect(el.shadowRoot!.querySelector('button.primary')!.textContent!.trim()).to.equal('Replace');
  });

  it('refuses a file over 5 GB with the limit and a hint to compress, and sends nothing', async () => {
    const { el, input } = await render();
    drop(el, fileOfSize('lecture.mp4', 'video/mp4', MAX_UPLOAD_BYTES + 1));
    await el.updateComplete;
    expect(el.phase).to.equal('error');
    const alert = el.shadowRoot!.querySelector('[role=alert]')!;
    expect(alert.querySelector('.message')!.textContent).to.equal('File size exceeds 5.0\u00a0GB limit');
    expect(alert.querySelector('.hint')!.textContent).to.contain('Compress the video');
    // No Retry: the same file would fail the same way.
    expect(el.shadowRoot!.textContent).not.to.contain('Retry');
    expect(input.value).to.equal('previous-receipt');
    await expect(el).to.be.accessible();
  });

  it('names the assignment’s own limit when it is lower than 5 GB', async () => {
    const { el } = await render();
    el.maxbytes = 100 * 1024 * 1024;
    await el.updateComplete;
    expect(textOf(el)).to.contain('up to 100.0 MB');
    drop(el, fileOfSize('lecture.mov', 'video/quicktime', 100 * 1024 * 1024 + 1));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.message')!.textContent).to.equal('File size exceeds 100.0\u00a0MB limit');
  });

  it('refuses what is not a video with the list of accepted types', async () => {
    const { el, input } = await render();
    drop(el, new File(['%PDF'], 'essay.pdf', { type: 'application/pdf' }));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.message')!.textContent).to.equal('Only video files are allowed: MP4, MOV, AVI, MKV, WebM');
    expect(input.value).to.equal('previous-receipt');
  });

  it('offers, names and accepts only the types the site allows (accept)', async () => {
    const { el } = await render('', ' .MP4,.mov, .exe');
    expect(textOf(el)).to.contain('MP4, MOV, up to 5.0 GB');
    expect(el.shadowRoot!.querySelector('input[type=file]')!.getAttribute('accept')).to.equal('.mp4,video/mp4,.mov,video/quicktime');
    drop(el, fileOfSize('talk.mkv', 'video/x-matroska', 2));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.message')!.textContent).to.equal('Only video files are allowed: MP4, MOV');
    await expect(el).to.be.accessible();

    el.maxbytes = 1; // Stops the MOV at the size check: it got past the type check.
    await el.updateComplete;
    drop(el, fileOfSize('talk.mov', 'video/quicktime', 2));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.message')!.textContent).to.equal('File size exceeds 1\u00a0bytes limit');
  });

  it('refuses a renamed file whose type contradicts its extension, but accepts an MKV the system gave no type', async () => {
    const { el } = await render();
    drop(el, new File(['MZ'], 'virus.mp4', { type: 'application/x-msdownload' }));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.message')!.textContent).to.contain('Only video files are allowed');

    el.maxbytes = 1; // Stops the untyped MKV at the size check: it got past the type check.
    await el.updateComplete;
    drop(el, fileOfSize('talk.mkv', '', 2));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.message')!.textContent).to.equal('File size exceeds 1\u00a0bytes limit');
  });

  it('refuses a 20-byte text file named notavideo.mp4 by its bytes, and sends nothing', async () => {
    const { el, input } = await render();
    const traffic = watchTraffic();
    try {
      drop(el, new File(['this is not a video\n'], 'notavideo.mp4', { type: 'video/mp4' }));
      await until(() => el.phase === 'error', 'the refusal');
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('.message')!.textContent).to.equal(
        'This file is not a video: its content is none of MP4, MOV, AVI, MKV, WebM, whatever its name says.',
      );
      expect(el.shadowRoot!.querySelector('.hint')!.textContent).to.contain('Choose the video file itself');
      expect(el.shadowRoot!.querySelector('button.primary'), 'nothing to retry').to.equal(null);
      expect(traffic.edge, 'not one request').to.deep.equal([]);
      expect(input.value).to.equal('previous-receipt');
      await expect(el).to.be.accessible();
    } finally {
      traffic.restore();
    }
  });

  it('refuses an untyped file whose bytes are another container than its name says', async () => {
    const { el } = await render();
    const traffic = watchTraffic();
    try {
      drop(el, await mkvClip('holiday.mp4', ''));
      await until(() => el.phase === 'error', 'the refusal');
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('.message')!.textContent).to.equal(
        'The content of this file is MKV video, but its name ends in .mp4. Rename it to match its content, then choose it again.',
      );
      expect(traffic.edge).to.deep.equal([]);
    } finally {
      traffic.restore();
    }
  });

  it('offers the picker every type a browser may report, video/matroska (Chromium 145+) included', async () => {
    const { el } = await render();
    const accept = el.shadowRoot!.querySelector('input[type=file]')!.getAttribute('accept')!.split(',');
    expect(accept).to.include.members(['.mkv', 'video/matroska', 'video/x-matroska', '.avi', 'video/vnd.avi', '.mp4', 'video/mp4']);
  });

  it('shows the texts of the `strings` property, English for any key it lacks', async () => {
    const { el } = await render();
    el.strings = { upload_choose: 'Video auswählen', upload_error_type: 'Nur Videos: {$a}' };
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('button.primary')!.textContent!.trim()).to.equal('Video auswählen');
    expect(textOf(el)).to.contain('Drag and drop a video here, or');
    drop(el, new File(['x'], 'notes.txt', { type: 'text/plain' }));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.message')!.textContent).to.equal('Nur Videos: MP4, MOV, AVI, MKV, WebM');
  });

  it('moves focus to the next action when the focused button goes away', async () => {
    const { el } = await render();
    el.shadowRoot!.querySelector<HTMLButtonElement>('button.primary')!.focus();
    drop(el, new File(['x'], 'notes.txt', { type: 'text/plain' }));
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement?.textContent?.trim()).to.equal('Choose another file');
  });
});
