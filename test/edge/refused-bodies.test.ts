import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Agent, fetch as poolFetch } from 'undici';
import { stageVideo } from '../support/stack';
import { stackPerFile } from '../support/stack-per-file';

/**
 * A refusal reaches a client that is still sending its body as a refusal, not as a reset
 * connection, and the connection stays good for the next request (http/bounded-body.ts). Seen
 * in a full run: the edge refused a 70 KB poster from its Content-Length before reading it,
 * workerd closed the connection under the unread bytes, and the client's next request on it
 * failed with ECONNRESET. One connection for the whole test, so every request reuses it.
 */
const stack = stackPerFile();

describe('refusals read the body first', () => {
  it('an oversized poster, a body without a token, an unknown path: each answered, and the one connection keeps working', async () => {
    const staged = await stageVideo(stack, { submissionid: 930, sub: '930' });
    const one = new Agent({ connections: 1, pipelining: 2 });
    try {
      const send = async (path: string, body: Uint8Array, headers: Record<string, string> = {}) => {
        const res = await poolFetch(`${stack.edge.url}${path}`, { method: 'POST', body, headers, dispatcher: one });
        return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
      };
      const poster = `/api/poster?submissionid=930&s3_key=${encodeURIComponent(staged.presign.s3_key)}`;
      const auth = { Authorization: `Bearer ${staged.token}`, 'Content-Type': 'image/jpeg' };
      // A GET queued behind each refusal on the same connection (pipelined): it is answered only
      // if the refusal left the connection usable.
      const ping = async () => (await poolFetch(`${stack.edge.url}/api/ping`, { dispatcher: one })).status;
      for (let round = 0; round < 5; round++) {
        const [refused, next] = await Promise.all([send(poster, new Uint8Array(2 * 1024 * 1024), auth), ping()]);
        assert.deepEqual([refused.status, refused.body.error?.code, next], [415, 'INVALID_POSTER', 401]);
        const big = await send(poster, new Uint8Array(32 * 1024 * 1024), auth);
        assert.deepEqual([big.status, big.body.error?.code], [415, 'INVALID_POSTER']);
        const anonymous = await send('/api/confirm-upload', new Uint8Array(8 * 1024 * 1024));
        assert.deepEqual([anonymous.status, anonymous.body.error?.code], [401, 'MISSING_TOKEN']);
        const nowhere = await send('/api/nowhere', new Uint8Array(256 * 1024));
        assert.deepEqual([nowhere.status, nowhere.body.error?.code], [404, 'NOT_FOUND']);
      }
    } finally {
      await one.close();
    }
  });
});
