import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startStack, type Stack } from '../support/stack';
import { SITE } from '../support/tokens';

const DAY = 86400;
const now = Math.floor(Date.now() / 1000);

interface Seed {
  name: string;
  status: 'pending' | 'ready' | 'deleted';
  uploaded: number;
  presignExpires?: number;
  confirmed?: number | null;
  claimed?: number | null;
  retired?: number | null;
  /** Whether S3 holds the object (false: a crash already removed it). */
  stored?: boolean;
}

async function seed(stack: Stack, rows: Seed[]): Promise<Map<string, { id: number; key: string }>> {
  const out = new Map<string, { id: number; key: string }>();
  for (const [i, r] of rows.entries()) {
    const key = `videos/9${i}/${r.uploaded}_${Math.random().toString(16).slice(2)}/${r.name}.mp4`;
    if (r.stored !== false && r.status !== 'deleted') {
      await stack.s3client.send(new PutObjectCommand({ Bucket: stack.s3.bucket, Key: key, Body: Buffer.alloc(10, i), ContentType: 'video/mp4' }));
    }
    const res = await stack.edge.db
      .prepare(
        `INSERT INTO videos (site, courseid, assignmentid, submissionid, userid, s3_key, s3_bucket, upload_status, filename,
           file_size, mime_type, upload_timestamp, presign_expires, confirmed_timestamp, claimed_timestamp, retired_timestamp)
         VALUES (?, 2, 10, ?, ?, ?, ?, ?, ?, 10, 'video/mp4', ?, ?, ?, ?, ?)`,
      )
      .bind(SITE, 700 + i, String(90 + i), key, stack.s3.bucket, r.status, `${r.name}.mp4`, r.uploaded,
        r.presignExpires ?? r.uploaded + 3600, r.confirmed ?? null, r.claimed ?? null, r.retired ?? null)
      .run();
    out.set(r.name, { id: res.meta.last_row_id, key });
  }
  return out;
}

async function exists(stack: Stack, key: string): Promise<boolean> {
  try {
    await stack.s3client.send(new HeadObjectCommand({ Bucket: stack.s3.bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

const statusOf = async (stack: Stack, id: number) =>
  (await stack.edge.db.prepare('SELECT upload_status FROM videos WHERE id = ?').bind(id).first<{ upload_status: string }>())!.upload_status;

describe('cron cleanup', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ RETENTION_DAYS: '365', UNCLAIMED_GRACE_DAYS: '7', ABANDONED_GRACE_HOURS: '6' });
  });
  after(async () => {
    await stack?.close();
  });

  it('removes exactly what is past its time, and a second run changes nothing', async () => {
    const rows = await seed(stack, [
      { name: 'old-claimed', status: 'ready', uploaded: now - 400 * DAY, confirmed: now - 400 * DAY, claimed: now - 400 * DAY },
      { name: 'fresh-claimed', status: 'ready', uploaded: now - DAY, confirmed: now - DAY, claimed: now - DAY },
      { name: 'abandoned', status: 'pending', uploaded: now - 2 * DAY, presignExpires: now - 2 * DAY + 3600 },
      { name: 'in-flight', status: 'pending', uploaded: now - 3600, presignExpires: now - 60 },
      { name: 'fresh-pending', status: 'pending', uploaded: now - 60, presignExpires: now + 3540 },
      { name: 'replaced', status: 'ready', uploaded: now - 2 * DAY, confirmed: now - 2 * DAY, claimed: now - 2 * DAY, retired: now - 3600 },
      { name: 'never-claimed', status: 'ready', uploaded: now - 8 * DAY, confirmed: now - 8 * DAY },
      { name: 'recent-unclaimed', status: 'ready', uploaded: now - DAY, confirmed: now - DAY },
      { name: 'already-deleted', status: 'deleted', uploaded: now - 500 * DAY, confirmed: now - 500 * DAY },
      // A run that died after S3 but before D1: the object is gone, the row still says ready.
      { name: 'half-done', status: 'ready', uploaded: now - 401 * DAY, confirmed: now - 401 * DAY, claimed: now - 401 * DAY, stored: false },
    ]);
    const invalidationsBefore = stack.cdn.invalidations.length;

    await stack.edge.scheduled(new Date(now * 1000));

    const expected: Record<string, string> = {
      'old-claimed': 'deleted', 'fresh-claimed': 'ready', abandoned: 'error', 'in-flight': 'pending',
      'fresh-pending': 'pending', replaced: 'deleted', 'never-claimed': 'deleted', 'recent-unclaimed': 'ready',
      'already-deleted': 'deleted', 'half-done': 'deleted',
    };
    for (const [name, status] of Object.entries(expected)) {
      assert.equal(await statusOf(stack, rows.get(name)!.id), status, name);
    }
    for (const name of ['old-claimed', 'abandoned', 'replaced', 'never-claimed']) {
      assert.equal(await exists(stack, rows.get(name)!.key), false, `${name} object removed`);
    }
    for (const name of ['fresh-claimed', 'in-flight', 'fresh-pending', 'recent-unclaimed']) {
      assert.equal(await exists(stack, rows.get(name)!.key), true, `${name} object kept`);
    }
    // Keys are never reused and a cached copy needs a live signed URL: only admin deletes invalidate.
    assert.equal(stack.cdn.invalidations.length, invalidationsBefore, 'cleanup invalidates nothing');

    const reasons = await stack.edge.db
      .prepare("SELECT s3_key, json_extract(error_context, '$.reason') AS reason FROM events WHERE event_type = 'video_deletion'")
      .all<{ s3_key: string; reason: string }>();
    const reasonOf = (name: string) => reasons.results.find((r) => r.s3_key === rows.get(name)!.key)?.reason;
    assert.equal(reasonOf('old-claimed'), 'retention');
    assert.equal(reasonOf('replaced'), 'replaced');
    assert.equal(reasonOf('never-claimed'), 'unclaimed');

    const report = await stack.edge.db.prepare("SELECT error_context FROM events WHERE event_type = 'cleanup_run' ORDER BY id DESC").first<{ error_context: string }>();
    assert.deepEqual(JSON.parse(report!.error_context), { abandoned: 1, deleted: 4, swept: 5, aborted: 0, failed: 0, batches: 3, more: false });

    const snapshot = await stack.edge.db.prepare('SELECT id, upload_status, deleted_timestamp FROM videos ORDER BY id').all();
    const invalidationsAfter = stack.cdn.invalidations.length;
    await stack.edge.scheduled(new Date(now * 1000));
    assert.deepEqual((await stack.edge.db.prepare('SELECT id, upload_status, deleted_timestamp FROM videos ORDER BY id').all()).results, snapshot.results);
    assert.equal(stack.cdn.invalidations.length, invalidationsAfter);
    const second = await stack.edge.db.prepare("SELECT error_context FROM events WHERE event_type = 'cleanup_run' ORDER BY id DESC").first<{ error_context: string }>();
    assert.deepEqual(JSON.parse(second!.error_context), { abandoned: 0, deleted: 0, swept: 0, aborted: 0, failed: 0, batches: 0, more: false });
  });
});

