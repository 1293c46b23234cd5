import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdminStatsResponse, AdminVideosResponse, MediaFacts, PlaybackUrlResponse, VideoStatusResponse, VideoSummaryResponse } from '../../edge/src/contract';
import { countRows, errorOf, stageVideo } from '../support/stack';
import { stackPerFile } from '../support/stack-per-file';
import { isoBytes } from '../support/iso-bytes';
import { matroskaBytes } from '../support/matroska-bytes';
import { token } from '../support/tokens';

const stack = stackPerFile();

// The staged bytes open with `ftyp isom` (test/support/video-bytes.ts): an MP4, so the facts name mp4
// (facts naming another container than the bytes are dropped, checked-facts.ts).
const HEVC_MP4: MediaFacts = {
  container: 'mp4', video_codec: 'hvc1.2.4.L120.90', audio_codec: 'mp4a.40.2', width: 1920, height: 1080,
  duration: 12.5, faststart: false, playability: 'some',
};

async function confirmWith(submissionid: number, media: unknown) {
  const staged = await stageVideo(stack, { submissionid, sub: `${submissionid}` });
  const res = await stack.edge.fetch('/api/confirm-upload', { token: staged.token, body: { ...staged.confirmBody, media } });
  return { res, staged };
}

describe('confirm stores what the uploader read from the header, for display only', () => {
  it('stores the facts and shows them to the teacher, the uploader and the admin table', async () => {
    const { res } = await confirmWith(501, HEVC_MP4);
    assert.equal(res.status, 200, await res.clone().text());

    const view = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '3', role: 'teacher', submissionid: 501 });
    const play = (await (await stack.edge.fetch('/api/playback-url?submissionid=501', { token: view })).json()) as PlaybackUrlResponse;
    assert.deepEqual(play.media, HEVC_MP4);
    const summary = (await (await stack.edge.fetch('/api/video?submissionid=501', { token: view })).json()) as VideoSummaryResponse;
    assert.deepEqual(summary.video?.media, HEVC_MP4);

    const admin = await token(stack.secrets.sharedSecret, { scope: 'admin', sub: '2', role: 'admin' });
    const list = (await (await stack.edge.fetch('/api/admin/videos?q=501', { token: admin })).json()) as AdminVideosResponse;
    const row = list.videos.find((v) => v.submissionid === 501);
    assert.deepEqual(row?.media, HEVC_MP4);
  });

  it('stores the edge\'s own verdict, not the one the browser claimed', async () => {
    const { res } = await confirmWith(502, { ...HEVC_MP4, video_codec: 'mp4v.20.9', faststart: null, playability: 'all' });
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
    ['an unknown container', { ...HEVC_MP4, container: 'flv' }, 'media.container'],
    ['a field too many', { ...HEVC_MP4, poster: 'x' }, 'media.poster'],
    ['a field missing', (({ width: _w, ...rest }) => rest)(HEVC_MP4), 'media.width'],
    ['markup as a codec', { ...HEVC_MP4, video_codec: '<script>' }, 'media.video_codec'],
    ['a codec too long', { ...HEVC_MP4, audio_codec: 'a'.repeat(65) }, 'media.audio_codec'],
    ['a fractional width', { ...HEVC_MP4, width: 19.5 }, 'media.width'],
    ['a height of 0', { ...HEVC_MP4, height: 0 }, 'media.height'],
    ['a width beyond 16384', { ...HEVC_MP4, width: 20000 }, 'media.width'],
    ['a negative duration', { ...HEVC_MP4, duration: -1 }, 'media.duration'],
    ['a duration as text', { ...HEVC_MP4, duration: '12' }, 'media.duration'],
    ['faststart as a number', { ...HEVC_MP4, faststart: 1 }, 'media.faststart'],
    ['faststart for a WebM', { ...HEVC_MP4, container: 'webm', faststart: true }, 'media.faststart'],
    ['an unknown playability', { ...HEVC_MP4, playability: 'maybe' }, 'media.playability'],
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
    const res = await stack.edge.fetch('/api/confirm-upload', { token: staged.token, body: { ...staged.confirmBody, media: { ...HEVC_MP4, video_codec: 'avc1.64001F', playability: 'all' } } });
    assert.equal(res.status, 200, await res.clone().text());
  });

  it('the dashboard counts current videos by playability', async () => {
    const admin = await token(stack.secrets.sharedSecret, { scope: 'admin', sub: '2', role: 'admin' });
    const stats = (await (await stack.edge.fetch('/api/admin/stats?days=7', { token: admin })).json()) as AdminStatsResponse;
    assert.deepEqual(stats.playability, { all: 1, some: 1, none: 1, unknown: 0, unrecorded: 1 });
    assert.equal(stats.ready_videos, 4);
  });
});

