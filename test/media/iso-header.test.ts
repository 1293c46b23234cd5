import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkedMedia } from '../../edge/src/media/checked-facts';
import { SNIFF_BYTES } from '../../edge/src/media/container';
import { readIsoHeader } from '../../edge/src/media/iso-header';
import { readMatroskaHeader } from '../../edge/src/media/matroska-header';
import { sniffContainer } from '../../edge/src/media/container';
import type { MediaFacts } from '../../edge/src/contract';
import { isoBytes } from '../support/iso-bytes';
import { matroskaBytes } from '../support/matroska-bytes';

const first = (b: Buffer) => new Uint8Array(b.subarray(0, SNIFF_BYTES));

describe('readIsoHeader: the facts a fast-start MP4 holds in its first bytes', () => {
  it('reads duration, the video track size, both sample entries and fast start', () => {
    assert.deepEqual(readIsoHeader(first(isoBytes({ seconds: 4, width: 320, height: 240 }))), {
      faststart: true, duration: 4, width: 320, height: 240, videoFormat: 'avc1', audioFormat: 'mp4a',
    });
  });
  it('a phone\'s upright recording (a quarter-turn matrix) is as tall as it is shown', () => {
    const header = readIsoHeader(first(isoBytes({ seconds: 4, width: 1920, height: 1080, portrait: true })));
    assert.deepEqual([header?.width, header?.height], [1080, 1920]);
  });
  it('moov at the end: only faststart false is known', () => {
    assert.deepEqual(readIsoHeader(first(isoBytes({ seconds: 4, width: 320, height: 240, faststart: false }))), {
      faststart: false, duration: null, width: null, height: null, videoFormat: null, audioFormat: null,
    });
  });
  it('a header cut off by the end of the bytes gives what it holds and reads nothing past them', () => {
    const whole = isoBytes({ seconds: 7.5, width: 640, height: 360 });
    const moovAt = whole.indexOf('moov') - 4;
    const cut = readIsoHeader(new Uint8Array(whole.subarray(0, moovAt + 8 + 108 + 40)));
    assert.equal(cut?.duration, 7.5);
    assert.equal(cut?.width, null);
  });
  it('random bytes after ftyp: nothing', () => {
    assert.equal(readIsoHeader(new Uint8Array(32)), null);
  });
});

describe('readMatroskaHeader: the facts a Matroska/WebM file holds in its first bytes', () => {
  it('reads duration, the video track size and both codec IDs, and stops at the first Cluster', () => {
    const bytes = first(matroskaBytes({ docType: 'webm', seconds: 3.008, width: 320, height: 240, videoCodec: 'V_VP9' }));
    assert.equal(sniffContainer(bytes), 'webm');
    assert.deepEqual(readMatroskaHeader(bytes), {
      faststart: null, duration: 3.008, width: 320, height: 240, videoFormat: 'V_VP9', audioFormat: 'A_OPUS',
    });
  });
  it('a header cut off by the end of the bytes gives what it holds', () => {
    const whole = matroskaBytes({ docType: 'matroska', seconds: 2, width: 640, height: 360, videoCodec: 'V_MPEG4/ISO/AVC' });
    const tracksAt = whole.indexOf(Buffer.from([0x16, 0x54, 0xae, 0x6b]));
    const cut = readMatroskaHeader(new Uint8Array(whole.subarray(0, tracksAt + 20)));
    assert.equal(cut?.duration, 2);
    assert.equal(cut?.videoFormat, null);
    assert.equal(cut?.width, null);
  });
});

describe('checkedMedia: the bytes win over what the browser reported', () => {
  const LIE: MediaFacts = {
    container: 'webm', video_codec: 'vp09.00.10.08', audio_codec: 'opus', width: 3840, height: 2160,
    duration: 3599, faststart: null, playability: 'all',
  };
  const mp4 = first(isoBytes({ seconds: 4, width: 320, height: 240, audioFormat: null }));

  it('facts naming another container than the bytes are dropped; the duration is the header\'s', () => {
    assert.deepEqual(checkedMedia(mp4, 'mp4', { duration: 3599, media: LIE }), { duration: 4, media: null });
  });
  it('a matching container keeps the browser\'s codec string but the header\'s size, duration and fast start', () => {
    const sent: MediaFacts = { ...LIE, container: 'mp4', video_codec: 'avc1.64001f', audio_codec: null, faststart: false };
    assert.deepEqual(checkedMedia(mp4, 'mp4', { duration: 3599, media: sent }).media, {
      container: 'mp4', video_codec: 'avc1.64001f', audio_codec: null, width: 320, height: 240, duration: 4, faststart: true, playability: 'all',
    });
  });
  it('a codec of another family than the sample entry is replaced, and the verdict follows the bytes', () => {
    const hevc = first(isoBytes({ seconds: 2, width: 1920, height: 1080, videoFormat: 'hvc1', audioFormat: 'ac-3' }));
    const sent: MediaFacts = { ...LIE, container: 'mp4', video_codec: 'avc1.64001f', audio_codec: 'mp4a.40.2', faststart: true, playability: 'all' };
    const media = checkedMedia(hevc, 'mp4', { duration: 2, media: sent }).media!;
    assert.equal(media.video_codec, 'hvc1');
    assert.equal(media.audio_codec, 'ac-3');
    assert.equal(media.playability, 'some');
  });
  it('a WebM file: the header\'s duration and size, and a codec of another family replaced', () => {
    const webm = first(matroskaBytes({ docType: 'webm', seconds: 4, width: 320, height: 240, videoCodec: 'V_AV1', audioCodec: null }));
    assert.deepEqual(checkedMedia(webm, 'webm', { duration: 3599, media: LIE }), {
      duration: 4,
      media: { container: 'webm', video_codec: 'V_AV1', audio_codec: 'opus', width: 320, height: 240, duration: 4, faststart: null, playability: 'some' },
    });
  });
  it('a Matroska file whose header is not in the bytes: the container is checked, the rest stays the browser\'s report with the edge\'s verdict', () => {
    const sent: MediaFacts = { ...LIE, container: 'webm', playability: 'none' };
    assert.deepEqual(checkedMedia(new Uint8Array(), 'webm', { duration: 3599, media: sent }), { duration: 3599, media: { ...sent, playability: 'all' } });
    assert.equal(checkedMedia(new Uint8Array(), 'matroska', { duration: 1, media: sent }).media, null);
  });
});
