import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { checkInvariants } from '../support/invariants';
import { errorOf, finalKey, stageVideo, uploadVideo } from '../support/stack';
import { stackPerFile } from '../support/stack-per-file';
import { token } from '../support/tokens';

/**
 * The reported bug: Moodle saving the form (claim of video V) while the student confirms a new
 * upload W of the same submission. Old code answered the claim 200 (so Moodle linked V) while
 * W's confirm retired V, and the cron then deleted it. Now a claim that answers 200 leaves
 * exactly one claimed, unretired, ready video — V — and otherwise answers 409 CLAIM_CONFLICT.
 */
const TRIALS = 150;
/** Bound on the whole run on a busy machine; the trials done by then must include both orders. */
const BUDGET_MS = 120_000;

const stack = stackPerFile();

interface Row {
  id: number;
  upload_status: string;
  claimed_timestamp: number | null;
  retired_timestamp: number | null;
}

describe('claim racing a confirm of a new upload for the same submission', () => {
  it(`in up to ${TRIALS} trials, a 200 claim always leaves exactly its video claimed and current`, async () => {
    const started = Date.now();
    const outcomes = { claimed: 0, conflict: 0 };
    let trial = 0;
    for (; trial < TRIALS && Date.now() - started < BUDGET_MS; trial++) {
      const submissionid = 4000 + trial;
      // A student per trial: each has 10 upload sessions an hour.
      const sub = String(submissionid);
      const v = await uploadVideo(stack, { sub, submissionid, size: 1024 });
      const w = await stageVideo(stack, { sub, submissionid, size: 1024 });
      const claimTok = await token(stack.secrets.sharedSecret, { scope: 'claim', sub: '2', role: 'admin', submissionid });
      const claim = () => stack.edge.fetch('/api/claim', { token: claimTok, body: { receipt: v.receipt } });
      const confirm = () => stack.edge.fetch('/api/confirm-upload', { token: w.token, body: w.confirmBody });
      // Confirm spends most of its time in S3 (HeadObject, CopyObject) before its D1 write, so
      // started together the claim nearly always lands first. Most trials therefore fire the
      // claim only once W's copy has appeared under its final key, staggered by 0–11 further
      // S3 round trips, which spreads the claim across the moment the confirm writes: where
      // the old code lost V.
      let claimed: Response;
      let confirmed: Response;
      if (trial % 4 === 0) {
        [claimed, confirmed] = await Promise.all([claim(), confirm()]);
      } else {
        let done = false;
        const confirming = confirm().finally(() => { done = true; });
        const final = finalKey(w.presign.s3_key);
        const stored = () => stack.s3client.send(new HeadObjectCommand({ Bucket: stack.s3.bucket, Key: final })).then(() => true, () => false);
        while (!done && !(await stored()));
        for (let stagger = trial % 12; stagger > 0 && !done; stagger--) await stored();
        [claimed, confirmed] = await Promise.all([claim(), confirming]);
      }
      assert.equal(confirmed.status, 200, await confirmed.clone().text());

      const rows = (await stack.edge.db.prepare('SELECT id, upload_status, claimed_timestamp, retired_timestamp FROM videos WHERE submissionid = ? ORDER BY id').bind(submissionid).all<Row>()).results;
      const current = rows.filter((r) => r.claimed_timestamp !== null && r.retired_timestamp === null);
      if (claimed.status === 200) {
        outcomes.claimed++;
        assert.deepEqual(current.map((r) => [r.id, r.upload_status]), [[v.videoid, 'ready']], `trial ${trial}: the claimed video is the one current video`);
      } else {
        outcomes.conflict++;
        const err = await errorOf(claimed);
        assert.deepEqual([err.status, err.code], [409, 'CLAIM_CONFLICT'], `trial ${trial}`);
        assert.deepEqual(current, [], `trial ${trial}: a refused claim changed nothing`);
        assert.ok(rows.find((r) => r.id === v.videoid)!.retired_timestamp !== null, 'V lost because W retired it');
      }
    }
    assert.ok(trial >= 20, `only ${trial} trials ran in the budget`);
    await checkInvariants(stack);
    console.log(`claim race: ${trial} trials, ${outcomes.claimed} claims won, ${outcomes.conflict} answered CLAIM_CONFLICT`);
  });
});
