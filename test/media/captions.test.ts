import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { subripToWebVtt } from '../../components/player/captions-subrip';
import { canonicalLanguageTag } from '../../edge/src/media/language-tag';
import { validateWebVtt } from '../../edge/src/media/webvtt';

describe('validateWebVtt (browser and edge alike)', () => {
  it('accepts WebVTT with a BOM, CRLF, a header text, notes, styles, identifiers, settings and hour-less times', () => {
    const vtt = '\ufeffWEBVTT - lecture\r\nKind: captions\r\n\r\nSTYLE\r\n::cue { color: yellow }\r\n\r\nNOTE made by hand\r\n\r\nintro\r\n00:01.000 --> 00:02.500 align:start\r\n<i>Hi</i> &amp; welcome\r\n\r\n01:00:00.000 --> 01:00:01.000\r\nLater\r\n';
    assert.deepEqual(validateWebVtt(vtt), { ok: true, cues: 2 });
  });
  it('names each fault and its line', () => {
    assert.deepEqual(validateWebVtt(''), { ok: false, fault: 'empty', line: null });
    assert.deepEqual(validateWebVtt('WEBVTTX\n\n00:01.000 --> 00:02.000\nx'), { ok: false, fault: 'header', line: 1 });
    assert.deepEqual(validateWebVtt('WEBVTT\n\n00:01,000 --> 00:02,000\nx'), { ok: false, fault: 'timing', line: 3 });
    assert.deepEqual(validateWebVtt('WEBVTT\n\n00:61.000 --> 01:02.000\nx'), { ok: false, fault: 'timing', line: 3 });
    assert.deepEqual(validateWebVtt('WEBVTT\n\n00:05.000 --> 00:06.000\nx\n\n00:04.000 --> 00:07.000\ny'), { ok: false, fault: 'timing', line: 6 });
    assert.deepEqual(validateWebVtt('WEBVTT\n\nid\nno timing here\n'), { ok: false, fault: 'timing', line: 4 });
    assert.deepEqual(validateWebVtt('WEBVTT\n'), { ok: false, fault: 'no_cues', line: null });
    assert.deepEqual(validateWebVtt('WEBVTT\n\n00:01.000 --> 00:02.000\n\u0000'), { ok: false, fault: 'encoding', line: null });
    assert.equal((validateWebVtt(`WEBVTT\n\n00:01.000 --> 00:02.000\n${'é'.repeat(270 * 1024)}`) as { fault: string }).fault, 'too_large');
  });
});

describe('subripToWebVtt', () => {
  it('converts times, keeps b/i/u, drops font and ASS tags, escapes the rest', () => {
    const srt = '\ufeff1\r\n00:00:01,5 --> 00:00:03,250 X1:10 X2:20\r\n<font color="red">Hello</font> {\\an8}<i>world</i> & <3\r\n\r\n2\r\n0:00:04,000 --> 0:00:05,000\r\nBye\r\n';
    const vtt = subripToWebVtt(srt)!;
    assert.equal(vtt, 'WEBVTT\n\n00:00:01.500 --> 00:00:03.250\nHello <i>world</i> &amp; &lt;3\n\n00:00:04.000 --> 00:00:05.000\nBye\n');
    assert.deepEqual(validateWebVtt(vtt), { ok: true, cues: 2 });
  });
  it('is null for what is not SubRip', () => {
    assert.equal(subripToWebVtt('just some text\nwith lines'), null);
    assert.equal(subripToWebVtt(''), null);
  });
});

describe('canonicalLanguageTag', () => {
  it('puts a BCP 47 tag in its conventional case and refuses what is not one', () => {
    assert.equal(canonicalLanguageTag('PT-br'), 'pt-BR');
    assert.equal(canonicalLanguageTag('zh-hant-tw'), 'zh-Hant-TW');
    assert.equal(canonicalLanguageTag('es-419'), 'es-419');
    for (const bad of ['', 'english', 'e', 'en_US', 'en-', '<script>']) assert.equal(canonicalLanguageTag(bad), null, bad);
  });
});
