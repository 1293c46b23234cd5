import assert from 'node:assert/strict';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { listKeys } from './bucket';
import type { Stack } from './stack';

interface Row {
  id: number;
  site: string;
  submissionid: number;
  s3_key: string;
  upload_status: string;
  file_size: number | null;
  confirmed_timestamp: number | null;
  claimed_timestamp: number | null;
  retired_timestamp: number | null;
  poster_key: string | null;
  md5: string | null;
}

const stagingOf = (final: string) => final.replace(/^videos\//, 'uploads/');

/**
 * The database's and the bucket's invariants (issue 8), checked after each concurrency run:
 * - each record has exactly one `upload_start`; each confirmed one exactly one `upload_success`,
 *   each claimed one exactly one `upload_claimed`, each deleted one exactly one
 *   `video_deletion` — and no record has such an event for a transition it never made;
 * - at most one claimed, unretired video per submission;
 * - no ready record without its final object (of the confirmed size and, for a single-part
 *   upload, of the confirmed MD5: the bytes played are the bytes confirmed);
 * - with `bucketClean` (after a cron run past every grant's expiry): no object without a live
 *   record, i.e. every key is the final key of a ready record or the staging key of a pending one.
 */
export async function checkInvariants(stack: Stack, o: { bucketClean?: boolean } = {}): Promise<void> {
  const db = stack.edge.db;
  const rows = (await db.prepare('SELECT * FROM videos ORDER BY id').all<Row>()).results;
  const events = (
    await db
      .prepare(`SELECT s3_key, event_type, COUNT(*) AS n FROM events
                WHERE event_type IN ('upload_start', 'upload_success', 'upload_claimed', 'video_deletion') GROUP BY s3_key, event_type`)
      .all<{ s3_key: string; event_type: string; n: number }>()
  ).results;
  const count = (key: string, type: string) => events.find((e) => e.s3_key === key && e.event_type === type)?.n ?? 0;
  const known = new Set(rows.map((r) => r.s3_key));
  for (const e of events) assert.ok(known.has(e.s3_key), `${e.event_type} event for ${e.s3_key}, which has no record`);

  for (const r of rows) {
    const what = `video ${r.id} (${r.upload_status})`;
    assert.equal(count(r.s3_key, 'upload_start'), 1, `${what}: one upload_start`);
    assert.equal(count(r.s3_key, 'upload_success'), r.confirmed_timestamp === null ? 0 : 1, `${what}: upload_success iff confirmed`);
    assert.equal(count(r.s3_key, 'upload_claimed'), r.claimed_timestamp === null ? 0 : 1, `${what}: upload_claimed iff claimed`);
    assert.equal(count(r.s3_key, 'video_deletion'), r.upload_status === 'deleted' ? 1 : 0, `${what}: video_deletion iff deleted`);
  }

  const claimed = new Map<string, number[]>();
  for (const r of rows.filter((r) => r.claimed_timestamp !== null && r.retired_timestamp === null)) {
    const sub = `${r.site}#${r.submissionid}`;
    claimed.set(sub, [...(claimed.get(sub) ?? []), r.id]);
  }
  for (const [sub, ids] of claimed) assert.ok(ids.length <= 1, `submission ${sub} has ${ids.length} claimed videos: ${ids.join(', ')}`);

  for (const r of rows.filter((r) => r.upload_status === 'ready')) {
    const head = await stack.s3client.send(new HeadObjectCommand({ Bucket: stack.s3.bucket, Key: r.s3_key })).catch(() => null);
    assert.ok(head, `ready video ${r.id} has no object at ${r.s3_key}`);
    assert.equal(head.ContentLength, r.file_size, `ready video ${r.id}: stored size`);
    // A CopyObject of a single-part object keeps its MD5 as the ETag; a multipart one's differs by form.
    const etag = head.ETag?.replace(/"/g, '') ?? '';
    if (r.md5 && /^[0-9a-f]{32}$/.test(r.md5) && /^[0-9a-f]{32}$/.test(etag)) {
      assert.equal(etag, r.md5, `ready video ${r.id}: the final key holds the bytes confirmed`);
    }
  }

  if (o.bucketClean) {
    // A live record keeps its poster (written while pending) and a ready video its caption files.
    const captions = await stack.edge.db
      .prepare(`SELECT c.s3_key FROM captions c JOIN videos v ON v.id = c.videoid WHERE v.upload_status = 'ready'`)
      .all<{ s3_key: string }>();
    const live = new Set([
      ...rows.filter((r) => r.upload_status === 'ready').map((r) => r.s3_key),
      ...rows.filter((r) => r.upload_status === 'pending').map((r) => stagingOf(r.s3_key)),
      ...rows.filter((r) => r.upload_status === 'ready' || r.upload_status === 'pending').flatMap((r) => (r.poster_key ? [r.poster_key] : [])),
      ...captions.results.map((c) => c.s3_key),
    ]);
    const orphans = (await listKeys(stack.s3client, stack.s3.bucket)).filter((k) => !live.has(k));
    assert.deepEqual(orphans, [], 'objects without a live record');
  }
}
