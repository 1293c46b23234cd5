import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../edge/src/http/errors';
import { enforceHourly } from '../../edge/src/services/rate-limit';

/**
 * Workers KV throws on a second write to one key within a second, and can fail outright
 * (Workers KV docs, "Limits"); a failing brake must never turn a valid request into a 500.
 */

const user = { iss: 'https://moodle.example.edu', sub: '42' };
const failingKv = (failOn: 'get' | 'put') =>
  ({
    get: async () => {
      if (failOn === 'get') throw new Error('KV GET failed: 503');
      return null;
    },
    put: async () => {
      throw new Error('KV PUT failed: 429 Too Many Requests');
    },
  }) as unknown as KVNamespace;

describe('rate limits when the KV store fails', () => {
  for (const failOn of ['get', 'put'] as const) {
    it(`lets uploads and playbacks through when KV ${failOn} fails (fail open)`, async () => {
      await enforceHourly(failingKv(failOn), 'upload', user, 10, 1_700_000_000);
      await enforceHourly(failingKv(failOn), 'playback', user, 100, 1_700_000_000);
    });

    it(`refuses client events with 429 and Retry-After when KV ${failOn} fails (fail closed)`, async () => {
      await assert.rejects(enforceHourly(failingKv(failOn), 'event', user, 120, 1_700_000_000), (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, 'RATE_LIMITED');
        assert.equal(err.status, 429);
        assert.equal(err.headers['Retry-After'], '60');
        return true;
      });
    });
  }
});
