import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { containerFitsExtension, sniffContainer, SNIFF_BYTES } from '../../edge/src/media/container';
import { makeLegacyMov, makeMedia, makeTextAsVideo } from '../support/media-files';

const dir = mkdtempSync(join(tmpdir(), 's3video-media-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** What the uploader and the edge both read: the first SNIFF_BYTES of the file. */
const head = (path: string) => new Uint8Array(readFileSync(path).subarray(0, SNIFF_BYTES));

describe('sniffContainer reads the container from the first bytes of real files', () => {
  it('H.264 in MP4 is mp4', () => assert.equal(sniffContainer(head(makeMedia(dir, 'mp4'))), 'mp4'));
  it('QuickTime (ftyp brand "qt  ") is mov', () => assert.equal(sniffContainer(head(makeMedia(dir, 'mov'))), 'mov'));
  it('QuickTime without ftyp (opens with wide/mdat/moov) is mov', () => {
    const path = makeLegacyMov(dir);
    assert.match(readFileSync(path).toString('latin1', 4, 8), /^(wide|mdat|moov|free)$/);
    assert.equal(sniffContainer(head(path)), 'mov');
  });
  it('Matroska is matroska (EBML DocType)', () => assert.equal(sniffContainer(head(makeMedia(dir, 'mkv'))), 'matroska'));
  it('WebM is webm (EBML DocType)', () => assert.equal(sniffContainer(head(makeMedia(dir, 'webm'))), 'webm'));
  it('AVI is avi (RIFF … AVI )', () => assert.equal(sniffContainer(head(makeMedia(dir, 'avi'))), 'avi'));
  it('only the first bytes are needed: 64 suffice for every one', () => {
    for (const kind of ['mp4', 'mov', 'mkv', 'webm', 'avi'] as const) {
      assert.notEqual(sniffContainer(head(makeMedia(dir, kind, `short.${kind}`)).subarray(0, 64)), null, kind);
    }
  });
});

describe('sniffContainer refuses what is not a video container', () => {
  it('a 20-byte text file named notavideo.mp4', () => assert.equal(sniffContainer(head(makeTextAsVideo(dir))), null));
  it('nothing at all, and fewer bytes than any signature', () => {
    assert.equal(sniffContainer(new Uint8Array()), null);
    assert.equal(sniffContainer(head(makeMedia(dir, 'mp4', 'cut.mp4')).subarray(0, 7)), null);
  });
  it('other RIFF files (WAV) and other EBML documents', () => {
    const wav = Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1');
    assert.equal(sniffContainer(new Uint8Array(wav)), null);
    const mkv = head(makeMedia(dir, 'mkv', 'doc.mkv'));
    const at = Buffer.from(mkv).indexOf('matroska', 0, 'latin1');
    const other = new Uint8Array(mkv);
    other.set(Buffer.from('notvideo', 'latin1'), at);
    assert.equal(sniffContainer(other), null);
  });
  it('a PNG, a PDF and a ZIP renamed .mp4', () => {
    for (const magic of ['\x89PNG\r\n\x1a\n\0\0\0\rIHDR', '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'PK\x03\x04\x14\0\0\0\x08\0\0\0\0\0']) {
      assert.equal(sniffContainer(new Uint8Array(Buffer.from(magic, 'latin1'))), null, JSON.stringify(magic));
    }
  });
});

describe('containerFitsExtension: the bytes must be the family the name says', () => {
  it('MP4 and QuickTime share a structure and pass under either name', () => {
    assert.ok(containerFitsExtension('mp4', 'mov'));
    assert.ok(containerFitsExtension('mov', 'mp4'));
  });
  it('Matroska under .avi or AVI under .mp4 does not', () => {
    assert.equal(containerFitsExtension('matroska', 'avi'), false);
    assert.equal(containerFitsExtension('avi', 'mp4'), false);
    assert.equal(containerFitsExtension('webm', 'mov'), false);
  });
});
