import { expect, fixture, html } from '@open-wc/testing';
import '../../components/admin/define';
import type { S3vAdminTable } from '../../components/admin/admin-table';
import type { AdminVideo } from '../../edge/src/contract';
import { api, devToken, env, MP4_HEAD, unique, until, uploadThroughApi } from './support/stack';
import { watchTraffic } from './support/traffic';

const XSS = '<img src=x onerror=alert(1)>';

function tinyVideo(name: string): File {
  return new File([MP4_HEAD, crypto.getRandomValues(new Uint8Array(1024))], name, { type: 'video/mp4' });
}

/** Uploads `count` videos to an assignment named uniquely, so a search finds exactly these. */
async function seed(count: number, names: { fullname?: string; coursename?: string } = {}): Promise<{ tag: string; ids: number[] }> {
  // Delimited: a LIKE search for "A1" would also find "A12".
  const tag = `Assignment [${unique()}]`;
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const { videoid } = await uploadThroughApi(tinyVideo(`clip-${i}.mp4`), { submissionid: unique(), assignmentname: tag, ...names });
    ids.push(videoid);
  }
  return { tag, ids };
}

const rows = (el: S3vAdminTable) => [...el.shadowRoot!.querySelectorAll<HTMLTableRowElement>('tbody tr[data-videoid]')];
const cells = (row: HTMLTableRowElement) => [...row.cells].map((c) => c.textContent!.replace(/\s+/g, ' ').trim());

/** Until no update is pending: a load started in updated() renders in the update after. */
async function settled(el: S3vAdminTable): Promise<void> {
  while (!(await el.updateComplete));
}

/** The table, searched for one seeded assignment. */
async function table(search: string): Promise<S3vAdminTable> {
  const token = await devToken({ scope: 'admin' });
  const el = await fixture<S3vAdminTable>(html`<s3v-admin-table edge-url=${env().edgeUrl} token=${token}></s3v-admin-table>`);
  await until(() => el.shadowRoot!.querySelector('table'), 'the table');
  const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[name=q]')!;
  input.value = search;
  el.shadowRoot!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
  // The search's request starts in the update the click causes; before it the old rows still show.
  await settled(el);
  const busy = () => el.shadowRoot!.querySelector('[aria-busy=true]');
  await until(() => !busy() && rows(el).length > 0 && rows(el).every((row) => cells(row)[1] === search), 'the search results');
  return el;
}