describe('cron cleanup at scale: bounded batches that continue next run', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ CLEANUP_BATCH_SIZE: '2', CLEANUP_MAX_BATCHES: '2' });
  });
  after(async () => {
    await stack?.close();
  });

  it('does at most batch size × batches per run and finishes over later runs', async () => {
    const rows = await seed(
      stack,
      Array.from({ length: 5 }, (_, i) => ({ name: `old${i}`, status: 'ready' as const, uploaded: now - 400 * DAY, confirmed: now - 400 * DAY, claimed: now - 400 * DAY })),
    );
    const count = async () =>
      (await stack.edge.db.prepare("SELECT COUNT(*) AS n FROM videos WHERE upload_status = 'deleted'").first<{ n: number }>())!.n;
    const lastReport = async () =>
      JSON.parse((await stack.edge.db.prepare("SELECT error_context FROM events WHERE event_type = 'cleanup_run' ORDER BY id DESC").first<{ error_context: string }>())!.error_context);

    await stack.edge.scheduled(new Date(now * 1000));
    assert.equal(await count(), 4);
    assert.deepEqual(await lastReport(), { abandoned: 0, deleted: 4, swept: 4, aborted: 0, failed: 0, batches: 4, more: true });
    await stack.edge.scheduled(new Date(now * 1000));
    assert.equal(await count(), 5);
    assert.equal((await lastReport()).more, false);
    for (const { key } of rows.values()) assert.equal(await exists(stack, key), false);
  });
});

describe('a cron run that fails (S3 down)', () => {
  let stack: Stack;
  before(async () => {
    // Nothing listens on port 1: every S3 call of this worker fails at once.
    stack = await startStack({ S3_ENDPOINT: 'http://127.0.0.1:1' });
  });
  after(async () => {
    await stack?.close();
  });

  it('still logs cleanup_run with its error, keeps the work for the next run, and fails the invocation', async () => {
    const rows = await seed(stack, [{ name: 'old', status: 'ready', uploaded: now - 400 * DAY, confirmed: now - 400 * DAY, claimed: now - 400 * DAY }]);
    await assert.rejects(stack.edge.scheduled(new Date(now * 1000)), /scheduled\(\) ended with exception/);
    const run = await stack.edge.db
      .prepare("SELECT error_code, error_message, error_context FROM events WHERE event_type = 'cleanup_run'")
      .first<{ error_code: string; error_message: string; error_context: string }>();
    assert.ok(run, 'the failed run is logged');
    assert.equal(run.error_code, 'CLEANUP_FAILED');
    assert.match(run.error_message, /storage/i);
    const report = JSON.parse(run.error_context);
    assert.equal(report.deleted, 1, 'what the run did before it failed');
    assert.match(report.error, /storage/i);
    const row = await stack.edge.db.prepare('SELECT upload_status, sweep_due FROM videos WHERE id = ?').bind(rows.get('old')!.id).first<{ upload_status: string; sweep_due: number | null }>();
    assert.equal(row!.upload_status, 'deleted');
    assert.ok(row!.sweep_due !== null, 'its object is still due for the next run');
  });
});
