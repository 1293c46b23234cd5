import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatClock } from '../../components/format';

describe('a video\'s length as a clock (components/format.ts formatClock)', () => {
  it('shows minutes and seconds, hours only when there are some', () => {
    assert.equal(formatClock(0), '0:00');
    assert.equal(formatClock(7), '0:07');
    assert.equal(formatClock(750), '12:30');
    assert.equal(formatClock(3723), '1:02:03');
    assert.equal(formatClock(36000), '10:00:00');
  });

  it('rounds to the nearest second first, so 59.6 s is a whole minute', () => {
    assert.equal(formatClock(59.6), '1:00');
    assert.equal(formatClock(3599.5), '1:00:00');
    assert.equal(formatClock(1.4), '0:01');
  });
});
