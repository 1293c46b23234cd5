import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatClock, formatTimeLeft } from '../../components/format';

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

describe('a time left in the page\'s language (components/format.ts formatTimeLeft)', () => {
  it('makes one Intl formatter per language and unit, not one per call (the uploader formats it 4 times a second)', () => {
    const g = globalThis as { document?: unknown };
    const page = { documentElement: { lang: 'en' } };
    const hadDocument = 'document' in g;
    const Real = Intl.NumberFormat;
    let made = 0;
    const Counting = function (this: unknown, ...args: ConstructorParameters<typeof Intl.NumberFormat>) {
      made += 1;
      return new Real(...args);
    } as unknown as typeof Intl.NumberFormat;
    g.document = page;
    Intl.NumberFormat = Counting;
    try {
      for (let i = 0; i < 20; i++) assert.equal(formatTimeLeft(44), '45 seconds');
      assert.equal(made, 1);
      assert.equal(formatTimeLeft(600), '10 minutes');
      assert.equal(made, 2);
      page.documentElement.lang = 'de';
      assert.equal(formatTimeLeft(44), '45 Sekunden');
      assert.equal(formatTimeLeft(44), '45 Sekunden');
      assert.equal(made, 3);
    } finally {
      Intl.NumberFormat = Real;
      if (hadDocument) g.document = page;
      else delete g.document;
    }
  });
});
