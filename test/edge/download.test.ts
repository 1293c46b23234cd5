import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import type { DownloadUrlResponse } from '../../edge/src/contract';
import { attachmentDisposition } from '../../edge/src/services/download';
import { errorOf, startStack, uploadVideo, type Stack } from '../support/stack';
import { token } from '../support/tokens';

/**
 * GET /api/download-url through the real parts: the worker in workerd, Ceph RGW, and the
 * CloudFront stand-in forwarding exactly `response-content-disposition` to S3 (infra/stack.ts).
 */
const NAME = 'Vidéo finale (v2) «test».mp4';
const PER_HOUR = 4;

let stack: Stack;
before(async () => {
  stack = await startStack({ RATE_LIMIT_PLAYBACKS_PER_HOUR: String(PER_HOUR) });
});
after(async () => {
  await stack?.close();
});
beforeEach(async () => {
  await stack.edge.db.batch([stack.edge.db.prepare('DELETE FROM videos'), stack.edge.db.prepare('DELETE FROM events')]);
  for (const key of (await stack.edge.kv.list()).keys) await stack.edge.kv.delete(key.name);
});

const view = (submissionid: number, sub = '7') => token(stack.secrets.sharedSecret, { scope: 'view', sub, submissionid });
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** RFC 6266 §4.3: a recipient prefers `filename*` (RFC 5987 ext-value) to `filename`. */
function savedName(disposition: string): string {
  const ext = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  assert.ok(ext, `no filename* in ${disposition}`);
  return decodeURIComponent(ext[1]!);
}

describe('download-url', () => {
  it('saves the identical bytes under the original name, through the CDN, and logs a download', async () => {
    const video = await uploadVideo(stack, { submissionid: 900, filename: NAME, size: 300_000 });
    const res = await stack.edge.fetch('/api/download-url?submissionid=900', { token: await view(900) });
    assert.equal(res.status, 200);
    const body = (await res.json()) as DownloadUrlResponse;
    assert.equal(body.filename, NAME);
    assert.equal(body.videoid, video.videoid);
    assert.ok(body.url.startsWith(stack.cdn.url), 'a CDN URL, not a presigned S3 one');
    assert.ok(Date.parse(body.expires_at) - Date.now() <= 300_000 + 5_000, 'short-lived');

    const file = await fetch(body.url);
    assert.equal(file.status, 200);
    const disposition = file.headers.get('content-disposition') ?? '';
    assert.equal(disposition, attachmentDisposition(NAME));
    assert.match(disposition, /^attachment; filename="Vid_o finale \(v2\) _test_\.mp4"; filename\*=UTF-8''/);
    assert.equal(savedName(disposition), NAME);
    assert.equal(file.headers.get('content-type'), 'video/mp4');
    assert.equal(sha256(new Uint8Array(await file.arrayBuffer())), sha256(video.bytes));

    const events = await stack.edge.db
      .prepare(`SELECT userid, s3_key, file_size FROM events WHERE event_type = 'download'`)
      .all<{ userid: string; s3_key: string; file_size: number }>();
    assert.deepEqual(events.results, [{ userid: '7', s3_key: video.key, file_size: 300_000 }]);
  });

  it('is a signed grant: a changed disposition is refused by the CDN, and a playback URL is no attachment', async () => {
    await uploadVideo(stack, { submissionid: 901, filename: NAME });
    const { url } = (await (await stack.edge.fetch('/api/download-url?submissionid=901', { token: await view(901) })).json()) as DownloadUrlResponse;
    const forged = url.replace(/response-content-disposition=[^&]+/, 'response-content-disposition=inline');
    assert.equal((await fetch(forged)).status, 403);
    const play = (await (await stack.edge.fetch('/api/playback-url?submissionid=901', { token: await view(901) })).json()) as { signed_url: string };
    const playing = await fetch(play.signed_url);
    assert.equal(playing.status, 200);
    assert.equal(playing.headers.get('content-disposition'), null);
    await playing.body?.cancel();
  });

  it('the CDN stand-in forwards response-content-disposition to S3 and no other query string', async () => {
    const video = await uploadVideo(stack, { submissionid: 902 });
    const sign = (query: string) =>
      getSignedUrl({
        url: `${stack.cdn.url}/${video.key}?${query}`,
        keyPairId: stack.secrets.keyPairId,
        privateKey: stack.secrets.cloudfrontPrivateKey,
        dateLessThan: new Date(Date.now() + 60_000).toISOString(),
      });
    const res = await fetch(sign('response-content-type=text%2Fhtml&response-content-disposition=attachment%3B%20filename%3D%22a.mp4%22'));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="a.mp4"');
    assert.equal(res.headers.get('content-type'), 'video/mp4', 'response-content-type is not forwarded');
    await res.body?.cancel();
  });

  it('is refused exactly when playback-url is', async () => {
    const deleted = await uploadVideo(stack, { submissionid: 911 });
    const admin = await token(stack.secrets.sharedSecret, { scope: 'admin', sub: '2' });
    assert.equal((await stack.edge.fetch(`/api/admin/videos/${deleted.videoid}`, { method: 'DELETE', token: admin })).status, 200);
    await uploadVideo(stack, { submissionid: 912 });
    const upload = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 912 });
    const cases: Array<[string, string | undefined]> = [
      ['?submissionid=910', await view(910)], // no video: 404
      ['?submissionid=911', await view(911)], // deleted: 410
      ['?submissionid=912', await view(913)], // another submission's token: 403
      ['?submissionid=912', upload], // not a view token: 403
      ['?submissionid=912', undefined], // no token: 401
      ['?submissionid=abc', await view(912)], // bad input: 400
    ];
    for (const [query, t] of cases) {
      const play = await errorOf(await stack.edge.fetch(`/api/playback-url${query}`, { token: t }));
      const down = await errorOf(await stack.edge.fetch(`/api/download-url${query}`, { token: t }));
      assert.deepEqual([down.status, down.code], [play.status, play.code], `${query}: ${down.message}`);
    }
    const logged = await stack.edge.db.prepare(`SELECT COUNT(*) AS n FROM events WHERE event_type IN ('download', 'playback_access')`).first<{ n: number }>();
    assert.equal(logged?.n, 0, 'a refusal logs nothing');
  });

  it('shares the hourly playback quota: downloads and playbacks together stop at the limit', async () => {
    await uploadVideo(stack, { submissionid: 920 });
    const t = await view(920, '8');
    for (let i = 0; i < PER_HOUR; i++) {
      const path = i % 2 === 0 ? '/api/download-url?submissionid=920' : '/api/playback-url?submissionid=920';
      assert.equal((await stack.edge.fetch(path, { token: t })).status, 200, path);
    }
    for (const path of ['/api/download-url?submissionid=920', '/api/playback-url?submissionid=920']) {
      const res = await stack.edge.fetch(path, { token: t });
      assert.equal(res.status, 429, path);
      assert.ok(Number(res.headers.get('Retry-After')) > 0);
      await res.body?.cancel();
    }
  });
});
