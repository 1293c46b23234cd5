<?php
// TEST STAND-IN — not shipped, not used by Moodle.
//
// The parts of Moodle core the plugin's classes call, modelled on Moodle 5.1's public/lib
// (the same behaviour in 4.5 and 5.0 where noted): capabilities, enrolments, groups,
// format_string(), strings, contexts and an in-memory $DB with the non-SQL DML methods the
// plugin uses. State lives in standin_site and is reset by each test (standin_site::reset()).

declare(strict_types=1);

defined('MOODLE_INTERNAL') || define('MOODLE_INTERNAL', true);
const NOGROUPS = 0;
const SEPARATEGROUPS = 1;
const VISIBLEGROUPS = 2;
const CONTEXT_SYSTEM = 10;
const CONTEXT_COURSE = 50;
const CONTEXT_MODULE = 70;
const IGNORE_MISSING = 0;
const MUST_EXIST = 2;
const PARAM_RAW_TRIMMED = 'raw_trimmed';
const ASSIGN_SUBMISSION_STATUS_NEW = 'new';
const ASSIGN_SUBMISSION_STATUS_DRAFT = 'draft';
const ASSIGN_SUBMISSION_STATUS_SUBMITTED = 'submitted';

/** The site the stand-ins answer from: capabilities, enrolments, groups, settings, the clock. */
final class standin_site {
    /** @var array<int, array<string, bool>> userid => capability => granted (every context; a test has one course). */
    public static array $caps = [];
    /** @var int[] Site administrators: has_capability() is true for them unless $doanything is false. */
    public static array $admins = [2];
    /** @var array<int, string> userid => 'active' | 'suspended' enrolment in the course. */
    public static array $enrolments = [];
    /** @var array<int, \stdClass> groupid => {id, courseid, name} */
    public static array $groups = [];
    /** @var array<int, int[]> groupid => member user ids */
    public static array $members = [];
    /** @var array<int, int[]> groupingid => group ids */
    public static array $groupings = [];
    /** @var array<string, array<string, string>> plugin => name => value */
    public static array $config = [];
    /** @var int[] user ids whose grade the gradebook holds locked */
    public static array $lockedgrades = [];
    /** @var \core\task\adhoc_task[] */
    public static array $adhoctasks = [];
    /** @var array<int, \stdClass> course modules by id, as get_coursemodule_from_id() finds them */
    public static array $cms = [];
    public static int $now = 1_800_000_000;

    public static function reset(): void {
        global $DB, $USER, $CFG, $PAGE;
        self::$caps = [];
        self::$admins = [2];
        self::$enrolments = [];
        self::$groups = [];
        self::$members = [];
        self::$groupings = [];
        self::$config = [];
        self::$lockedgrades = [];
        self::$adhoctasks = [];
        self::$cms = [];
        self::$now = 1_800_000_000;
        $DB = new standin_database();
        $USER = (object) ['id' => 0];
        $CFG = (object) ['wwwroot' => 'https://moodle.example.edu', 'libdir' => __DIR__, 'dirroot' => __DIR__];
        $PAGE = new standin_page();
        \core\formatting_standin::$striptags = true;
    }

    public static function grant(int $userid, string ...$caps): void {
        foreach ($caps as $cap) {
            self::$caps[$userid][$cap] = true;
        }
    }

    public static function group(int $id, string $name, int ...$members): void {
        self::$groups[$id] = (object) ['id' => $id, 'courseid' => 2, 'name' => $name];
        self::$members[$id] = $members;
    }
}

/** Moodle's $PAGE, as far as elements::element() uses it. */
final class standin_page {
    public object $requires;
    public function __construct() {
        $this->requires = new class {
            /** @var array[] */
            public array $calls = [];
            public function js_call_amd(string $module, string $function, array $params = []): void {
                $this->calls[] = [$module, $function, $params];
            }
        };
    }
}

