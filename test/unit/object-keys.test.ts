import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { finalKeyOf, newCaptionKey, newUploadKeys, posterKeyOf, stagingKeyOf } from '../../edge/src/services/object-keys';

describe('object keys (services/object-keys.ts)', () => {
  const keys = newUploadKeys('42', 1_700_000_000_000, 'Vidéo finale.MP4');

  it('makes a staging and a final key with one suffix: user, time and randomness, safe name', () => {
    assert.match(keys.staging, /^uploads\/42\/1700000000000_[0-9a-f]{16}\/Video_finale\.mp4$/);
    assert.equal(keys.final, keys.staging.replace(/^uploads\//, 'videos/'));
  });

  it('never makes the same keys twice for the same user, time and name', () => {
    const seen = new Set(Array.from({ length: 200 }, () => newUploadKeys('42', 1, 'a.mp4').staging));
    assert.equal(seen.size, 200);
  });

  it('maps a staging key to its final key and back; anything else is not a staging key', () => {
    assert.equal(finalKeyOf(keys.staging), keys.final);
    assert.equal(stagingKeyOf(keys.final), keys.staging);
    assert.equal(finalKeyOf(keys.final), null);
    assert.equal(finalKeyOf('other/42/x.mp4'), null);
    assert.equal(finalKeyOf(''), null);
  });

  it('puts the poster and captions in the video\'s folder, where its own name cannot collide', () => {
    const folder = keys.final.slice(0, keys.final.lastIndexOf('/'));
    assert.equal(posterKeyOf(keys.final), `${folder}/poster.jpg`);
    const caption = newCaptionKey(keys.final, 'pt-BR');
    assert.match(caption, new RegExp(`^${folder.replace(/[.]/g, '\\.')}/captions/pt-BR_[0-9a-f]{12}\\.vtt$`));
    assert.notEqual(newCaptionKey(keys.final, 'pt-BR'), caption);
  });
});
