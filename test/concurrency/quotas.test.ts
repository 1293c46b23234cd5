import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorOf, startStack, uploadVideo, type Stack } from '../support/stack';
import { SITE, token } from '../support/tokens';

/**
 * Quotas under parallel bursts on one location (the worker in workerd, real local D1 and KV):
 * at most N succeed per sliding hour, the rest get 429 with a true Retry-After, and the events
 * table holds exactly the rows the quota allowed. KV is the production-like stand-in that
 * refuses a second write to one key within a second, so every burst also exercises the brake
 * failing; a second stack has KV down altogether.
 */

const PLAYBACKS = 100;
const EVENTS = 120;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

async function count(stack: Stack, sql: string, ...binds: unknown[]): Promise<number> {
  const row = await stack.edge.db.prepare(sql).bind(...binds).first<{ n: number }>();
  return row!.n;
}

const playbackRows = (stack: Stack, sub: string) =>
  count(stack, "SELECT COUNT(*) AS n FROM events WHERE userid = ? AND event_type = 'playback_access'", sub);
const reportRows = (stack: Stack, sub: string) =>
  count(stack, "SELECT COUNT(*) AS n FROM events WHERE userid = ? AND event_type IN ('upload_failure', 'upload_retry', 'playback_failure')", sub);

/** Statuses of a burst, e.g. { 200: 100, 429: 50 }. */
function tally(responses: Response[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of responses) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

/** Every 429 carries Retry-After = (the oldest counted row + 3600) − the request's now. */
async function assertRetryAfter(refused: Response[], oldest: number, sentAt: number, doneAt: number): Promise<void> {
  for (const res of refused) {
    const retryAfter = Number(res.headers.get('Retry-After'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
    assert.ok(retryAfter >= oldest + 3600 - doneAt && retryAfter <= oldest + 3600 - sentAt, `Retry-After ${retryAfter}, oldest ${oldest}, sent ${sentAt}…${doneAt}`);
    assert.equal((await errorOf(res)).code, 'RATE_LIMITED');
  }
}

describe('quotas under parallel bursts (KV refusing a second write per key per second)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({}, { kv: 'write-limited' });
  });
  after(async () => {
    await stack?.close();
  });

  it(`150 parallel playback-url → exactly ${PLAYBACKS} signed URLs and ${PLAYBACKS} playback_access rows; the rest 429`, async () => {
    await uploadVideo(stack, { submissionid: 500 });
    const view = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '501', submissionid: 500 });
    const sentAt = nowSeconds();
    const responses = await Promise.all(
      Array.from({ length: 150 }, () => stack.edge.fetch('/api/playback-url?submissionid=500', { token: view })),
    );
    const doneAt = nowSeconds() + 1;
    assert.deepEqual(tally(responses), { 200: PLAYBACKS, 429: 150 - PLAYBACKS });
    for (const res of responses.filter((r) => r.status === 200)) {
      assert.match(((await res.json()) as { signed_url: string }).signed_url, /Signature=/);
    }
    assert.equal(await playbackRows(stack, '501'), PLAYBACKS);
    const oldest = await count(stack, "SELECT MIN(timestamp) AS n FROM events WHERE userid = '501' AND event_type = 'playback_access'");
    await assertRetryAfter(responses.filter((r) => r.status === 429), oldest, sentAt, doneAt);

    // The refusal is remembered in KV as "refused until" the oldest row leaves the hour.
    const brake = Number(await stack.edge.kv.get(`quota:playback:${SITE}:501`));
    assert.equal(brake, oldest + 3600);
    // Another viewer is not held back by this one's quota.
    const other = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '502', submissionid: 500 });
    assert.equal((await stack.edge.fetch('/api/playback-url?submissionid=500', { token: other })).status, 200);
    assert.equal(await playbackRows(stack, '501'), PLAYBACKS);
  });

  it('the window slides: Retry-After names when the oldest row leaves, and then a slot is free', async () => {
    await uploadVideo(stack, { submissionid: 510 });
    const view = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '511', submissionid: 510 });
    for (let i = 0; i < PLAYBACKS; i++) {
      assert.equal((await stack.edge.fetch('/api/playback-url?submissionid=510', { token: view })).status, 200);
    }
    // Age the oldest row to 10 s before it leaves the window (D1 decides; the brake is reset).
    const age = async (secondsAgo: number) => {
      await stack.edge.db
        .prepare("UPDATE events SET timestamp = ? WHERE id = (SELECT MIN(id) FROM events WHERE userid = '511' AND event_type = 'playback_access')")
        .bind(nowSeconds() - secondsAgo)
        .run();
      await stack.edge.kv.delete(`quota:playback:${SITE}:511`);
    };
    await age(3590);
    const sentAt = nowSeconds();
    const refused = await stack.edge.fetch('/api/playback-url?submissionid=510', { token: view });
    assert.equal(refused.status, 429);
    const retryAfter = Number(refused.headers.get('Retry-After'));
    assert.ok(retryAfter >= 1 && retryAfter <= 10 + (nowSeconds() - sentAt) + 1 && retryAfter >= 10 - (nowSeconds() - sentAt) - 1, `Retry-After ${retryAfter}`);
    await age(3601);
    assert.equal((await stack.edge.fetch('/api/playback-url?submissionid=510', { token: view })).status, 200);
    assert.equal(await playbackRows(stack, '511'), PLAYBACKS + 1, 'the aged row plus the 100 inside the hour');
  });

  it(`200 parallel client events → exactly ${EVENTS} stored, the rest 429`, async () => {
    const upload = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '521' });
    const sentAt = nowSeconds();
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        stack.edge.fetch('/api/events', {
          token: upload,
          body: { event_type: i % 2 ? 'upload_failure' : 'upload_retry', error_code: 'NETWORK', retry_count: i },
        }),
      ),
    );
    const doneAt = nowSeconds() + 1;
    assert.deepEqual(tally(responses), { 201: EVENTS, 429: 200 - EVENTS });
    assert.equal(await reportRows(stack, '521'), EVENTS);
    const oldest = await count(stack, "SELECT MIN(timestamp) AS n FROM events WHERE userid = '521'");
    await assertRetryAfter(responses.filter((r) => r.status === 429), oldest, sentAt, doneAt);
  });

  it(`300 parallel bogus confirms → each refused, but at most ${EVENTS} upload_failure rows`, async () => {
    const upload = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '531' });
    const responses = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        stack.edge.fetch('/api/confirm-upload', {
          token: upload,
          body: { assignmentid: 10, submissionid: 100, s3_key: `videos/531/forged-${i}.mp4`, filesize: 1000, md5: 'd41d8cd98f00b204e9800998ecf8427e' },
        }),
      ),
    );
    // The refusal itself is always answered; only its logging is capped.
    assert.deepEqual(tally(responses), { 404: 300 });
    for (const res of responses) assert.equal((await errorOf(res)).code, 'UPLOAD_NOT_FOUND');
    assert.equal(await count(stack, "SELECT COUNT(*) AS n FROM events WHERE userid = '531' AND event_type = 'upload_failure'"), EVENTS);
    assert.equal(await count(stack, "SELECT COUNT(*) AS n FROM events WHERE userid = '531'"), EVENTS);
  });
});

