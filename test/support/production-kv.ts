/**
 * How the worker's KV binding behaves, for tests.
 * - `local`: Miniflare's KV, which enforces key and TTL limits but not write rates.
 * - `write-limited`: the same storage behind a binding that, like production KV, refuses a
 *   second write to one key within a second ("KV PUT failed: 429 Too Many Requests",
 *   Cloudflare KV limits). Miniflare does not do this, so a test stand-in must.
 * - `down`: every call throws, as when KV is unreachable.
 * The stand-in is a Miniflare wrapped binding: the worker bundle is the one production gets.
 */
export type KvMode = 'local' | 'write-limited' | 'down';

export const KV_WORKER = 'production-kv';

/** The wrapped binding's module: `default(env)` returns the object bound as RATE_LIMITS. */
export const KV_WORKER_SCRIPT = `
const lastWrite = new Map();
const WRITE_INTERVAL_MS = 1000;
export default function (env) {
  const inner = env.INNER;
  const down = env.MODE === 'down';
  const fail = (op) => { throw new Error('KV ' + op + ' failed: 503 Service Unavailable'); };
  return {
    get: (...args) => (down ? fail('GET') : inner.get(...args)),
    getWithMetadata: (...args) => (down ? fail('GET') : inner.getWithMetadata(...args)),
    list: (...args) => (down ? fail('LIST') : inner.list(...args)),
    async put(key, ...rest) {
      if (down) fail('PUT');
      const now = Date.now();
      const last = lastWrite.get(key);
      if (last !== undefined && now - last < WRITE_INTERVAL_MS) throw new Error('KV PUT failed: 429 Too Many Requests');
      lastWrite.set(key, now);
      return inner.put(key, ...rest);
    },
    delete: (key) => (down ? fail('DELETE') : inner.delete(key)),
  };
}
`;
