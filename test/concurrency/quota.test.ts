import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkInvariants } from '../support/invariants';
import { errorOf, startStack, type Stack } from '../support/stack';
import { token } from '../support/tokens';

/**
 * The upload-session quota (10 a user per sliding hour) is one conditional D1 insert, so it
 * holds exactly however requests arrive, and a session whose storage step failed gives its
 * slot back.
 */
const request = (submissionid: number, filesize = 4096) => ({ assignmentid: 10, submissionid, filename: 'a.mp4', filesize, mimetype: 'video/mp4' });

describe('upload sessions: exactly 10 an hour under a burst', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  it('30 parallel starts (POST and multipart) for one user: exactly 10 pass, the rest 429 with a true Retry-After', async () => {
    const tok = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '77', submissionid: 5000 });
    const started = Math.floor(Date.now() / 1000);
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 2 === 0
          ? stack.edge.fetch('/api/upload-url', { token: tok, body: request(5000) })
          : stack.edge.fetch('/api/multipart/start', { token: tok, body: request(5000, 40 * 1024 * 1024) }),
      ),
    );
    const passed = responses.filter((r) => r.status === 201);
    const refused = responses.filter((r) => r.status !== 201);
    assert.equal(passed.length, 10);
    const oldest = (await stack.edge.db.prepare("SELECT MIN(upload_timestamp) AS t FROM videos WHERE userid = '77'").first<{ t: number }>())!.t;
    for (const r of refused) {
      const retryAfter = Number(r.headers.get('Retry-After'));
      const err = await errorOf(r);
      assert.deepEqual([err.status, err.code], [429, 'RATE_LIMITED']);
      // When the oldest counted session leaves the hour, as of the moment the request was refused.
      const now = Math.floor(Date.now() / 1000);
      assert.ok(retryAfter >= oldest + 3600 - now && retryAfter <= oldest + 3600 - started, `Retry-After ${retryAfter}`);
    }
    const rows = await stack.edge.db.prepare("SELECT COUNT(*) AS n FROM videos WHERE userid = '77'").first<{ n: number }>();
    assert.equal(rows!.n, 10, 'a refused start writes no record');
    await checkInvariants(stack);
  });

  it('another user is not affected, and the hour slides', async () => {
    const other = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '78', submissionid: 5001 });
    assert.equal((await stack.edge.fetch('/api/upload-url', { token: other, body: request(5001) })).status, 201);
    // Move user 77's sessions an hour into the past: the window is empty again.
    await stack.edge.db.prepare("UPDATE videos SET upload_timestamp = upload_timestamp - 3601 WHERE userid = '77'").run();
    const tok = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '77', submissionid: 5000 });
    assert.equal((await stack.edge.fetch('/api/upload-url', { token: tok, body: request(5000) })).status, 201);
  });
});

describe('a start whose storage step fails spends no slot', () => {
  let stack: Stack;
  before(async () => {
    // Nothing listens on port 1: S3 is down for this worker (a POST policy is signed locally and still works).
    stack = await startStack({ S3_ENDPOINT: 'http://127.0.0.1:1' });
  });
  after(async () => {
    await stack?.close();
  });

  it('12 failed multipart starts during an outage, then still 10 sessions this hour', async () => {
    const tok = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '79', submissionid: 5002 });
    for (let i = 0; i < 12; i++) {
      const err = await errorOf(await stack.edge.fetch('/api/multipart/start', { token: tok, body: request(5002, 40 * 1024 * 1024) }));
      assert.deepEqual([err.status, err.code], [502, 'STORAGE_ERROR']);
    }
    const failed = await stack.edge.db.prepare("SELECT upload_status, counts_for_quota, error_message FROM videos WHERE userid = '79'").all<{ upload_status: string; counts_for_quota: number; error_message: string }>();
    assert.equal(failed.results.length, 12);
    for (const r of failed.results) {
      assert.deepEqual([r.upload_status, r.counts_for_quota], ['error', 0]);
      assert.match(r.error_message, /^storage unavailable/);
    }
    const after = await Promise.all(Array.from({ length: 11 }, () => stack.edge.fetch('/api/upload-url', { token: tok, body: request(5002) })));
    assert.deepEqual(after.map((r) => r.status).sort(), [...Array(10).fill(201), 429]);
  });
});
