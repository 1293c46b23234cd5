import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdminStatsResponse, AdminVideosResponse, MediaFacts, PlaybackUrlResponse, VideoSummaryResponse } from '../../edge/src/contract';
import { countRows, errorOf, stageVideo } from '../support/stack';
import { stackPerFile } from '../support/stack-per-file';
import { token } from '../support/tokens';

const stack = stackPerFile();

const HEVC_MOV: MediaFacts = {
  container: 'mov', video_codec: 'hvc1.2.4.L120.90', audio_codec: 'mp4a.40.2', width: 1920, height: 1080,
  duration: 12.5, faststart: false, playability: 'some',
};

async function confirmWith(submissionid: number, media: unknown) {
  const staged = await stageVideo(stack, { submissionid, sub: `${submissionid}` });
  const res = await stack.edge.fetch('/api/confirm-upload', { token: staged.token, body: { ...staged.confirmBody, media } });
  return { res, staged };
}

describe('confirm stores what the uploader read from the header, for display only', () => {
  it('stores the facts and shows them to the teacher, the uploader and the admin table', async () => {
    const { res } = await confirmWith(501, HEVC_MOV);
    assert.equal(res.status, 200, await res.clone().text());

    const view = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '3', role: 'teacher', submissionid: 501 });
    const play = (await (await stack.edge.fetch('/api/playback-url?submissionid=501', { token: view })).json()) as PlaybackUrlResponse;
    assert.deepEqual(play.media, HEVC_MOV);
    const summary = (await (await stack.edge.fetch('/api/video?submissionid=501', { token: view })).json()) as VideoSummaryResponse;
    assert.deepEqual(summary.video?.media, HEVC_MOV);

    const admin = await token(stack.secrets.sharedSecret, { scope: 'admin', sub: '2', role: 'admin' });
    const list = (await (await stack.edge.fetch('/api/admin/videos?q=501', { token: admin })).json()) as AdminVideosResponse;
    const row = list.videos.find((v) => v.submissionid === 501);
    assert.deepEqual(row?.media, HEVC_MOV);
  });

  it('stores the edge\'s own verdict, not the one the browser claimed', async () => {
    const { res } = await confirmWith(502, { ...HEVC_MOV, container: 'avi', video_codec: 'XVID', faststart: null, playability: 'all' });
    assert.equal(res.status, 200, await res.clone().text());
    const view = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '3', role: 'teacher', submissionid: 502 });
    const play = (await (await stack.edge.fetch('/api/playback-url?submissionid=502', { token: view })).json()) as PlaybackUrlResponse;
    assert.equal(play.media?.playability, 'none');
  });

  it('a confirm without facts stores none (null), as before', async () => {
    const { res } = await confirmWith(503, undefined);
    assert.equal(res.status, 200);
    const view = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '3', role: 'teacher', submissionid: 503 });
    const play = (await (await stack.edge.fetch('/api/playback-url?submissionid=503', { token: view })).json()) as PlaybackUrlResponse;
    assert.equal(play.media, null);
  });

  const BAD: Array<[string, unknown, string]> = [
    ['not an object', 'mp4', 'media.'],
    ['an unknown container', { ...HEVC_MOV, container: 'flv' }, 'media.container'],
    ['a field too many', { ...HEVC_MOV, poster: 'x' }, 'media.poster'],
    ['a field missing', (({ width: _w, ...rest }) => rest)(HEVC_MOV), 'media.width'],
    ['markup as a codec', { ...HEVC_MOV, video_codec: '<script>' }, 'media.video_codec'],
    ['a codec too long', { ...HEVC_MOV, audio_codec: 'a'.repeat(65) }, 'media.audio_codec'],
    ['a fractional width', { ...HEVC_MOV, width: 19.5 }, 'media.width'],
    ['a height of 0', { ...HEVC_MOV, height: 0 }, 'media.height'],
    ['a width beyond 16384', { ...HEVC_MOV, width: 20000 }, 'media.width'],
    ['a negative duration', { ...HEVC_MOV, duration: -1 }, 'media.duration'],
    ['a duration as text', { ...HEVC_MOV, duration: '12' }, 'media.duration'],
    ['faststart as a number', { ...HEVC_MOV, faststart: 1 }, 'media.faststart'],
    ['faststart for a WebM', { ...HEVC_MOV, container: 'webm', faststart: true }, 'media.faststart'],
    ['an unknown playability', { ...HEVC_MOV, playability: 'maybe' }, 'media.playability'],
  ];
  // One staged upload for every refusal: each leaves it pending, so the next (and a corrected one) can confirm.
  let staged: Awaited<ReturnType<typeof stageVideo>>;
  for (const [what, media, field] of BAD) {
    it(`refuses ${what} (400, field ${field}) and changes nothing`, async () => {
      staged ??= await stageVideo(stack, { submissionid: 510, sub: '510' });
      const before = await countRows(stack.edge.db);
      const res = await stack.edge.fetch('/api/confirm-upload', { token: staged.token, body: { ...staged.confirmBody, media } });
      const err = await errorOf(res);
      assert.equal(err.status, 400);
      assert.equal(err.code, 'INVALID_REQUEST');
      assert.ok(err.field?.startsWith(field), `field ${err.field}`);
      assert.deepEqual(await countRows(stack.edge.db), before);
      const row = await stack.edge.db.prepare('SELECT upload_status FROM videos WHERE s3_key = ?').bind(staged.presign.s3_key.replace(/^uploads\//, 'videos/')).first<{ upload_status: string }>();
      assert.equal(row?.upload_status, 'pending');
    });
  }

  it('after every refusal, the same upload confirms with valid facts', async () => {
    const res = await stack.edge.fetch('/api/confirm-upload', { token: staged.token, body: { ...staged.confirmBody, media: { ...HEVC_MOV, video_codec: 'avc1.64001F', playability: 'all' } } });
    assert.equal(res.status, 200, await res.clone().text());
  });

  it('the dashboard counts current videos by playability', async () => {
    const admin = await token(stack.secrets.sharedSecret, { scope: 'admin', sub: '2', role: 'admin' });
    const stats = (await (await stack.edge.fetch('/api/admin/stats?days=7', { token: admin })).json()) as AdminStatsResponse;
    assert.deepEqual(stats.playability, { all: 1, some: 1, none: 1, unknown: 0, unrecorded: 1 });
    assert.equal(stats.ready_videos, 4);
  });
});
