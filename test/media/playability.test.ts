import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MediaFacts, Playability } from '../../edge/src/contract';
import { audioCodecName, describeMedia, videoCodecName } from '../../edge/src/media/codecs';
import { verdictOf, type PlayabilityReason } from '../../edge/src/media/playability';

type Row = [container: MediaFacts['container'], video: string | null, audio: string | null, playability: Playability, reasons: PlayabilityReason[]];

/**
 * The verdict table, row by row (sources in components/media/playability.ts: MDN's "Web video
 * codec guide" and "Media container formats", caniuse mpeg4/hevc/webm/av1/opus/ogg-vorbis).
 */
const TABLE: Row[] = [
  // Every current browser.
  ['mp4', 'avc1.64001F', 'mp4a.40.2', 'all', []],
  ['mp4', 'avc1.42E01E', null, 'all', []],
  ['mov', 'avc1.640028', 'mp4a.40.2', 'all', []],
  ['mp4', 'avc1.4D401E', 'mp3', 'all', []],
  ['webm', 'vp8', 'vorbis', 'all', []],
  ['webm', 'vp09.00.10.08', 'opus', 'all', []],
  ['mp4', 'vp09.00.10.08', 'opus', 'all', []],
  // Only some: which ones is the reason's string.
  ['mp4', 'hvc1.1.6.L93.B0', 'mp4a.40.2', 'some', ['hevc']],
  ['mov', 'hev1.2.4.L120.90', 'mp4a.40.2', 'some', ['hevc']],
  ['webm', 'av01.0.04M.08', 'opus', 'some', ['av1']],
  ['mkv', 'avc1.64001F', 'mp4a.40.2', 'some', ['mkv']],
  ['mkv', 'hvc1.1.6.L93.B0', 'opus', 'some', ['mkv', 'hevc']],
  ['mp4', 'avc1.64001F', 'ac-3', 'some', ['audio_ac3']],
  ['mov', 'avc1.64001F', 'pcm-s16', 'some', ['audio_pcm']],
  // None.
  ['avi', 'XVID', 'mp3', 'none', ['avi', 'mpeg4']],
  ['avi', 'H264', 'mp3', 'none', ['avi']],
  ['avi', 'DX50', null, 'none', ['avi', 'mpeg4']],
  ['mp4', 'mp4v.20.9', 'mp4a.40.2', 'none', ['mpeg4']],
  ['mkv', 'V_MPEG4/ISO/ASP', 'mp3', 'none', ['mpeg4', 'mkv']],
  ['mov', 'apcn', 'pcm-s16', 'none', ['prores', 'audio_pcm']],
  ['mov', 'ap4h', null, 'none', ['prores']],
  ['avi', 'WMV3', 'wma', 'none', ['avi', 'vc1', 'audio_other']],
  ['mov', 'mjpa', null, 'none', ['mjpeg']],
  ['mp4', null, 'mp4a.40.2', 'none', ['no_video']],
  // A codec the table does not know: no warning, recorded as unknown.
  ['mp4', 'zzzz', 'mp4a.40.2', 'unknown', ['codec_unknown']],
  ['mkv', 'zzzz', null, 'some', ['mkv', 'codec_unknown']],
];

describe('the playability verdict table', () => {
  for (const [container, video, audio, playability, reasons] of TABLE) {
    it(`${container} ${video ?? '(no video)'} ${audio ?? '(no audio)'} → ${playability}`, () => {
      assert.deepEqual(verdictOf({ container, video_codec: video, audio_codec: audio }), { playability, reasons });
    });
  }
});

describe('codec names for people', () => {
  it('names H.264 and HEVC with their profile', () => {
    assert.equal(videoCodecName('avc1.64001F'), 'H.264 High');
    assert.equal(videoCodecName('avc1.42E01E'), 'H.264 Baseline');
    assert.equal(videoCodecName('hvc1.2.4.L120.90'), 'HEVC (H.265) Main 10');
    assert.equal(videoCodecName('hev1.1.6.L60.90'), 'HEVC (H.265) Main');
    assert.equal(videoCodecName('XVID'), 'MPEG-4 Part 2 (DivX/Xvid)');
    assert.equal(videoCodecName('apcn'), 'Apple ProRes');
    assert.equal(videoCodecName('zzzz'), 'zzzz');
    assert.equal(audioCodecName('mp4a.40.2'), 'AAC');
  });

  it('describes a file in one line', () => {
    const facts: MediaFacts = { container: 'mov', video_codec: 'hvc1.2.4.L120.90', audio_codec: 'mp4a.40.2', width: 1920, height: 1080, duration: 12, faststart: true, playability: 'some' };
    assert.equal(describeMedia(facts), 'MOV · HEVC (H.265) Main 10 · AAC · 1920×1080');
  });
});
