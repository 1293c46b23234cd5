import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanupAtScale, LIMITS } from '../../bench/cleanup-scale';

/**
 * The cron at a scale no single invocation can finish: 2 000 expired videos with batches of
 * 500 and at most 2 batches per phase, so it takes several invocations. Each one must stay
 * within the Workers Free plan's per-invocation limits (50 subrequests, 50 D1 queries; Paid
 * allows 10 000 and 1 000), the sequence must end, and nothing may be left. The 100 000-video
 * run is `npm run bench:cleanup` (bench/cleanup-scale.ts), which counts the same way.
 */
describe('cleanup at scale: every invocation within the Workers limits, and the run ends', () => {
  it('2 000 expired videos: several invocations, each ≤ 50 subrequests and ≤ 50 D1 queries; bucket and rows left clean', async () => {
    const run = await cleanupAtScale({
      videos: 2000,
      vars: { CLEANUP_BATCH_SIZE: '500', CLEANUP_MAX_BATCHES: '2' },
      puts: 16,
      maxInvocations: 20,
    });
    assert.ok(run.invocations.length >= 2, `one invocation cannot delete 2 000 with 2 × 500: ${run.invocations.length}`);
    for (const [i, inv] of run.invocations.entries()) {
      assert.equal(inv.report.error, undefined, `invocation ${i + 1} failed`);
      assert.ok(inv.subrequests > 0 || inv.report.swept === 0, `invocation ${i + 1}: the counter saw no subrequest`);
      assert.ok(inv.subrequests <= LIMITS.free.subrequests, `invocation ${i + 1}: ${inv.subrequests} subrequests`);
      assert.ok(inv.queries <= LIMITS.free.queries, `invocation ${i + 1}: ${inv.queries} D1 queries`);
    }
    const deleted = run.invocations.reduce((n, inv) => n + (inv.report.deleted ?? 0), 0);
    assert.equal(deleted, 2000);
    assert.equal(run.invocations.at(-1)!.report.more, false);
    assert.equal(run.leftObjects, 0, 'every object deleted');
    assert.equal(run.leftRows, 0, 'every row deleted and swept');
  });
});
