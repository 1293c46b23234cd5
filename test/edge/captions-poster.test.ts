import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { AttachCaptionsResponse, VideoExtrasResponse, VideoStatusResponse } from '../../edge/src/contract';
import { errorOf, stageVideo, uploadVideo } from '../support/stack';
import { stackPerFile } from '../support/stack-per-file';
import { token } from '../support/tokens';

/** Posters and captions beside a video: stored by the edge, served through the CDN, gone with the video. */
const stack = stackPerFile();
beforeEach(async () => {
  await stack.edge.db.batch(['videos', 'events', 'captions'].map((t) => stack.edge.db.prepare(`DELETE FROM ${t}`)));
});

const secret = () => stack.secrets.sharedSecret;
const view = (submissionid: number, extra: Record<string, unknown> = {}) => token(secret(), { scope: 'view', sub: '7', submissionid, extra });
const VTT = 'WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nHello\n\n00:00:02.500 --> 00:00:04.000\nWorld\n';
/** The smallest well-formed JPEG shape the edge accepts: SOI, a segment marker, …, EOI. */
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7), Buffer.from([0xff, 0xd9])]);

async function exists(key: string): Promise<boolean> {
  try {
    await stack.s3client.send(new HeadObjectCommand({ Bucket: stack.s3.bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

function attach(t: string, body: Record<string, unknown>) {
  return stack.edge.fetch('/api/captions', { token: t, body: { label: 'English', language: 'en', vtt: VTT, ...body } });
}

async function extras(submissionid: number, t?: string): Promise<VideoExtrasResponse> {
  const res = await stack.edge.fetch(`/api/video-extras?submissionid=${submissionid}`, { token: t ?? (await view(submissionid)) });
  assert.equal(res.status, 200);
  return (await res.json()) as VideoExtrasResponse;
}

describe('posters', () => {
  it('are stored beside the video while it uploads, served through the CDN, reported to Moodle, deleted with it', async () => {
    const staged = await stageVideo(stack, { submissionid: 700 });
    const post = (body: Buffer, t = staged.token) =>
      fetch(`${stack.edge.url}/api/poster?submissionid=700&s3_key=${encodeURIComponent(staged.presign.s3_key)}`, {
        method: 'POST', body: new Uint8Array(body), headers: { 'Content-Type': 'image/jpeg', Authorization: `Bearer ${t}` },
      });
    assert.equal((await errorOf(await post(Buffer.from('not a jpeg at all')))).code, 'INVALID_POSTER');
    assert.equal((await errorOf(await post(Buffer.concat([JPEG, Buffer.alloc(70 * 1024)])))).code, 'INVALID_POSTER');
    const other = await token(secret(), { scope: 'upload', sub: '43', submissionid: 700 });
    assert.equal((await errorOf(await post(JPEG, other))).code, 'UPLOAD_NOT_FOUND', 'only the uploader\'s own session');
    assert.equal((await post(JPEG)).status, 200);
    const other_jpeg = Buffer.concat([JPEG.subarray(0, -2), Buffer.from([1, 0xff, 0xd9])]);
    assert.equal((await errorOf(await post(other_jpeg))).code, 'POSTER_EXISTS', 'one poster per upload, written once');
    const confirm = await stack.edge.fetch('/api/confirm-upload', { token: staged.token, body: staged.confirmBody });
    const { videoid } = (await confirm.json()) as { videoid: number };
    assert.equal((await errorOf(await post(other_jpeg))).code, 'UPLOAD_NOT_PENDING', 'fixed once confirmed');
    assert.equal((await post(JPEG)).status, 200, 'the stored poster sent again gets the first answer');

    const key = staged.presign.s3_key.replace(/^uploads\//, 'videos/').replace(/[^/]+$/, 'poster.jpg');
    assert.ok(await exists(key));
    const { poster_url } = await extras(700);
    assert.ok(poster_url?.startsWith(stack.cdn.url));
    const image = await fetch(poster_url!);
    assert.equal(image.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(Buffer.from(await image.arrayBuffer()), JPEG, 'the first poster, not the refused ones');

    const server = await token(secret(), { scope: 'server', sub: '2', role: 'admin' });
    const status = (await (await stack.edge.fetch('/api/video-status', { token: server, body: { videoids: [videoid] } })).json()) as VideoStatusResponse;
    assert.equal(status.videos[videoid]!.duration, 3);
    assert.equal((await fetch(status.videos[videoid]!.poster_url!)).status, 200);

    const admin = await token(secret(), { scope: 'admin', sub: '2' });
    const list = (await (await stack.edge.fetch('/api/admin/videos', { token: admin })).json()) as { videos: Array<{ poster_url: string | null }> };
    assert.ok(list.videos[0]!.poster_url);
    assert.equal((await stack.edge.fetch(`/api/admin/videos/${videoid}`, { method: 'DELETE', token: admin })).status, 200);
    assert.equal(await exists(key), false, 'deleted with the video');
    assert.ok(stack.cdn.invalidations.some((i) => i.paths.includes(`/${key}`)), 'and invalidated with it');
  });

  it('twenty posters racing confirm: at most one is written, once, and it is what the teacher sees from then on', async () => {
    for (const submissionid of [701, 702, 703]) {
      const staged = await stageVideo(stack, { submissionid });
      // Each request a different image, so the stored bytes say which one S3 took.
      const images = Array.from({ length: 20 }, (_, i) => Buffer.concat([JPEG.subarray(0, -2), Buffer.from([i, 0xff, 0xd9])]));
      const posts = images.map((image) =>
        fetch(`${stack.edge.url}/api/poster?submissionid=${submissionid}&s3_key=${encodeURIComponent(staged.presign.s3_key)}`, {
          method: 'POST', body: new Uint8Array(image), headers: { 'Content-Type': 'image/jpeg', Authorization: `Bearer ${staged.token}` },
        }));
      const confirm = stack.edge.fetch('/api/confirm-upload', { token: staged.token, body: staged.confirmBody });
      const answers = await Promise.all(posts);
      assert.equal((await confirm).status, 200);
      const won = answers.flatMap((r, i) => (r.status === 200 ? [i] : []));
      assert.ok(won.length <= 1, `${won.length} posters answered 200`);
      for (const r of answers.filter((a) => a.status !== 200)) {
        const err = await errorOf(r);
        assert.ok(['POSTER_EXISTS', 'UPLOAD_NOT_PENDING'].includes(err.code), `${err.status} ${err.code}: ${err.message}`);
      }
      const row = await stack.edge.db.prepare('SELECT poster_key, upload_status FROM videos WHERE submissionid = ?').bind(submissionid).first<{ poster_key: string | null; upload_status: string }>();
      assert.equal(row!.upload_status, 'ready');
      const { poster_url } = await extras(submissionid);
      if (won.length === 0) {
        assert.equal(row!.poster_key, null);
        assert.equal(poster_url, null);
        continue;
      }
      assert.ok(row!.poster_key);
      assert.deepEqual(Buffer.from(await (await fetch(poster_url!)).arrayBuffer()), images[won[0]!]);
      // A replay of any of them now changes nothing.
      const late = await fetch(`${stack.edge.url}/api/poster?submissionid=${submissionid}&s3_key=${encodeURIComponent(staged.presign.s3_key)}`, {
        method: 'POST', body: new Uint8Array(images[(won[0]! + 1) % 20]!), headers: { 'Content-Type': 'image/jpeg', Authorization: `Bearer ${staged.token}` },
      });
      assert.equal((await errorOf(late)).code, 'UPLOAD_NOT_PENDING');
      assert.deepEqual(Buffer.from(await (await fetch(poster_url!)).arrayBuffer()), images[won[0]!]);
    }
  });
});

describe('captions', () => {
  it('a valid WebVTT file is stored beside the video and listed with a CDN URL', async () => {
    const video = await uploadVideo(stack, { submissionid: 710 });
    const res = await attach(video.token, { submissionid: 710, videoid: video.videoid, language: 'pt-br', label: 'Português' });
    assert.equal(res.status, 201);
    const { track } = (await res.json()) as AttachCaptionsResponse;
    assert.equal(track.language, 'pt-BR', 'the tag in its conventional case');
    const listed = await extras(710);
    assert.equal(listed.can_edit, false, 'a plain view token may not edit');
    assert.deepEqual(listed.tracks.map((t) => [t.language, t.label, t.created_by]), [['pt-BR', 'Português', '42']]);
    const file = await fetch(listed.tracks[0]!.url!);
    assert.equal(file.headers.get('content-type'), 'text/vtt; charset=utf-8');
    assert.equal(await file.text(), VTT);
  });

  it('invalid files are refused with what is wrong, and nothing is stored', async () => {
    const video = await uploadVideo(stack, { submissionid: 711 });
    const bad: Array<[string, string]> = [
      ['', 'empty'],
      ['1\n00:00:01,000 --> 00:00:02,000\nSRT, not converted\n', 'header'],
      ['WEBVTT\n\n00:00:03.000 --> 00:00:02.000\nbackwards\n', 'timing'],
      ['WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nx\n00:00:02.000 --> 00:00:03.000\nno blank line\n', 'timing'],
      ['WEBVTT\n\nNOTE nothing else\n', 'no_cues'],
      ['WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\ud800\n', 'encoding'],
      [`WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n${'x'.repeat(600 * 1024)}\n`, 'too_large'],
    ];
    for (const [vtt, fault] of bad) {
      const err = await errorOf(await attach(video.token, { submissionid: 711, videoid: video.videoid, vtt }));
      assert.deepEqual([err.status, err.code, err.field], [415, 'INVALID_CAPTIONS', fault], err.message);
    }
    const lang = await errorOf(await attach(video.token, { submissionid: 711, videoid: video.videoid, language: 'english!' }));
    assert.deepEqual([lang.code, lang.field], ['INVALID_REQUEST', 'language']);
    assert.equal((await extras(711)).tracks.length, 0);
  });

  it('who may attach: the uploader, a view token with the captions claim; not a plain view token nor another submission', async () => {
    const video = await uploadVideo(stack, { submissionid: 712 });
    const body = { submissionid: 712, videoid: video.videoid };
    assert.equal((await errorOf(await attach(await view(712), body))).code, 'FORBIDDEN');
    assert.equal((await errorOf(await attach(await view(713, { captions: true }), body))).code, 'FORBIDDEN');
    const forged = await token(secret(), { scope: 'view', submissionid: 712, extra: { captions: 'yes' } });
    assert.equal((await errorOf(await attach(forged, body))).code, 'INVALID_TOKEN');
    const grader = await view(712, { captions: true });
    assert.equal((await attach(grader, { ...body, language: 'fr', label: 'Français' })).status, 201);
    assert.equal((await extras(712, grader)).can_edit, true);
  });

  it('a second file of the same language replaces the first, whose object goes', async () => {
    const video = await uploadVideo(stack, { submissionid: 714 });
    const first = (await (await attach(video.token, { submissionid: 714, videoid: video.videoid })).json()) as AttachCaptionsResponse;
    const firstKey = (await stack.edge.db.prepare('SELECT s3_key FROM captions').first<{ s3_key: string }>())!.s3_key;
    const second = (await (await attach(video.token, { submissionid: 714, videoid: video.videoid, label: 'English (CC)' })).json()) as AttachCaptionsResponse;
    assert.equal(second.replaced_id, first.track.id);
    assert.equal(await exists(firstKey), false);
    assert.deepEqual((await extras(714)).tracks.map((t) => t.label), ['English (CC)']);
  });

  it('stay with the video a new claim replaced, and go when cleanup deletes it', async () => {
    const claim = async (receipt: string) =>
      stack.edge.fetch('/api/claim', { token: await token(secret(), { scope: 'claim', sub: '2', role: 'admin', submissionid: 715 }), body: { receipt } });
    const old = await uploadVideo(stack, { submissionid: 715 });
    assert.equal((await claim(old.receipt)).status, 200);
    await attach(old.token, { submissionid: 715, videoid: old.videoid });
    const key = (await stack.edge.db.prepare('SELECT s3_key FROM captions').first<{ s3_key: string }>())!.s3_key;
    const replacement = await uploadVideo(stack, { submissionid: 715 });
    assert.equal((await claim(replacement.receipt)).status, 200);
    assert.deepEqual((await extras(715)).tracks, [], 'the new video starts without captions');
    assert.equal(await exists(key), true, 'the old video keeps its own until it goes');
    assert.equal((await errorOf(await attach(old.token, { submissionid: 715, videoid: old.videoid, language: 'de' }))).code, 'VIDEO_NOT_FOUND');

    // Past the replaced video's grants and grace: cleanup deletes it, its captions with it.
    await stack.edge.scheduled(new Date(Date.now() + 8 * 3600 * 1000));
    assert.equal(await exists(key), false);
    assert.equal((await stack.edge.db.prepare('SELECT COUNT(*) AS n FROM captions').first<{ n: number }>())!.n, 0);
  });

  it('an admin delete removes the caption files and rows; the privacy export links them', async () => {
    const video = await uploadVideo(stack, { submissionid: 716, filename: 'Talk.mp4' });
    await attach(video.token, { submissionid: 716, videoid: video.videoid });
    const server = await token(secret(), { scope: 'server', sub: '2', role: 'admin' });
    const exported = (await (await stack.edge.fetch('/api/export-url', { token: server, body: { videoid: video.videoid } })).json()) as {
      captions: Array<{ language: string; url: string }>;
    };
    assert.equal(exported.captions.length, 1);
    const file = await fetch(exported.captions[0]!.url);
    assert.equal(await file.text(), VTT);
    assert.match(file.headers.get('content-disposition') ?? '', /filename="Talk\.en\.vtt"/);

    const key = (await stack.edge.db.prepare('SELECT s3_key FROM captions').first<{ s3_key: string }>())!.s3_key;
    const admin = await token(secret(), { scope: 'admin', sub: '2' });
    assert.equal((await stack.edge.fetch(`/api/admin/videos/${video.videoid}`, { method: 'DELETE', token: admin })).status, 200);
    assert.equal(await exists(key), false);
    assert.equal((await stack.edge.db.prepare('SELECT COUNT(*) AS n FROM captions').first<{ n: number }>())!.n, 0);
    assert.equal((await errorOf(await attach(video.token, { submissionid: 716, videoid: video.videoid }))).code, 'VIDEO_DELETED');
  });
});
