/**
 * Just enough of Moodle's JavaScript for the real loader to run unchanged:
 * RequireJS configured the way Moodle configures it, `core/str` answering
 * from the plugin's lang file, and `core/ajax` posting to the demo server's
 * stand-in for lib/ajax/service.php.
 */

/** `core/str`: getStrings as Moodle 4.5 has it (native promises). */
export const CORE_STR = `define('core/str', [], function () {
  var loaded = null;
  function all() {
    loaded = loaded || fetch('/strings.json').then(function (res) { return res.json(); });
    return loaded;
  }
  function getStrings(requests) {
    return all().then(function (byComponent) {
      return requests.map(function (r) {
        var text = (byComponent[r.component] || {})[r.key];
        return text === undefined ? '[[' + r.key + ',' + r.component + ']]' : text;
      });
    });
  }
  return {
    getStrings: getStrings,
    getString: function (key, component) {
      return getStrings([{ key: key, component: component }]).then(function (texts) { return texts[0]; });
    }
  };
});
`;

/** `core/ajax`: call() returns one promise per request, as Moodle's does. */
export const CORE_AJAX = `define('core/ajax', [], function () {
  return {
    call: function (requests) {
      var answers = fetch('/lib/ajax/service.php', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(requests.map(function (r) { return { methodname: r.methodname, args: r.args }; }))
      }).then(function (res) { return res.json(); });
      return requests.map(function (r, i) {
        return answers.then(function (all) {
          if (all[i].error) { throw new Error(all[i].exception.message); }
          return all[i].data;
        });
      });
    }
  };
});
`;

/**
 * `core/user_date`: get([{timestamp, format}]) → the dates as the server writes them for
 * this user, one core_get_user_dates call for the lot (Moodle's also caches them per page).
 */
export const CORE_USER_DATE = `define('core/user_date', ['core/ajax'], function (ajax) {
  var cache = {};
  return {
    get: function (requests) {
      var missing = requests.filter(function (r) { return !((r.timestamp + '/' + r.format) in cache); });
      var asked = missing.length === 0 ? Promise.resolve() : ajax.call([{
        methodname: 'core_get_user_dates',
        args: {
          contextid: (window.M && M.cfg && M.cfg.contextid) || 1,
          timestamps: missing.map(function (r) { return { timestamp: r.timestamp, format: r.format }; })
        }
      }])[0].then(function (result) {
        missing.forEach(function (r, i) { cache[r.timestamp + '/' + r.format] = result.dates[i]; });
      });
      return asked.then(function () {
        return requests.map(function (r) { return cache[r.timestamp + '/' + r.format]; });
      });
    }
  };
});
`;

/** What $PAGE->requires->js_call_amd('assignsubmission_s3video/loader', 'init', [kind]) puts on a page. */
export function amdCall(kind: 'uploader' | 'player' | 'admin', contextid: number): string {
  return `<script src="/lib/requirejs/require.js"></script>
<script>
  window.M = { cfg: { wwwroot: location.origin, contextid: ${contextid} } };
  require.config({ baseUrl: '/lib/requirejs.php' });
  require(['assignsubmission_s3video/loader'], function (amd) { amd.init(${JSON.stringify(kind)}); });
</script>`;
}