class moodle_exception extends \Exception {
    public string $errorcode;
    public string $module;
    public function __construct($errorcode, $module = '', $link = '', $a = null, $debuginfo = null) {
        $this->errorcode = (string) $errorcode;
        $this->module = (string) $module;
        parent::__construct($module === 'assignsubmission_s3video' ? get_string($errorcode, $module, $a) : (string) $errorcode);
    }
}
class coding_exception extends moodle_exception {
}

/** lib/accesslib.php has_capability(): admins hold everything unless $doanything is false. */
function has_capability($capability, $context, $user = null, $doanything = true): bool {
    global $USER;
    $userid = is_object($user) ? (int) $user->id : (int) ($user ?? $USER->id);
    if ($doanything && in_array($userid, standin_site::$admins, true)) {
        return true;
    }
    return !empty(standin_site::$caps[$userid][$capability]);
}

function has_any_capability(array $capabilities, $context, $user = null, $doanything = true): bool {
    foreach ($capabilities as $capability) {
        if (has_capability($capability, $context, $user, $doanything)) {
            return true;
        }
    }
    return false;
}

/** lib/accesslib.php is_enrolled(): any enrolment counts unless $onlyactive. */
function is_enrolled($context, $user = null, $withcapability = '', $onlyactive = false): bool {
    global $USER;
    $userid = is_object($user) ? (int) $user->id : (int) ($user ?? $USER->id);
    $status = standin_site::$enrolments[$userid] ?? null;
    if ($status === null || ($onlyactive && $status !== 'active')) {
        return false;
    }
    return $withcapability === '' || has_capability($withcapability, $context, $userid);
}

/** lib/accesslib.php get_suspended_userids(): enrolled users whose every enrolment is inactive. */
function get_suspended_userids($context, $usecache = false): array {
    $ids = array_keys(array_filter(standin_site::$enrolments, fn(string $s): bool => $s === 'suspended'));
    return array_combine($ids, $ids) ?: [];
}

/** lib/grouplib.php groups_get_activity_groupmode(): the module's mode (the course's when forced; not modelled). */
function groups_get_activity_groupmode($cm, $course = null): int {
    return (int) $cm->groupmode;
}

/** lib/grouplib.php groups_get_all_groups(): the course's groups, of a user, within a grouping. */
function groups_get_all_groups($courseid, $userid = 0, $groupingid = 0, $fields = 'g.*', $withmembers = false, $participationonly = false): array {
    $result = [];
    foreach (standin_site::$groups as $id => $group) {
        if ($groupingid && !in_array($id, standin_site::$groupings[$groupingid] ?? [], true)) {
            continue;
        }
        $users = is_array($userid) ? $userid : ($userid ? [(int) $userid] : []);
        if ($users && !array_intersect($users, standin_site::$members[$id] ?? [])) {
            continue;
        }
        $result[$id] = clone $group;
    }
    return $result;
}

/** lib/grouplib.php groups_get_user_groups(): [groupingid => [groupids]], 0 holding all of them. */
function groups_get_user_groups($courseid, $userid = 0): array {
    return [0 => array_keys(groups_get_all_groups($courseid, $userid))];
}

function groups_is_member($groupid, $userid = null): bool {
    return in_array((int) $userid, standin_site::$members[(int) $groupid] ?? [], true);
}

/**
 * lib/grouplib.php groups_get_activity_allowed_groups(): every group in visible groups mode or
 * with moodle/site:accessallgroups, otherwise the user's own (within the module's grouping).
 */
function groups_get_activity_allowed_groups($cm, $userid = 0): array {
    global $USER;
    $userid = $userid ?: (int) $USER->id;
    if (groups_get_activity_groupmode($cm) == VISIBLEGROUPS || has_capability('moodle/site:accessallgroups', null, $userid)) {
        return groups_get_all_groups($cm->course, 0, $cm->groupingid);
    }
    return groups_get_all_groups($cm->course, $userid, $cm->groupingid);
}

/** lib/grouplib.php groups_get_activity_shared_group_members(): users sharing a group of the module's grouping. */
function groups_get_activity_shared_group_members($cm, $userid = null): array {
    $members = [];
    foreach (groups_get_all_groups($cm->course, $userid, $cm->groupingid) as $id => $group) {
        foreach (standin_site::$members[$id] ?? [] as $member) {
            $members[$member] = (object) ['id' => $member];
        }
    }
    return $members;
}

