import assert from 'node:assert/strict';
import { mkdtempSync, openAsBlob, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { probeMedia } from '../../components/media/probe';
import { checkedMedia } from '../../edge/src/media/checked-facts';
import { sniffContainer, SNIFF_BYTES } from '../../edge/src/media/container';
import { makePlayabilityFile, PLAYABILITY_CASES } from '../support/playability-files';

const dir = mkdtempSync(join(tmpdir(), 's3video-checked-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * An honest upload is stored as the uploader read it: on real files made by ffmpeg, the edge's
 * own reading of the first bytes (checked-facts.ts) agrees with the uploader's (probe.ts), so
 * checking changes nothing of what a student's browser reported truly.
 */
describe('the edge\'s header reading agrees with the uploader\'s on real files', () => {
  for (const c of PLAYABILITY_CASES.filter((c) => c.expected !== null)) {
    it(c.name, async () => {
      const path = makePlayabilityFile(dir, c);
      const facts = (await probeMedia(await openAsBlob(path)))?.facts;
      assert.ok(facts, 'the uploader read the header');
      const first = new Uint8Array(readFileSync(path).subarray(0, SNIFF_BYTES));
      const checked = checkedMedia(first, sniffContainer(first)!, { duration: facts.duration, media: facts });
      assert.deepEqual(checked, { duration: facts.duration, media: facts });
    });
  }
});
