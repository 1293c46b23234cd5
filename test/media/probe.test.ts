import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openAsBlob, openSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { probeMedia } from '../../components/media/probe';
import { makePlayabilityFile, PLAYABILITY_CASES } from '../support/playability-files';
import { largeBoxHeader } from '../support/iso-bytes';

const dir = mkdtempSync(join(tmpdir(), 's3video-probe-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('probeMedia reads real files made by ffmpeg', () => {
  for (const c of PLAYABILITY_CASES) {
    it(`${c.name} → ${c.expected?.playability ?? 'unreadable (not held back)'}`, async () => {
      const path = makePlayabilityFile(dir, c);
      const result = await probeMedia(await openAsBlob(path));
      if (c.expected === null) return assert.equal(result, null);
      assert.ok(result, 'the header was read');
      const { playability, ...facts } = c.expected;
      assert.equal(result.facts.playability, playability);
      for (const [field, value] of Object.entries(facts)) assert.equal(result.facts[field as keyof typeof facts], value, field);
      assert.ok(result.facts.duration !== null && Math.abs(result.facts.duration - 2) < 0.1, `duration ${result.facts.duration}`);
    });
  }
});

/** 2 GiB of nothing, sparse on disk: what lies between a file's header and its index. */
const GAP = 2 * 1024 ** 3;

describe('probeMedia reads the header of a 2 GiB file, not the file', () => {
  it('finds the index at the end past 2 GiB of media data with a few reads', async () => {
    // ftyp, then a 2 GiB `free` (64-bit size) standing for the media data, then the real file's boxes.
    const small = readFileSync(makePlayabilityFile(dir, PLAYABILITY_CASES.find((c) => c.name === 'h264-index-last.mp4')!));
    const ftypSize = small.readUInt32BE(0);
    const path = join(dir, 'large-index-last.mp4');
    const fd = openSync(path, 'w');
    writeSync(fd, small, 0, ftypSize, 0);
    writeSync(fd, largeBoxHeader('free', GAP), 0, 16, ftypSize);
    writeSync(fd, small, ftypSize, small.length - ftypSize, ftypSize + GAP);
    closeSync(fd);
    const result = await probeMedia(await openAsBlob(path));
    assert.ok(result);
    assert.equal(result.facts.faststart, false);
    assert.equal(result.facts.video_codec, 'avc1.64000d');
    assert.ok(result.bytesRead < 1024 * 1024, `read ${result.bytesRead} bytes`);
    rmSync(path);
  });

  it('an AVI of 2 GiB costs its header list only', async () => {
    const small = readFileSync(makePlayabilityFile(dir, PLAYABILITY_CASES.find((c) => c.name === 'divx.avi')!));
    const path = join(dir, 'large.avi');
    writeFileSync(path, small);
    const fd = openSync(path, 'r+');
    // A JUNK chunk's header at the end, then the file grown sparse: what a long recording's size looks like.
    writeSync(fd, Buffer.from('JUNK\0\0\0\0', 'latin1'), 0, 8, small.length);
    closeSync(fd);
    truncateSync(path, GAP);
    const result = await probeMedia(await openAsBlob(path));
    assert.ok(result);
    assert.equal(result.facts.playability, 'none');
    assert.ok(result.bytesRead < 64 * 1024, `read ${result.bytesRead} bytes`);
    rmSync(path);
  });
});