function get_admin(): \stdClass {
    return (object) ['id' => 2];
}

function get_config($plugin, $name = null) {
    if ($name === null) {
        return (object) (standin_site::$config[$plugin] ?? []);
    }
    return standin_site::$config[$plugin][$name] ?? false;
}

function fullname($user, $override = false): string {
    return trim(($user->firstname ?? '') . ' ' . ($user->lastname ?? ''));
}

function get_string($identifier, $component = '', $a = null): string {
    static $strings = null;
    if ($component !== 'assignsubmission_s3video') {
        return "[[{$identifier}, {$component}]]";
    }
    if ($strings === null) {
        $string = [];
        require(S3VIDEO_PLUGIN_DIR . '/lang/en/assignsubmission_s3video.php');
        $strings = $string;
    }
    $text = $strings[$identifier] ?? "[[{$identifier}]]";
    if (is_object($a) || is_array($a)) {
        foreach ((array) $a as $key => $value) {
            $text = str_replace('{$a->' . $key . '}', (string) $value, $text);
        }
    } else if ($a !== null) {
        $text = str_replace('{$a}', (string) $a, $text);
    }
    return $text;
}

/** lib/weblib.php s(): HTML-escapes for output. */
function s($var): string {
    return htmlspecialchars((string) $var, ENT_QUOTES | ENT_HTML401 | ENT_SUBSTITUTE, 'UTF-8');
}

/** lib/weblib.php format_string() → \core\formatting::format_string() (5.1; the same options since 4.3). */
function format_string($string, $striplinks = true, $options = null): string {
    return \core\formatting_standin::format_string((string) $string, $options['escape'] ?? true);
}

/** lib/moodlelib.php display_size() (4.5+: one decimal). */
function display_size($size, int $decimalplaces = 1): string {
    foreach (['TB' => 1024 ** 4, 'GB' => 1024 ** 3, 'MB' => 1024 ** 2, 'KB' => 1024] as $unit => $bytes) {
        if ($size >= $bytes) {
            return number_format($size / $bytes, $decimalplaces) . ' ' . $unit;
        }
    }
    return $size . ' bytes';
}

function format_time($seconds): string {
    return $seconds . ' secs';
}

/** lib/moodlelib.php userdate() with the default strftimedaydatetime format, in UTC. */
function userdate($date, $format = '', $timezone = 99): string {
    return gmdate('l, j F Y, g:i A', (int) $date);
}

abstract class context {
    public int $id;
    public int $contextlevel;
    public int $instanceid;
    public function get_course_context($strict = true) {
        return context_course::instance(2);
    }
    public static function instance_by_id($id) {
        return $id === 1 ? context_system::instance() : context_module::instance($id - 1000);
    }
}
final class context_system extends context {
    public static function instance($instanceid = 0, $strictness = MUST_EXIST): self {
        $c = new self();
        [$c->id, $c->contextlevel, $c->instanceid] = [1, CONTEXT_SYSTEM, 0];
        return $c;
    }
}
final class context_course extends context {
    public static function instance($courseid, $strictness = MUST_EXIST): self {
        $c = new self();
        [$c->id, $c->contextlevel, $c->instanceid] = [100 + (int) $courseid, CONTEXT_COURSE, (int) $courseid];
        return $c;
    }
}
final class context_module extends context {
    public static function instance($cmid, $strictness = MUST_EXIST): self {
        $c = new self();
        [$c->id, $c->contextlevel, $c->instanceid] = [1000 + (int) $cmid, CONTEXT_MODULE, (int) $cmid];
        return $c;
    }
}

final class moodle_url {
    private string $url;
    public function __construct($url, array $params = []) {
        $this->url = 'https://moodle.example.edu' . $url . ($params ? '?' . http_build_query($params) : '');
    }
    public function out($escaped = true): string {
        return $escaped ? s($this->url) : $this->url;
    }
}

