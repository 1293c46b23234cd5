import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_UPLOAD_BYTES, type UploadClaims } from '../../edge/src/contract';
import { ApiError } from '../../edge/src/errors';
import { readableSize } from '../../edge/src/http/readable-size';
import { parseUploadRequest } from '../../edge/src/http/upload-request';

describe('sizes in the edge\'s messages, as people read them (edge/src/http/readable-size.ts)', () => {
  it('picks the unit that fits, one decimal under 10, whole numbers from 10, no ".0"', () => {
    assert.equal(readableSize(999), '999 bytes');
    assert.equal(readableSize(512 * 1024), '512 KB');
    assert.equal(readableSize(1.5 * 1024 ** 2), '1.5 MB');
    assert.equal(readableSize(1024 ** 2), '1 MB');
    assert.equal(readableSize(9.96 * 1024 ** 2), '10 MB');
    assert.equal(readableSize(100 * 1024 ** 2), '100 MB');
    assert.equal(readableSize(1024 ** 2 - 1), '1 MB');
    assert.equal(readableSize(2.25 * 1024 ** 3), '2.3 GB');
    assert.equal(readableSize(MAX_UPLOAD_BYTES), '5 GB');
  });

  it('FILE_TOO_LARGE names a limit under 1 MB and a fractional one truly (review: "limit of 0 MB")', () => {
    const claims: UploadClaims = {
      iss: 'http://moodle.test', aud: 's3video', sub: '42', role: 'student', scope: 'upload', iat: 0, exp: 60,
      courseid: 2, assignmentid: 10, submissionid: 100, maxbytes: MAX_UPLOAD_BYTES,
    };
    const message = (maxbytes: number) => {
      try {
        parseUploadRequest({ assignmentid: 10, submissionid: 100, filename: 'a.mp4', filesize: maxbytes + 1, mimetype: 'video/mp4' }, { ...claims, maxbytes }, 'post');
      } catch (err) {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, 'FILE_TOO_LARGE');
        return err.message;
      }
      assert.fail('no refusal');
    };
    assert.match(message(512 * 1024), /limit of 512 KB\.$/);
    assert.match(message(1.5 * 1024 ** 2), /limit of 1\.5 MB\.$/);
    assert.match(message(MAX_UPLOAD_BYTES), /limit of 5 GB\.$/);
  });
});
