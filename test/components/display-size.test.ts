import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { formatBytes, useMoodle } from '../../components/moodle-format';

/**
 * Sizes exactly as Moodle's display_size($size) writes them (lib/moodlelib.php, Moodle 4.1+):
 * the unit by floor(log($size, 1024)) clamped to bytes…PB, bytes as a whole number, every other
 * unit with sprintf('%.1f'), a no-break space, the core strings sizeb…sizepb. The arithmetic is
 * checked against Debian's PHP itself, ties and unit boundaries included.
 */

const NBSP = '\u00a0';
const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** PHP's own log(), floor() and sprintf() on each size: the primitives display_size is made of. */
function php(sizes: number[]): string[] {
  const script = `
    $units = ${JSON.stringify(UNITS).replace(/^\[/, 'array(').replace(/\]$/, ')')};
    foreach (json_decode($argv[1]) as $size) {
      $m = max(0, min(5, floor(log($size, 1024))));
      echo ($m == 0 ? round($size) : sprintf('%.1f', $size / 1024 ** $m)), "\\xc2\\xa0", $units[(int) $m], "\\n";
    }`;
  return execFileSync('php', ['-r', script, JSON.stringify(sizes)], { encoding: 'utf8' }).trimEnd().split('\n');
}

describe('formatBytes is display_size()', () => {
  it('reads as Moodle beside it: "115.0 MB", "5.0 GB", "1023 bytes", "1.0 KB"', () => {
    assert.equal(formatBytes(115 * 1024 ** 2), `115.0${NBSP}MB`);
    assert.equal(formatBytes(5 * 1024 ** 3), `5.0${NBSP}GB`);
    assert.equal(formatBytes(1023), `1023${NBSP}bytes`);
    assert.equal(formatBytes(1024), `1.0${NBSP}KB`);
    assert.equal(formatBytes(0), `0${NBSP}bytes`);
    assert.equal(formatBytes(1), `1${NBSP}bytes`);
  });

  it('agrees with PHP on unit boundaries, exact ties (x.25, x.75 round to even) and everyday sizes', () => {
    const sizes = [1, 2, 1023, 1024, 1025, 2222, 2304, 2816, 33333, 444444, 1024 ** 2 - 1, 1024 ** 2, 5555555, 66666666, 777777777,
      1024 ** 3 - 1, 1024 ** 3, 8888888888, 5 * 1024 ** 3, 5 * 1024 ** 3 - 4096, 1024 ** 4, 2.25 * 1024 ** 4, 1024 ** 5, 3 * 1024 ** 6];
    // And 200 more spread over every magnitude up to 2^52, the same each run.
    for (let i = 0; i < 200; i++) sizes.push(Math.floor(2 ** ((i * 52) / 200) * (1 + (i % 7) / 10)));
    const expected = php(sizes);
    sizes.forEach((size, i) => assert.equal(formatBytes(size), expected[i], `size ${size}`));
  });

  it('uses the units of the user\'s language once the loader hands them over', () => {
    useMoodle({ sizeUnits: ['octets', 'Ko', 'Mo', 'Go', 'To', 'Po'], dateFormat: '%A', userDates: async () => [] });
    try {
      assert.equal(formatBytes(1023), `1023${NBSP}octets`);
      assert.equal(formatBytes(1536), `1.5${NBSP}Ko`);
    } finally {
      useMoodle({ sizeUnits: UNITS, dateFormat: '%A', userDates: async () => [] });
    }
  });
});