describe('a request that fails after its check spends no slot', () => {
  let stack: Stack;
  before(async () => {
    // A private key CloudFront signing cannot use: every playback-url ends in CDN_ERROR.
    stack = await startStack({ CLOUDFRONT_PRIVATE_KEY: 'not a PEM key', RATE_LIMIT_PLAYBACKS_PER_HOUR: '3' });
  });
  after(async () => {
    await stack?.close();
  });

  it('10 CDN failures with a limit of 3: all 502 CDN_ERROR, none 429, no playback_access row', async () => {
    await uploadVideo(stack, { submissionid: 600 });
    const view = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '601', submissionid: 600 });
    // One after another: each would see the slots its predecessors spent.
    const responses: Response[] = [];
    for (let i = 0; i < 10; i++) responses.push(await stack.edge.fetch('/api/playback-url?submissionid=600', { token: view }));
    assert.deepEqual(tally(responses), { 502: 10 });
    for (const res of responses) assert.equal((await errorOf(res)).code, 'CDN_ERROR');
    assert.equal(await playbackRows(stack, '601'), 0);
    assert.equal(await stack.edge.kv.get(`quota:playback:${SITE}:601`), null);
  });
});

describe('KV down: valid requests still succeed, quotas still exact', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ RATE_LIMIT_PLAYBACKS_PER_HOUR: '5', RATE_LIMIT_EVENTS_PER_HOUR: '5' }, { kv: 'down' });
  });
  after(async () => {
    await stack?.close();
  });

  it('uploads, confirms and plays with every KV call throwing', async () => {
    const video = await uploadVideo(stack, { submissionid: 700, sub: '700' });
    assert.ok(video.videoid > 0);
    const view = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '701', submissionid: 700 });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => stack.edge.fetch('/api/playback-url?submissionid=700', { token: view })),
    );
    assert.deepEqual(tally(responses), { 200: 5, 429: 15 });
    assert.equal(await playbackRows(stack, '701'), 5);
  });

  it('client events: exactly the limit, the rest 429, never 500', async () => {
    const view = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '711', submissionid: 700 });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        stack.edge.fetch('/api/events', { token: view, body: { event_type: 'playback_failure', error_code: 'MEDIA_ERR_NETWORK' } }),
      ),
    );
    assert.deepEqual(tally(responses), { 201: 5, 429: 15 });
    assert.equal(await reportRows(stack, '711'), 5);
  });
});
