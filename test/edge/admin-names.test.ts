import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AdminStatsResponse, AdminVideosResponse } from '../../edge/src/contract';
import { foldForSearch, searchTextFor } from '../../edge/src/services/search';
import { startStack, uploadVideo, type Stack, finalKey } from '../support/stack';
import { SITE, token } from '../support/tokens';

/**
 * Names as people typed them (issue 9 §3), against the worker in workerd with real D1:
 * the admin search folds Unicode (NFKC + case fold) where SQLite folds only ASCII, the
 * dashboard names who failed and with which video, and replaced videos are not "stored".
 */

let stack: Stack;
let admin: string;

before(async () => {
  stack = await startStack();
  admin = await token(stack.secrets.sharedSecret, { scope: 'admin', sub: '2' });
});
after(async () => {
  await stack?.close();
});

const get = async <T>(path: string): Promise<T> => {
  const res = await stack.edge.fetch(path, { token: admin });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as T;
};

/** Opens an upload session (a pending row) with these names in the token, as Moodle signs them. */
async function session(sub: string, submissionid: number, names: { fullname: string; coursename?: string; assignmentname?: string }, filename = 'clip.mp4') {
  const t = await token(stack.secrets.sharedSecret, { scope: 'upload', sub, submissionid, extra: names });
  const res = await stack.edge.fetch('/api/upload-url', { token: t, body: { assignmentid: 10, submissionid, filename, filesize: 100, mimetype: 'video/mp4' } });
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { s3_key: string }).s3_key;
}

const search = (q: string) => get<AdminVideosResponse>(`/api/admin/videos?q=${encodeURIComponent(q)}&perpage=100`);
const names = (r: AdminVideosResponse) => r.videos.map((v) => v.fullname).sort();

describe('admin search folds names as Unicode does, and shows them as typed', () => {
  const composed = 'Élodie Østergård';
  const decomposed = composed.normalize('NFD');
  before(async () => {
    assert.notEqual(composed, decomposed);
    await session('301', 3001, { fullname: composed, coursename: 'Physics & Chemistry' });
    await session('302', 3002, { fullname: decomposed, coursename: 'Straße des Films' });
  });

  for (const [label, q] of [
    ['exactly as stored', composed],
    ['in lower case', 'élodie østergård'],
    ['in upper case', 'ÉLODIE ØSTERGÅRD'],
    ['decomposed, as macOS types it', 'élodie østergård'.normalize('NFD')],
    ['a part of it', 'stergå'],
  ] as const) {
    it(`finds both spellings ${label}`, async () => {
      assert.deepEqual(names(await search(q)), [composed, decomposed].sort());
    });
  }

  it('shows each name exactly as it was typed (composed stays composed, decomposed stays decomposed)', async () => {
    const found = (await search(composed)).videos;
    assert.deepEqual(found.map((v) => v.fullname === composed || v.fullname === decomposed), [true, true]);
    assert.ok(found.some((v) => v.fullname === decomposed));
  });

  it('folds fully: "STRASSE" finds "Straße", "&" is matched literally', async () => {
    assert.deepEqual(names(await search('STRASSE DES')), [decomposed]);
    assert.deepEqual(names(await search('physics & chem')), [composed]);
  });

  it('a row written before migration 0006 (no search text) is folded by the next search and found', async () => {
    await stack.edge.db
      .prepare(
        `INSERT INTO videos (site, courseid, assignmentid, submissionid, userid, s3_key, s3_bucket, upload_status, filename,
           mime_type, fullname, upload_timestamp, presign_expires)
         VALUES (?, 2, 10, 3003, '303', 'videos/303/old/clip.mp4', 'b', 'ready', 'clip.mp4', 'video/mp4', 'Ærøskøbing Ünal', 1, 1)`,
      )
      .bind(SITE)
      .run();
    assert.deepEqual(names(await search('ærøskøbing ünal')), ['Ærøskøbing Ünal']);
    const row = await stack.edge.db.prepare("SELECT search_text FROM videos WHERE s3_key = 'videos/303/old/clip.mp4'").first<{ search_text: string }>();
    assert.equal(row!.search_text, searchTextFor({ s3_key: 'videos/303/old/clip.mp4', filename: 'clip.mp4', fullname: 'Ærøskøbing Ünal', coursename: null, assignmentname: null }));
  });

  it('foldForSearch: one form for every spelling', () => {
    assert.equal(foldForSearch('Élodie'), foldForSearch('E\u0301LODIE'));
    assert.equal(foldForSearch('Straße'), 'strasse');
    assert.equal(foldForSearch('ΟΔΥΣΣΕΥΣ'), foldForSearch('οδυσσευς'));
    assert.equal(foldForSearch('ﬁlm'), 'film');
  });
});

describe('dashboard: who failed, with which video; replaced videos are not stored', () => {
  it('recent failures carry the person\'s full name and the video\'s file name and key', async () => {
    const key = await session('401', 4001, { fullname: 'Zoë Ångström' }, 'Mon film.mp4');
    const t = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '401', submissionid: 4001 });
    const res = await stack.edge.fetch('/api/events', { token: t, body: { event_type: 'upload_failure', assignmentid: 10, submissionid: 4001, error_code: 'NETWORK' } });
    assert.equal(res.status, 201);
    const failure = (await get<AdminStatsResponse>('/api/admin/stats?days=7')).recent_failures.find((f) => f.userid === '401');
    assert.deepEqual(
      { fullname: failure?.fullname, filename: failure?.filename, s3_key: failure?.s3_key },
      { fullname: 'Zoë Ångström', filename: 'Mon film.mp4', s3_key: finalKey(key) },
    );
  });

  it('a video replaced by a newer upload is left out of "videos stored" and the storage figure', async () => {
    const before = await get<AdminStatsResponse>('/api/admin/stats?days=7');
    await uploadVideo(stack, { sub: '501', submissionid: 5001, size: 1000 });
    await uploadVideo(stack, { sub: '501', submissionid: 5001, size: 3000 });
    const after = await get<AdminStatsResponse>('/api/admin/stats?days=7');
    assert.equal(after.ready_videos - before.ready_videos, 1);
    assert.equal(after.total_storage_bytes - before.total_storage_bytes, 3000);
    const listed = (await get<AdminVideosResponse>('/api/admin/videos?perpage=100')).videos.filter((v) => v.submissionid === 5001);
    assert.deepEqual(listed.map((v) => [v.file_size, v.status, v.replaced_at !== null]), [[3000, 'ready', false], [1000, 'ready', true]]);
  });
});
