import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ConfirmUploadResponse } from '../../edge/src/contract';
import { checkInvariants } from '../support/invariants';
import { errorOf, md5Hex, postToS3, stageVideo, startStack, type Stack } from '../support/stack';
import { token } from '../support/tokens';
import { videoBytes } from '../support/video-bytes';

/**
 * The reported fault: a presigned POST stays valid for its lifetime, so a student can rewrite
 * the staging object with file B while the confirm of file A runs, and confirm B too. Both
 * confirms checked their own version; the old code let both copy to the final key before the
 * D1 transition, so the loser's copy could land over the winner's: the record, the receipt and
 * Moodle said A's MD5 while the teacher played B. Now one confirm at a time holds the upload's
 * lease and copies (services/confirm-lease.ts); the others wait and get its answer.
 */
const TRIALS = 12;
/** Bound on the run on a busy machine; at least 3 trials must have run by then. */
const BUDGET_MS = 90_000;

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.close();
});

const sha = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

async function played(submissionid: number): Promise<string> {
  const view = await token(stack.secrets.sharedSecret, { scope: 'view', sub: '7', submissionid });
  const res = await stack.edge.fetch(`/api/playback-url?submissionid=${submissionid}`, { token: view });
  assert.equal(res.status, 200);
  const { signed_url } = (await res.json()) as { signed_url: string };
  return sha(new Uint8Array(await (await fetch(signed_url)).arrayBuffer()));
}

describe('confirm racing a rewrite of the staging object and its own confirm', () => {
  it('the bytes played are always the bytes the 200 confirmed, and one upload_success is logged', async () => {
    const started = Date.now();
    let trial = 0;
    const outcomes = { a: 0, b: 0 };
    for (; trial < TRIALS && (trial < 3 || Date.now() - started < BUDGET_MS); trial++) {
      const submissionid = 8100 + trial;
      const size = 256 * 1024;
      const a = await stageVideo(stack, { sub: String(submissionid), submissionid, size });
      const b = videoBytes(size);
      const confirm = (bytes: Buffer) =>
        stack.edge.fetch('/api/confirm-upload', { token: a.token, body: { ...a.confirmBody, md5: md5Hex(bytes) } });
      // Ten confirms of A against ten rewrites to B each followed by a confirm of B. The rewrites
      // start a little later from trial to trial, so that A wins some and B others; what is
      // asserted holds for any order.
      const lag = (trial % 4) * 20;
      const answers = await Promise.all([
        ...Array.from({ length: 10 }, () => confirm(a.bytes)),
        ...Array.from({ length: 10 }, async () => {
          await new Promise((r) => setTimeout(r, lag));
          const posted = await postToS3(a.presign.presigned_url, a.presign.fields, b);
          assert.ok(posted.ok, `the grant still writes staging: ${posted.status}`);
          return confirm(b);
        }),
      ]);
      const ok = answers.filter((r) => r.status === 200);
      assert.ok(ok.length > 0, `trial ${trial}: some confirm succeeded`);
      const confirmed = await Promise.all(ok.map((r) => r.json() as Promise<ConfirmUploadResponse>));
      const md5s = new Set(confirmed.map((c) => c.md5));
      assert.equal(md5s.size, 1, `trial ${trial}: every 200 names the same bytes`);
      assert.equal(new Set(confirmed.map((c) => c.receipt)).size, 1, `trial ${trial}: one receipt`);
      const [md5] = [...md5s];
      for (const r of answers.filter((r) => r.status !== 200)) {
        const err = await errorOf(r);
        assert.ok(['CHECKSUM_MISMATCH', 'CONFIRM_IN_PROGRESS'].includes(err.code), `trial ${trial}: ${err.status} ${err.code} ${err.message}`);
      }
      assert.equal(await played(submissionid), md5, `trial ${trial}: the teacher plays the bytes confirmed`);
      if (md5 === md5Hex(a.bytes)) outcomes.a += 1;
      else outcomes.b += 1;
      const lease = await stack.edge.db.prepare('SELECT confirm_lease FROM videos WHERE submissionid = ?').bind(submissionid).first<{ confirm_lease: string | null }>();
      assert.equal(lease!.confirm_lease, null, 'the transition ended the lease');
    }
    await checkInvariants(stack);
    console.log(`confirm race: ${trial} trials, A confirmed ${outcomes.a}, B confirmed ${outcomes.b}`);
  });

  it('a lease left by a confirm that died is taken over once it ends; one still held makes the caller wait, then 409 with Retry-After', async () => {
    const db = stack.edge.db;
    const dead = await stageVideo(stack, { sub: '8201', submissionid: 8201 });
    const past = Math.floor(Date.now() / 1000) - 1;
    await db.prepare('UPDATE videos SET confirm_lease = ?, confirm_lease_until = ? WHERE submissionid = 8201').bind('killed-half-way', past).run();
    const taken = await stack.edge.fetch('/api/confirm-upload', { token: dead.token, body: dead.confirmBody });
    assert.equal(taken.status, 200, 'the expired lease holds nobody up');

    const held = await stageVideo(stack, { sub: '8202', submissionid: 8202 });
    const until = Math.floor(Date.now() / 1000) + 600;
    await db.prepare('UPDATE videos SET confirm_lease = ?, confirm_lease_until = ? WHERE submissionid = 8202').bind('still-copying', until).run();
    const busy = await stack.edge.fetch('/api/confirm-upload', { token: held.token, body: held.confirmBody });
    const err = await errorOf(busy);
    assert.deepEqual([err.status, err.code], [409, 'CONFIRM_IN_PROGRESS']);
    const retryAfter = Number(busy.headers.get('Retry-After'));
    assert.ok(retryAfter > 500 && retryAfter <= 600, `Retry-After ${retryAfter} s: until the holder's lease ends`);
    const row = await db.prepare('SELECT upload_status, confirm_lease FROM videos WHERE submissionid = 8202').first<{ upload_status: string; confirm_lease: string }>();
    assert.deepEqual(row, { upload_status: 'pending', confirm_lease: 'still-copying' }, 'the waiting confirm changed nothing');

    // The holder finishes (here: gives the lease up) while a confirm waits: the waiter goes on.
    const waiting = stack.edge.fetch('/api/confirm-upload', { token: held.token, body: held.confirmBody });
    await db.prepare('UPDATE videos SET confirm_lease = NULL, confirm_lease_until = NULL WHERE submissionid = 8202').run();
    assert.equal((await waiting).status, 200);
    await checkInvariants(stack);
  });
});
