import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { errorOf, startStack, type Stack } from '../support/stack';
import { verifyHs256 } from '../support/verify';

/** The [vars] table of wrangler.toml: what a production deploy runs with. */
function productionVars(): Record<string, string> {
  const toml = readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8');
  const section = toml.split(/^\[vars\]\s*$/m)[1]!.split(/^\[/m)[0]!;
  return Object.fromEntries([...section.matchAll(/^([A-Z0-9_]+)\s*=\s*"([^"]*)"/gm)].map((m) => [m[1]!, m[2]!]));
}

describe('POST /dev/token', () => {
  describe('with the production configuration', () => {
    let stack: Stack;
    before(async () => {
      const vars = productionVars();
      assert.equal(vars.DEV_MODE, undefined, 'wrangler.toml must not turn dev mode on');
      // Only what a deploy must set differently (issuer, storage, CDN) comes from the test stack.
      const { MOODLE_ISSUERS, S3_BUCKET, S3_REGION, CLOUDFRONT_DOMAIN, CLOUDFRONT_KEY_PAIR_ID, CLOUDFRONT_DISTRIBUTION_ID, ...rest } = vars;
      stack = await startStack(rest);
    });
    after(async () => {
      await stack?.close();
    });
    it('does not exist: the same 404 as any unknown path, even from loopback', async () => {
      const res = await stack.edge.fetch('/dev/token', { body: { scope: 'admin' } });
      assert.deepEqual((await errorOf(res)).code, 'NOT_FOUND');
      assert.equal(res.status, 404);
    });
  });

  describe('with DEV_MODE=true', () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack({ DEV_MODE: 'true' });
    });
    after(async () => {
      await stack?.close();
    });
    it('signs a token the edge accepts, for a loopback caller', async () => {
      const res = await stack.edge.fetch('/dev/token', { body: { scope: 'view', submissionid: 5 } });
      assert.equal(res.status, 200);
      const { token } = (await res.json()) as { token: string };
      const claims = verifyHs256(token, stack.secrets.sharedSecret);
      assert.deepEqual([claims.scope, claims.submissionid, claims.role], ['view', 5, 'teacher']);
      const play = await errorOf(await stack.edge.fetch('/api/playback-url?submissionid=5', { token }));
      assert.equal(play.code, 'VIDEO_NOT_FOUND', 'the token was accepted; there is just no video');
    });
    it('signs the captions claim Moodle gives a grader, on view tokens only', async () => {
      const sign = async (body: object) => {
        const { token } = (await (await stack.edge.fetch('/dev/token', { body })).json()) as { token: string };
        return verifyHs256(token, stack.secrets.sharedSecret);
      };
      assert.equal((await sign({ scope: 'view', submissionid: 5, captions: true })).captions, true);
      assert.equal((await sign({ scope: 'view', submissionid: 5 })).captions, undefined);
      assert.equal((await sign({ scope: 'upload', submissionid: 5, captions: true })).captions, undefined);
    });
    it('refuses a caller that is not on this machine', async () => {
      const res = await stack.edge.fetch('/dev/token', { body: { scope: 'admin' }, headers: { 'CF-Connecting-IP': '203.0.113.9' } });
      assert.equal(res.status, 404);
    });
    it('validates its input like every endpoint', async () => {
      const err = await errorOf(await stack.edge.fetch('/dev/token', { body: { scope: 'root' } }));
      assert.deepEqual([err.status, err.code, err.field], [400, 'INVALID_REQUEST', 'scope']);
    });
  });
});
