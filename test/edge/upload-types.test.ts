import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { MAX_POST_BYTES, MAX_UPLOAD_BYTES } from '../../edge/src/contract';
import { countRows, errorOf, finalKey } from '../support/stack';
import { stackPerFile, emptyStack } from '../support/stack-per-file';
import { token } from '../support/tokens';

/**
 * Which types open an upload session, and under which one type it is stored;
 * and that no POST is granted for what the store would refuse (issue 9 §1).
 */

const stack = stackPerFile();
beforeEach(async () => {
  await emptyStack(stack);
});

const valid = { assignmentid: 10, submissionid: 100, filename: 'clip.mp4', filesize: 1000, mimetype: 'video/mp4' };

async function storedType(key: string): Promise<string> {
  const row = await stack.edge.db.prepare('SELECT mime_type FROM videos WHERE s3_key = ?').bind(finalKey(key)).first<{ mime_type: string }>();
  return row!.mime_type;
}

describe('upload-url maps every accepted type to the one canonical type', () => {
  const cases: Array<[filename: string, reported: string, stored: string]> = [
    ['talk.mkv', 'video/matroska', 'video/matroska'],
    ['talk.mkv', 'video/x-matroska', 'video/matroska'],
    ['talk.mkv', '', 'video/matroska'],
    ['clip.mp4', 'application/octet-stream', 'video/mp4'],
    ['clip.MP4', 'Video/MP4', 'video/mp4'],
    ['clip.avi', 'video/vnd.avi', 'video/x-msvideo'],
    ['clip.avi', 'video/avi', 'video/x-msvideo'],
    ['clip.webm', 'video/webm; codecs="vp8"', 'video/webm'],
    ['clip.mov', '', 'video/quicktime'],
  ];
  for (const [filename, reported, stored] of cases) {
    it(`${filename} reported as ${JSON.stringify(reported)} → presigned and stored as ${stored}`, async () => {
      const t = await token(stack.secrets.sharedSecret, { scope: 'upload', maxbytes: 10_000 });
      const res = await stack.edge.fetch('/api/upload-url', { token: t, body: { ...valid, filename, mimetype: reported } });
      assert.equal(res.status, 201, await res.clone().text());
      const body = (await res.json()) as { s3_key: string; fields: Record<string, string> };
      assert.equal(body.fields['Content-Type'], stored, 'the POST policy pins the canonical type');
      assert.equal(await storedType(body.s3_key), stored);
    });
  }

  it('a type contradicting the extension is still refused (415), and nothing is written', async () => {
    const t = await token(stack.secrets.sharedSecret, { scope: 'upload', maxbytes: 10_000 });
    for (const [filename, mimetype] of [['clip.mkv', 'video/mp4'], ['clip.mp4', 'video/matroska'], ['clip.avi', 'text/plain'], ['clip.webm', 'application/zip']]) {
      const err = await errorOf(await stack.edge.fetch('/api/upload-url', { token: t, body: { ...valid, filename, mimetype } }));
      assert.deepEqual([err.status, err.code, err.field], [415, 'UNSUPPORTED_TYPE', 'mimetype'], `${filename} ${mimetype}`);
    }
    assert.deepEqual(await countRows(stack.edge.db), { videos: 0, events: 0 });
  });
});

describe('no POST is granted that the store would refuse', () => {
  it(`a POST for more than MAX_POST_BYTES → 413 USE_MULTIPART; nothing written, no session spent`, async () => {
    const t = await token(stack.secrets.sharedSecret, { scope: 'upload', maxbytes: MAX_UPLOAD_BYTES });
    for (const filesize of [MAX_POST_BYTES + 1, MAX_UPLOAD_BYTES]) {
      const err = await errorOf(await stack.edge.fetch('/api/upload-url', { token: t, body: { ...valid, filesize } }));
      assert.deepEqual([err.status, err.code, err.field], [413, 'USE_MULTIPART', 'filesize'], String(filesize));
    }
    assert.deepEqual(await countRows(stack.edge.db), { videos: 0, events: 0 });
    assert.equal((await stack.edge.kv.list()).keys.length, 0, 'no rate-limit slot spent');
  });

  it('the same file goes as multipart, and a POST of exactly MAX_POST_BYTES is granted with a policy capped there', async () => {
    const t = await token(stack.secrets.sharedSecret, { scope: 'upload', maxbytes: MAX_UPLOAD_BYTES });
    const start = await stack.edge.fetch('/api/multipart/start', { token: t, body: { ...valid, filesize: MAX_UPLOAD_BYTES } });
    assert.equal(start.status, 201, await start.clone().text());
    await stack.edge.fetch('/api/multipart/abort', { token: t, body: { ...valid, s3_key: ((await start.json()) as { s3_key: string }).s3_key } });
    const post = await stack.edge.fetch('/api/upload-url', { token: t, body: { ...valid, filesize: MAX_POST_BYTES } });
    assert.equal(post.status, 201);
    const { fields } = (await post.json()) as { fields: Record<string, string> };
    const policy = JSON.parse(Buffer.from(fields.Policy ?? fields.policy!, 'base64').toString()) as { conditions: unknown[] };
    const range = policy.conditions.find((c) => Array.isArray(c) && c[0] === 'content-length-range') as [string, number, number];
    assert.deepEqual(range, ['content-length-range', MAX_POST_BYTES, MAX_POST_BYTES], 'exactly the declared size, well below the store\'s 5 GiB single-upload limit');
  });
});