/** lib/outputcomponents.php html_writer, the calls the plugin makes. */
final class html_writer {
    public static function tag($tagname, $contents, ?array $attributes = null): string {
        $attrs = '';
        foreach ($attributes ?? [] as $name => $value) {
            $attrs .= ' ' . $name . '="' . s($value) . '"';
        }
        return "<{$tagname}{$attrs}>{$contents}</{$tagname}>";
    }
    /** As lib/outputcomponents.php: a void element, attributes escaped. */
    public static function empty_tag($tagname, ?array $attributes = null): string {
        $attrs = '';
        foreach ($attributes ?? [] as $name => $value) {
            $attrs .= ' ' . $name . '="' . s($value) . '"';
        }
        return "<{$tagname}{$attrs} />";
    }
    public static function div($content, $class = '', ?array $attributes = null): string {
        return self::tag('div', $content, ($class !== '' ? ['class' => $class] : []) + ($attributes ?? []));
    }
    public static function span($content, $class = '', ?array $attributes = null): string {
        return self::tag('span', $content, ($class !== '' ? ['class' => $class] : []) + ($attributes ?? []));
    }
}

/**
 * An in-memory $DB with the non-SQL DML methods of lib/dml/moodle_database.php the plugin uses.
 * Conditions are equality on fields, as Moodle's arrays of conditions are.
 */
final class standin_database {
    /** @var array<string, array<int, \stdClass>> */
    public array $tables = [];
    private int $nextid = 1;

    private static function matches(\stdClass $row, array $conditions): bool {
        foreach ($conditions as $field => $value) {
            if ((string) ($row->$field ?? '') !== (string) $value) {
                return false;
            }
        }
        return true;
    }

    public function get_records($table, ?array $conditions = null, $sort = '', $fields = '*', $from = 0, $num = 0): array {
        $rows = array_filter($this->tables[$table] ?? [], fn(\stdClass $r): bool => self::matches($r, $conditions ?? []));
        if ($sort !== '') {
            [$field, $dir] = array_pad(explode(' ', trim($sort)), 2, 'ASC');
            uasort($rows, fn($a, $b) => strtoupper($dir) === 'DESC' ? $b->$field <=> $a->$field : $a->$field <=> $b->$field);
        }
        $rows = array_map(fn(\stdClass $r): \stdClass => clone $r, $rows);
        return $num ? array_slice($rows, $from, $num, true) : $rows;
    }

    public function get_records_list($table, $field, array $values, $sort = '', $fields = '*'): array {
        $values = array_map('strval', $values);
        return array_filter($this->get_records($table), fn(\stdClass $r): bool => in_array((string) $r->$field, $values, true));
    }

    public function get_record($table, array $conditions, $fields = '*', $strictness = IGNORE_MISSING) {
        $rows = $this->get_records($table, $conditions);
        if (!$rows && $strictness === MUST_EXIST) {
            throw new moodle_exception('invalidrecord');
        }
        return $rows ? reset($rows) : false;
    }

    public function record_exists($table, array $conditions): bool {
        return (bool) $this->get_records($table, $conditions);
    }

    public function get_field($table, $return, array $conditions, $strictness = IGNORE_MISSING) {
        $row = $this->get_record($table, $conditions, '*', $strictness);
        return $row ? $row->$return : false;
    }

    public function insert_record($table, $dataobject, $returnid = true, $bulk = false) {
        $row = clone (object) $dataobject;
        $row->id = $this->nextid++;
        $this->tables[$table][$row->id] = $row;
        return $row->id;
    }

    public function update_record($table, $dataobject, $bulk = false): bool {
        $row = (object) $dataobject;
        $this->tables[$table][$row->id] = (object) array_merge((array) $this->tables[$table][$row->id], (array) $row);
        return true;
    }

    public function delete_records($table, ?array $conditions = null): bool {
        foreach ($this->get_records($table, $conditions ?? []) as $id => $row) {
            unset($this->tables[$table][$id]);
        }
        return true;
    }

    public function delete_records_list($table, $field, array $values): bool {
        foreach ($this->get_records_list($table, $field, $values) as $id => $row) {
            unset($this->tables[$table][$id]);
        }
        return true;
    }
}