// After the dashboard's count above: these add videos of their own.
describe('confirm sets what the browser reported against the stored bytes (review: rv/media.mjs)', () => {
  /** A 4 s 320×240 H.264 MP4 (moov first), and what a tampered browser said it was. */
  const REAL = isoBytes({ seconds: 4, width: 320, height: 240, audioFormat: null });
  const LIE: MediaFacts = {
    container: 'webm', video_codec: 'vp09.00.10.08', audio_codec: 'opus', width: 3840, height: 2160,
    duration: 3599, faststart: null, playability: 'all',
  };

  async function confirmReal(submissionid: number, duration: number, media: MediaFacts, file = { bytes: REAL, filename: 'clip.mp4', mimetype: 'video/mp4' }) {
    const staged = await stageVideo(stack, { submissionid, sub: `${submissionid}`, ...file });
    const res = await stack.edge.fetch('/api/confirm-upload', { token: staged.token, body: { ...staged.confirmBody, duration, media } });
    assert.equal(res.status, 200, await res.clone().text());
    const { videoid } = (await res.json()) as { videoid: number };
    const view = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '3', role: 'teacher', submissionid });
    const summary = (await (await stack.edge.fetch(`/api/video?submissionid=${submissionid}`, { token: view })).json()) as VideoSummaryResponse;
    const play = (await (await stack.edge.fetch(`/api/playback-url?submissionid=${submissionid}`, { token: view })).json()) as PlaybackUrlResponse;
    const server = await token(stack.secrets.sharedSecret, { scope: 'server', sub: '2', role: 'admin' });
    const status = (await (await stack.edge.fetch('/api/video-status', { token: server, body: { videoids: [videoid] } })).json()) as VideoStatusResponse;
    return { summary, play, status: status.videos[String(videoid)] };
  }

  it('facts naming another container are not stored, and the duration is the movie header\'s', async () => {
    const { summary, play, status } = await confirmReal(520, 3599, LIE);
    assert.equal(summary.video?.media, null);
    assert.equal(play.media, null);
    assert.equal(summary.video?.duration, 4);
    assert.equal(play.duration, 4);
    assert.equal(status?.duration, 4);
  });

  it('facts naming the right container get the header\'s size, duration and codec family, and the edge\'s verdict', async () => {
    const sent: MediaFacts = { ...LIE, container: 'mp4', video_codec: 'hvc1.2.4.L120.90', audio_codec: null, faststart: false, playability: 'none' };
    const { play } = await confirmReal(521, 3599, sent);
    assert.deepEqual(play.media, {
      container: 'mp4', video_codec: 'avc1', audio_codec: null, width: 320, height: 240, duration: 4, faststart: true, playability: 'all',
    });
    assert.equal(play.duration, 4);
  });

  it('a WebM: the header\'s duration and size win, and the browser\'s claimed codec family too', async () => {
    const webm = matroskaBytes({ docType: 'webm', seconds: 4, width: 320, height: 240, videoCodec: 'V_VP8', audioCodec: 'A_VORBIS' });
    const { play, status } = await confirmReal(522, 3599, LIE, { bytes: webm, filename: 'clip.webm', mimetype: 'video/webm' });
    assert.deepEqual(play.media, {
      container: 'webm', video_codec: 'V_VP8', audio_codec: 'A_VORBIS', width: 320, height: 240, duration: 4, faststart: null, playability: 'all',
    });
    assert.equal(status?.duration, 4);
  });
});
