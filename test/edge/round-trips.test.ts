import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildBenchWorker } from '../../bench/edge-throughput';
import { stageVideo, startStack, uploadVideo, type Stack } from '../support/stack';
import { token } from '../support/tokens';

/**
 * How many times each route users wait on reaches D1: on every deployment a D1 call is a round
 * trip to the database's primary, and on the local stack the largest part of a route's cost
 * (README, "What a request costs"). The worker runs as bench/edge-entry.ts builds it (the
 * production worker; `x-bench-count: 1` gives it a counting D1 binding and puts the counts in
 * the answer's headers).
 */
let stack: Stack;
before(async () => {
  stack = await startStack({}, { bundle: buildBenchWorker() });
});
after(async () => {
  await stack?.close();
});

async function counted(path: string, init: { token: string; body?: unknown }): Promise<{ status: number; roundTrips: number; queries: number }> {
  const res = await stack.edge.fetch(path, { ...init, headers: { 'x-bench-count': '1' } });
  await res.arrayBuffer();
  return { status: res.status, roundTrips: Number(res.headers.get('x-bench-d1-round-trips')), queries: Number(res.headers.get('x-bench-d1-queries')) };
}

describe('D1 round trips per request', () => {
  it('playback-url and download-url: ONE (the video read and the quota slot are one batch), the event written from the video', async () => {
    const video = await uploadVideo(stack, { submissionid: 801, sub: '71', size: 4096 });
    const view = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '81', submissionid: 801 });
    assert.deepEqual(await counted('/api/playback-url?submissionid=801', { token: view }), { status: 200, roundTrips: 1, queries: 2 });
    assert.deepEqual(await counted('/api/download-url?submissionid=801', { token: view }), { status: 200, roundTrips: 1, queries: 2 });
    const events = await stack.edge.db
      .prepare(`SELECT event_type, assignmentid, submissionid, s3_key, file_size FROM events WHERE userid = '81' ORDER BY id`)
      .all<{ event_type: string; assignmentid: number; submissionid: number; s3_key: string; file_size: number }>();
    assert.deepEqual(events.results.map((e) => ({ ...e })), [
      { event_type: 'playback_access', assignmentid: 10, submissionid: 801, s3_key: video.key, file_size: 4096 },
      { event_type: 'download', assignmentid: 10, submissionid: 801, s3_key: video.key, file_size: 4096 },
    ]);
  });

  it('playback-url of a submission without a video: 404 in one round trip, nothing spent', async () => {
    const view = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '82', submissionid: 802 });
    assert.deepEqual(await counted('/api/playback-url?submissionid=802', { token: view }), { status: 404, roundTrips: 1, queries: 2 });
    const spent = await stack.edge.db.prepare(`SELECT COUNT(*) AS n FROM events WHERE userid = '82'`).first<{ n: number }>();
    assert.equal(spent?.n, 0);
  });

  it('upload-url: ONE (the quota slot and upload_start); confirm-upload: THREE (the upload read, the confirm lease, the confirm batch)', async () => {
    const upload = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '83', submissionid: 803 });
    assert.deepEqual(
      await counted('/api/upload-url', { token: upload, body: { assignmentid: 10, submissionid: 803, filename: 'clip.mp4', filesize: 2048, mimetype: 'video/mp4' } }),
      { status: 201, roundTrips: 1, queries: 2 },
    );
    const staged = await stageVideo(stack, { sub: '84', submissionid: 804, size: 2048 });
    const confirm = await counted('/api/confirm-upload', { token: staged.token, body: staged.confirmBody });
    assert.equal(confirm.status, 200);
    assert.equal(confirm.roundTrips, 3);
  });
});
