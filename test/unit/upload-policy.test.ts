import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import {
  MAX_PARTS,
  MAX_POST_BYTES,
  MAX_UPLOAD_BYTES,
  MIN_PART_BYTES,
  canonicalVideoType,
  partSizeFor,
  type UploadClaims,
} from '../../edge/src/contract';
import { ApiError } from '../../edge/src/errors';
import { parseUploadRequest } from '../../edge/src/http/upload-request';
import { presignUpload } from '../../edge/src/services/s3';

const claims: UploadClaims = {
  iss: 'http://moodle.test', aud: 's3video', sub: '42', role: 'student', scope: 'upload', iat: 0, exp: 60,
  courseid: 2, assignmentid: 10, submissionid: 100, maxbytes: MAX_UPLOAD_BYTES,
};
const body = { assignmentid: 10, submissionid: 100, filename: 'talk.mp4', filesize: 1000, mimetype: 'video/mp4' };

/** The ApiError code and field a call refuses with. */
function refusal(call: () => unknown): { code: string; field: string | undefined } {
  try {
    call();
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    return { code: err.code, field: err.field };
  }
  assert.fail('no refusal');
}

describe('the canonical type of a video (contract.ts canonicalVideoType)', () => {
  it('maps aliases, generic and parameterised types to the extension\'s first type', () => {
    assert.equal(canonicalVideoType('mkv', 'video/x-matroska'), 'video/matroska');
    assert.equal(canonicalVideoType('avi', 'VIDEO/AVI'), 'video/x-msvideo');
    assert.equal(canonicalVideoType('mp4', ''), 'video/mp4');
    assert.equal(canonicalVideoType('mp4', 'application/octet-stream'), 'video/mp4');
    assert.equal(canonicalVideoType('webm', 'video/webm; codecs="vp9,opus"'), 'video/webm');
  });

  it('refuses (null) a type that contradicts the extension', () => {
    assert.equal(canonicalVideoType('mp4', 'video/webm'), null);
    assert.equal(canonicalVideoType('mov', 'text/html'), null);
  });
});

describe('part sizes (contract.ts partSizeFor)', () => {
  it('keeps every file within S3\'s part count and part floor, in whole MiB', () => {
    for (const size of [1, MIN_PART_BYTES, 16 * 1024 ** 2 + 1, 160 * 1024 ** 3 / 32, MAX_UPLOAD_BYTES, 200 * 1024 ** 3]) {
      const part = partSizeFor(size);
      assert.ok(part >= MIN_PART_BYTES, `${size}: part ${part}`);
      assert.equal(part % 1024 ** 2, 0);
      assert.ok(Math.ceil(size / part) <= MAX_PARTS, `${size}: ${Math.ceil(size / part)} parts`);
    }
  });
});

describe('an upload request (http/upload-request.ts)', () => {
  it('answers the canonical type and the checked fields', () => {
    assert.deepEqual(parseUploadRequest({ ...body, filename: 'a.MKV', mimetype: 'video/x-matroska' }, claims, 'post'), {
      assignmentid: 10, submissionid: 100, filename: 'a.MKV', filesize: 1000, mimetype: 'video/matroska',
    });
  });

  it('refuses ids that are not the token\'s, naming the field', () => {
    assert.deepEqual(refusal(() => parseUploadRequest({ ...body, submissionid: 101 }, claims, 'post')), { code: 'FORBIDDEN', field: 'submissionid' });
    assert.deepEqual(refusal(() => parseUploadRequest({ ...body, assignmentid: 11 }, claims, 'post')), { code: 'FORBIDDEN', field: 'assignmentid' });
  });

  it('refuses empty files, files over the token\'s limit, and what is not a video by name or type', () => {
    assert.deepEqual(refusal(() => parseUploadRequest({ ...body, filesize: 0 }, claims, 'post')), { code: 'INVALID_REQUEST', field: 'filesize' });
    assert.deepEqual(refusal(() => parseUploadRequest(body, { ...claims, maxbytes: 999 }, 'post')), { code: 'FILE_TOO_LARGE', field: 'filesize' });
    assert.deepEqual(refusal(() => parseUploadRequest({ ...body, filename: 'a.exe' }, claims, 'post')), { code: 'UNSUPPORTED_TYPE', field: 'filename' });
    assert.deepEqual(refusal(() => parseUploadRequest({ ...body, mimetype: 'video/webm' }, claims, 'post')), { code: 'UNSUPPORTED_TYPE', field: 'mimetype' });
  });

  it('sends a file above MAX_POST_BYTES to multipart, and admits it there', () => {
    const big = { ...body, filesize: MAX_POST_BYTES + 1 };
    assert.deepEqual(refusal(() => parseUploadRequest(big, claims, 'post')), { code: 'USE_MULTIPART', field: 'filesize' });
    assert.equal(parseUploadRequest(big, claims, 'multipart').filesize, MAX_POST_BYTES + 1);
  });
});

describe('the POST policy (services/s3.ts presignUpload), signed without a network', () => {
  it('pins the key, the exact size and the type, so the browser cannot widen any of them', async () => {
    const s3 = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', forcePathStyle: true, credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' } });
    const { url, fields } = await presignUpload(s3, 'bucket', 'uploads/42/1_ab/talk.mp4', 'video/mp4', 1234, 600);
    assert.equal(url, 'http://127.0.0.1:1/bucket');
    assert.equal(fields.key, 'uploads/42/1_ab/talk.mp4');
    assert.equal(fields['Content-Type'], 'video/mp4');
    const policy = JSON.parse(Buffer.from(fields.Policy!, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
    assert.deepEqual(policy.conditions.filter(Array.isArray), [['content-length-range', 1234, 1234], ['eq', '$Content-Type', 'video/mp4']]);
    assert.ok(policy.conditions.some((c) => JSON.stringify(c) === JSON.stringify({ key: 'uploads/42/1_ab/talk.mp4' })));
    assert.ok(policy.conditions.some((c) => JSON.stringify(c) === JSON.stringify({ bucket: 'bucket' })));
    const lifetime = Date.parse(policy.expiration) - Date.now();
    assert.ok(lifetime > 0 && lifetime <= 600_000, `expires in ${lifetime} ms`);
  });
});
