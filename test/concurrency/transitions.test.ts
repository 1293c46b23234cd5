import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdminDeleteResponse, ClaimResponse, ConfirmUploadResponse } from '../../edge/src/contract';
import { checkInvariants } from '../support/invariants';
import { multipartOp, sendMultipart } from '../support/multipart';
import { finalKey, stageVideo, uploadVideo } from '../support/stack';
import { stackPerFile } from '../support/stack-per-file';
import { token } from '../support/tokens';
import { videoBytes } from '../support/video-bytes';

/**
 * Each state transition under parallel requests (loopback only, bounded): every caller gets
 * the same answer, the row changes once, and exactly one event is written.
 */
const PARALLEL = 30;
const MIB = 1024 * 1024;

const stack = stackPerFile();

const burst = <T>(n: number, f: () => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: n }, f));
const eventCount = async (type: string, key: string) =>
  (await stack.edge.db.prepare('SELECT COUNT(*) AS n FROM events WHERE event_type = ? AND s3_key = ?').bind(type, key).first<{ n: number }>())!.n;
const bodies = async (responses: Response[]) => Promise.all(responses.map(async (r) => ({ status: r.status, body: await r.json() })));
const adminToken = () => token(stack.secrets.sharedSecret, { scope: 'admin', sub: '2', role: 'admin' });
const claimToken = (submissionid: number) => token(stack.secrets.sharedSecret, { scope: 'claim', sub: '2', role: 'admin', submissionid });

describe('parallel transitions: one change, one event, one answer', () => {
  it(`${PARALLEL} parallel confirms of one upload: all 200 with the same answer, one upload_success`, async () => {
    const staged = await stageVideo(stack, { submissionid: 3000 });
    const answers = await bodies(await burst(PARALLEL, () => stack.edge.fetch('/api/confirm-upload', { token: staged.token, body: staged.confirmBody })));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]), JSON.stringify(answers.find((a) => a.status !== 200)));
    const first = answers[0]!.body as ConfirmUploadResponse;
    for (const a of answers) assert.deepEqual(a.body, first);
    assert.equal(await eventCount('upload_success', finalKey(staged.presign.s3_key)), 1);
    await checkInvariants(stack);
  });

  it(`${PARALLEL} parallel claims of one receipt: all 200 with the same answer, one upload_claimed`, async () => {
    const old = await uploadVideo(stack, { submissionid: 3001 });
    assert.equal((await stack.edge.fetch('/api/claim', { token: await claimToken(3001), body: { receipt: old.receipt } })).status, 200);
    const video = await uploadVideo(stack, { submissionid: 3001 });
    const tok = await claimToken(3001);
    const answers = await bodies(await burst(PARALLEL, () => stack.edge.fetch('/api/claim', { token: tok, body: { receipt: video.receipt } })));
    for (const a of answers) {
      assert.deepEqual(a, { status: 200, body: { success: true, videoid: video.videoid, replaced_videoid: old.videoid } satisfies ClaimResponse });
    }
    assert.equal(await eventCount('upload_claimed', video.key), 1);
    await checkInvariants(stack);
  });

  it(`${PARALLEL} parallel admin deletes: all 200 with the same answer, one video_deletion, one invalidation`, async () => {
    const video = await uploadVideo(stack, { submissionid: 3002 });
    const tok = await adminToken();
    const answers = await bodies(await burst(PARALLEL, () => stack.edge.fetch(`/api/admin/videos/${video.videoid}`, { method: 'DELETE', token: tok })));
    const first = answers[0]!.body as AdminDeleteResponse;
    assert.ok(first.invalidation_id);
    for (const a of answers) assert.deepEqual(a, { status: 200, body: first });
    assert.equal(await eventCount('video_deletion', video.key), 1);
    assert.equal(stack.cdn.invalidations.filter((i) => i.paths.includes(`/${video.key}`)).length, 1);
    await checkInvariants(stack);
  });

  it('20 parallel multipart completes: all 200, assembled once; confirm then works', async () => {
    const tok = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 3003 });
    const s = await sendMultipart(stack, tok, { assignmentid: 10, submissionid: 3003 }, videoBytes(17 * MIB));
    const answers = await bodies(await burst(20, () => multipartOp(stack, s, 'complete')));
    for (const a of answers) assert.deepEqual(a, { status: 200, body: { success: true, s3_key: s.start.s3_key, part_count: 2 } });
    const confirms = await bodies(await burst(PARALLEL, () => stack.edge.fetch('/api/confirm-upload', { token: tok, body: s.confirmBody })));
    for (const a of confirms) assert.deepEqual(a, confirms[0]);
    assert.equal(confirms[0]!.status, 200);
    assert.equal(await eventCount('upload_success', finalKey(s.start.s3_key)), 1);
    await checkInvariants(stack);
  });

  it('parallel confirms racing an admin delete of the same pending upload: never a ready video without its object', async () => {
    const staged = await stageVideo(stack, { submissionid: 3004 });
    const row = await stack.edge.db.prepare('SELECT id FROM videos WHERE s3_key = ?').bind(finalKey(staged.presign.s3_key)).first<{ id: number }>();
    const tok = await adminToken();
    const all = await Promise.all([
      ...Array.from({ length: 10 }, () => stack.edge.fetch('/api/confirm-upload', { token: staged.token, body: staged.confirmBody })),
      stack.edge.fetch(`/api/admin/videos/${row!.id}`, { method: 'DELETE', token: tok }),
    ]);
    for (const r of all) assert.ok([200, 409].includes(r.status), `${r.status} ${await r.text()}`);
    const status = await stack.edge.db.prepare('SELECT upload_status FROM videos WHERE id = ?').bind(row!.id).first<{ upload_status: string }>();
    assert.equal(status!.upload_status, 'deleted');
    await stack.edge.scheduled(new Date(Date.now() + 8 * 3600_000));
    await checkInvariants(stack, { bucketClean: true });
  });
});
