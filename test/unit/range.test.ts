import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRange, neverSatisfiable, parseRange, resolveRange } from '../../local/cdn/range';

describe('byte ranges as CloudFront in front of S3 reads them (local/cdn/range.ts)', () => {
  it('reads one range of digits, a suffix, or an open end; the unit in any case', () => {
    assert.deepEqual(parseRange('bytes=0-99'), { first: 0, last: 99 });
    assert.deepEqual(parseRange('BYTES=100-'), { first: 100 });
    assert.deepEqual(parseRange('bytes=-500'), { suffix: 500 });
    assert.deepEqual(parseRange('  bytes=5-5 '), { first: 5, last: 5 });
  });

  it('ignores (→ 200, whole object) what is not exactly one valid range', () => {
    for (const header of [undefined, '', 'bytes=-', 'bytes=0-1,5-6', 'items=0-1', 'bytes=9-3', 'bytes=a-1', 'bytes=-1-2', 'bytes= 0-1']) {
      assert.equal(parseRange(header), null, String(header));
    }
  });

  it('saturates huge positions instead of overflowing: past any object, or up to its end', () => {
    const huge = '9'.repeat(400);
    const past = parseRange(`bytes=${huge}-`)!;
    assert.ok(neverSatisfiable(past));
    assert.equal(resolveRange(past, 10), null);
    assert.deepEqual(resolveRange(parseRange(`bytes=2-${huge}`)!, 10), { start: 2, end: 9 });
    assert.deepEqual(resolveRange(parseRange(`bytes=-${huge}`)!, 10), { start: 0, end: 9 });
  });

  it('resolves within the object: clamps the end, 416 (null) at or past the end and for a zero suffix', () => {
    assert.deepEqual(resolveRange({ first: 0, last: 99 }, 50), { start: 0, end: 49 });
    assert.deepEqual(resolveRange({ suffix: 3 }, 10), { start: 7, end: 9 });
    assert.equal(resolveRange({ first: 10 }, 10), null);
    assert.equal(resolveRange({ suffix: 0 }, 10), null);
    assert.equal(resolveRange({ suffix: 5 }, 0), null);
    assert.ok(neverSatisfiable({ suffix: 0 }));
    assert.ok(!neverSatisfiable({ first: 0 }));
  });

  it('writes a range back as it was read', () => {
    for (const header of ['bytes=0-99', 'bytes=100-', 'bytes=-500']) assert.equal(formatRange(parseRange(header)!), header);
  });
});