describe('<s3v-admin-table>', () => {
  it('lists course, assignment, student, key, status and date, with names shown as text', async () => {
    const { tag } = await seed(1, { fullname: XSS, coursename: `<script>alert(2)</script>` });
    const el = await table(tag);
    expect(rows(el)).to.have.length(1);
    const [course, assignment, student, keyCell, status, date] = cells(rows(el)[0]!);
    // The key, and under it the confirmed checksum once the edge reports one.
    const key = keyCell!.split(' MD5 checksum: ')[0];
    expect(course).to.equal('<script>alert(2)</script>');
    expect(assignment).to.equal(tag);
    expect(student).to.equal(XSS);
    expect(key).to.match(/^videos\/\d+\/\d+_[0-9a-f]+\/clip-0\.mp4$/);
    expect(status).to.equal('Ready');
    expect(date).to.match(/\d{4}/);
    expect(el.shadowRoot!.querySelector('tbody img, tbody script')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('shows a video’s confirmed MD5 checksum under its key', async () => {
    const tag = `Assignment [${unique()}]`;
    const video: AdminVideo = {
      id: unique(), courseid: 2, coursename: 'Course', assignmentid: 10, assignmentname: tag, submissionid: unique(), userid: '42',
      fullname: 'Ada', filename: 'lecture.mp4', s3_key: 'videos/42/1_ab/lecture.mp4', status: 'ready', file_size: 1024, duration: 6,
      mime_type: 'video/mp4', md5: '3b5d5c3712955042212316173ccf37be-3', claimed: true, uploaded_at: new Date().toISOString(), deleted_at: null, replaced_at: null, poster_url: null,
      media: null,
    };
    const traffic = watchTraffic({
      edge: (path) =>
        path === '/api/admin/videos'
          ? new Response(JSON.stringify({ videos: [video], total: 1, page: 1, perpage: 20 }), { status: 200, headers: { 'Content-Type': 'application/json' } })
          : null,
    });
    try {
      const el = await table(tag);
      expect(rows(el)[0]!.querySelector('.key code')!.textContent).to.equal(video.md5);
      expect(cells(rows(el)[0]!)[3]).to.equal(`${video.s3_key} MD5 checksum: ${video.md5}`);
      await expect(el).to.be.accessible();
    } finally {
      traffic.restore();
    }
  });

  it('shows a video’s format, where it plays and an index at the end, as its uploader read them', async () => {
    const tag = `Assignment [${unique()}]`;
    const video: AdminVideo = {
      id: unique(), courseid: 2, coursename: 'Course', assignmentid: 10, assignmentname: tag, submissionid: unique(), userid: '42',
      fullname: 'Ada', filename: 'IMG_0001.mov', s3_key: 'videos/42/1_ab/IMG_0001.mov', status: 'ready', file_size: 1024, duration: 6,
      mime_type: 'video/quicktime', md5: null, claimed: true, uploaded_at: new Date().toISOString(), deleted_at: null, replaced_at: null, poster_url: null,
      media: { container: 'mov', video_codec: 'hvc1.2.4.L120.90', audio_codec: 'mp4a.40.2', width: 1920, height: 1080, duration: 6, faststart: false, playability: 'some' },
    };
    const traffic = watchTraffic({
      edge: (path) =>
        path === '/api/admin/videos'
          ? new Response(JSON.stringify({ videos: [video], total: 1, page: 1, perpage: 20 }), { status: 200, headers: { 'Content-Type': 'application/json' } })
          : null,
    });
    try {
      const el = await table(tag);
      const line = rows(el)[0]!.querySelector<HTMLElement>('.media')!;
      expect(line.dataset.playability).to.equal('some');
      expect(line.textContent!.replace(/\s+/g, ' ').trim()).to.equal(
        'Format: MOV · HEVC (H.265) Main 10 · AAC · 1920×1080 · index at the end — Plays in: Some browsers',
      );
      await expect(el).to.be.accessible();
    } finally {
      traffic.restore();
    }
  });

  it('shows a replaced video as "Replaced" without Delete, and a deleted one as "Deleted on …"', async () => {
    const tag = `Assignment [${unique()}]`;
    const submissionid = unique();
    await uploadThroughApi(tinyVideo('first.mp4'), { submissionid, assignmentname: tag });
    const { videoid } = await uploadThroughApi(tinyVideo('second.mp4'), { submissionid, assignmentname: tag });
    const admin = await devToken({ scope: 'admin' });
    expect((await api(admin, `/api/admin/videos/${videoid}`, { method: 'DELETE' })).status).to.equal(200);
    const el = await table(tag);
    await until(() => rows(el).length === 2, 'both videos');
    const byFile = (name: string) => rows(el).find((row) => cells(row)[3]!.includes(name))!;
    const [, , , , replaced] = cells(byFile('first.mp4'));
    expect(replaced).to.match(/^Replaced Replaced by a newer video on .*\d{4}/);
    expect(byFile('first.mp4').querySelector('button'), 'nothing to delete: cleanup removes it').to.equal(null);
    const [, , , , deleted] = cells(byFile('second.mp4'));
    expect(deleted).to.match(/^Deleted Deleted on .*\d{4}/);
    expect(byFile('second.mp4').querySelector('button')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('filters by status and pages through results with the chosen page size', async () => {
    const { tag } = await seed(11);
    const el = await table(tag);
    expect(rows(el)).to.have.length(11);

    const perpage = el.shadowRoot!.querySelector<HTMLSelectElement>('select[name=perpage]')!;
    perpage.value = '10';
    perpage.dispatchEvent(new Event('change'));
    await until(() => rows(el).length === 10, 'ten rows');
    const pages = el.shadowRoot!.querySelector('nav.pages')!;
    expect(pages.textContent).to.contain('Page 1 of 2');
    const [previous, next] = pages.querySelectorAll('button');
    expect(previous!.disabled).to.equal(true);
    next!.click();
    await until(() => rows(el).length === 1, 'the second page');
    expect(pages.textContent).to.contain('Page 2 of 2');
    expect(next!.disabled).to.equal(true);

    const status = el.shadowRoot!.querySelector<HTMLSelectElement>('select[name=status]')!;
    status.value = 'deleted';
    status.dispatchEvent(new Event('change'));
    await until(() => el.shadowRoot!.textContent!.includes('No videos match these filters.'), 'an empty result');
    expect(el.shadowRoot!.querySelector('nav.pages')!.textContent).to.contain('Page 1 of 1');
  });

  it('deletes a video only after confirmation in a dialog, then reloads', async () => {
    const { tag, ids } = await seed(1, { fullname: 'Ada Student' });
    const el = await table(tag);
    const dialog = el.shadowRoot!.querySelector('dialog')!;

    rows(el)[0]!.querySelector('button')!.click();
    await until(() => dialog.open, 'the dialog');
    expect(dialog.textContent).to.contain('Delete “clip-0.mp4” by Ada Student?');
    await expect(el).to.be.accessible();
    dialog.querySelector<HTMLButtonElement>('button:not(.danger)')!.click();
    await until(() => !dialog.open, 'the dialog to close');
    expect(cells(rows(el)[0]!)[4]).to.equal('Ready');

    rows(el)[0]!.querySelector('button')!.click();
    await until(() => dialog.open, 'the dialog again');
    dialog.querySelector<HTMLButtonElement>('button.danger')!.click();
    await until(() => cells(rows(el)[0]!)[4]!.startsWith('Deleted Deleted on '), 'the row to show Deleted on its date');
    expect(dialog.open).to.equal(false);
    const notice = el.shadowRoot!.querySelector<HTMLElement>('.notice')!;
    expect(notice.textContent).to.equal('Video deleted.');
    expect(el.shadowRoot!.activeElement).to.equal(notice);
    expect(rows(el)[0]!.querySelector('button')).to.equal(null);

    const admin = await devToken({ scope: 'admin' });
    const again = await api<{ success: boolean; videoid: number }>(admin, `/api/admin/videos/${ids[0]}`, { method: 'DELETE' });
    expect([again.status, again.body.success, again.body.videoid], 'deleting is idempotent').to.deep.equal([200, true, ids[0]]);
  });
});
