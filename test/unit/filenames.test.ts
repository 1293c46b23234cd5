import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extensionOf, isVideoExtension, safeFilename } from '../../edge/src/services/filenames';

describe('file names for keys (services/filenames.ts)', () => {
  it('keeps a name readable: accents dropped, not the letter; the extension lower-cased', () => {
    assert.equal(safeFilename('Vidéo finale (v2).MP4'), 'Video_finale_v2.mp4');
    // Letters with no decomposition (Æ, ø, ß) have no ASCII base to keep: they become separators.
    assert.equal(safeFilename('Ærø Ŝtraße.mov'), 'r_Stra_e.mov');
  });

  it('keeps only the last path segment, whichever separator a system used', () => {
    assert.equal(safeFilename('C:\\Users\\sam\\clip.webm'), 'clip.webm');
    assert.equal(safeFilename('../../etc/passwd.mp4'), 'passwd.mp4');
  });

  it('gives a name with nothing safe left a stand-in stem', () => {
    assert.equal(safeFilename('日本語.mkv'), 'video.mkv');
    assert.equal(safeFilename('....mp4'), 'video.mp4');
  });

  it('never returns a name longer than 100 characters, extension included', () => {
    const name = safeFilename(`${'a'.repeat(300)}.webm`);
    assert.equal(name.length, 100);
    assert.ok(name.endsWith('.webm'));
  });

  it('reads the extension after the last dot, lower-cased; a leading dot is no extension', () => {
    assert.equal(extensionOf('a.b.MKV'), 'mkv');
    assert.equal(extensionOf('.mp4'), '');
    assert.equal(extensionOf('noext'), '');
  });

  it('knows the video extensions, and nothing from the object prototype', () => {
    for (const ext of ['mp4', 'mov', 'avi', 'mkv', 'webm']) assert.ok(isVideoExtension(ext), ext);
    for (const ext of ['exe', 'MP4', '', 'constructor', 'toString', '__proto__']) assert.ok(!isVideoExtension(ext), ext);
  });
});
