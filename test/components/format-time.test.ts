import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { formatDuration, useMoodle } from '../../components/moodle-format';

/**
 * A video's length exactly as the plugin's summaries write it beside the components:
 * format_time((int) round($duration)) (moodle-plugin/locallib.php), format_time being
 * lib/moodlelib.php's, run here by Debian's PHP on the same values (its body as Moodle 4.5 has
 * it, with core's English strings), so the components and Moodle cannot drift apart.
 */

const MOODLE_FORMAT_TIME = String.raw`
  const MINSECS = 60; const HOURSECS = 3600; const DAYSECS = 86400; const YEARSECS = 31536000;
  function format_time($totalsecs) {
    $totalsecs = abs($totalsecs);
    $str = (object) ['day' => 'day', 'days' => 'days', 'hour' => 'hour', 'hours' => 'hours', 'min' => 'min', 'mins' => 'mins',
      'sec' => 'sec', 'secs' => 'secs', 'year' => 'year', 'years' => 'years'];
    $years     = floor($totalsecs/YEARSECS);
    $remainder = $totalsecs - ($years*YEARSECS);
    $days      = floor($remainder/DAYSECS);
    $remainder = $totalsecs - ($days*DAYSECS);
    $hours     = floor($remainder/HOURSECS);
    $remainder = $remainder - ($hours*HOURSECS);
    $mins      = floor($remainder/MINSECS);
    $secs      = $remainder - ($mins*MINSECS);
    $ss = ($secs == 1)  ? $str->sec  : $str->secs;
    $sm = ($mins == 1)  ? $str->min  : $str->mins;
    $sh = ($hours == 1) ? $str->hour : $str->hours;
    $sd = ($days == 1)  ? $str->day  : $str->days;
    $sy = ($years == 1)  ? $str->year  : $str->years;
    $oyears = ''; $odays = ''; $ohours = ''; $omins = ''; $osecs = '';
    if ($years) { $oyears  = $years .' '. $sy; }
    if ($days) { $odays  = $days .' '. $sd; }
    if ($hours) { $ohours = $hours .' '. $sh; }
    if ($mins) { $omins  = $mins .' '. $sm; }
    if ($secs) { $osecs  = $secs .' '. $ss; }
    if ($years) { return trim($oyears .' '. $odays); }
    if ($days) { return trim($odays .' '. $ohours); }
    if ($hours) { return trim($ohours .' '. $omins); }
    if ($mins) { return trim($omins .' '. $osecs); }
    if ($secs) { return $osecs; }
    return 'now';
  }
  foreach (json_decode($argv[1]) as $duration) {
    echo format_time((int) round((float) $duration)), "\n";
  }`;

function php(durations: number[]): string[] {
  return execFileSync('php', ['-r', MOODLE_FORMAT_TIME, JSON.stringify(durations)], { encoding: 'utf8' }).trimEnd().split('\n');
}

describe('formatDuration is format_time()', () => {
  it('reads as Moodle beside it: "6 secs", "1 min 5 secs", "1 hour 2 mins", "now"', () => {
    assert.equal(formatDuration(6.006), '6 secs');
    assert.equal(formatDuration(1), '1 sec');
    assert.equal(formatDuration(60), '1 min');
    assert.equal(formatDuration(65.4), '1 min 5 secs');
    assert.equal(formatDuration(3725), '1 hour 2 mins');
    assert.equal(formatDuration(0.4), 'now');
  });

  it('agrees with PHP running Moodle\'s format_time on the rounded length', () => {
    const durations = [0, 0.49, 0.5, 1, 1.5, 2, 59, 59.5, 60, 61, 119.6, 120, 3599, 3599.5, 3600, 3601, 3660, 3661, 7199, 7200, 86399, 86400, 90061];
    // And 200 more, spread up to a five-hour lecture, the same each run.
    for (let i = 0; i < 200; i++) durations.push(Math.round(((i * 18000) / 200 + (i % 13) * 1.37) * 1000) / 1000);
    const expected = php(durations);
    durations.forEach((d, i) => assert.equal(formatDuration(d), expected[i], `duration ${d}`));
  });

  it('uses the words of the user\'s language once the loader hands them over', () => {
    useMoodle({
      sizeUnits: ['octets', 'Ko', 'Mo', 'Go', 'To', 'Po'], dateFormat: '%A', userDates: async () => [],
      timeUnits: ['seconde', 'secondes', 'minute', 'minutes', 'heure', 'heures', 'jour', 'jours', 'maintenant'],
    });
    try {
      assert.equal(formatDuration(3725), '1 heure 2 minutes');
      assert.equal(formatDuration(0), 'maintenant');
    } finally {
      useMoodle({ sizeUnits: ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'], dateFormat: '%A', userDates: async () => [] });
    }
  });
});
