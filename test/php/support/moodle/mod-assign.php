<?php
// TEST STAND-IN — not shipped, not used by Moodle.
//
// A model of mod_assign's \assign (public/mod/assign/locallib.php of Moodle 5.1, read for this;
// the same methods behave the same in 4.5 and 5.0) limited to what the plugin asks it: the
// permission answers (can_view_submission, can_view_group_submission, can_view_grades,
// can_edit_submission, submissions_open, is_active_user), the user's effective dates
// (update_effective_access / override_exists / get_user_flags) and the submission look-ups.
// Records live in the stand-in $DB tables assign, assign_submission, assign_user_flags,
// assign_overrides. Each method names the one it models; the behaviour is Moodle's, the code is not.

declare(strict_types=1);

/** mod/assign/submissionplugin.php assign_submission_plugin (with assign_plugin's config). */
abstract class assign_submission_plugin {
    protected \assign $assignment;
    private string $type;
    private string $error = '';

    public function __construct(\assign $assignment, $type) {
        $this->assignment = $assignment;
        $this->type = $type;
    }
    public function get_type() {
        return $this->type;
    }
    public function get_subtype() {
        return 'assignsubmission';
    }
    public function is_enabled() {
        return (bool) $this->get_config('enabled');
    }
    public function get_config($setting = null) {
        global $DB;
        $row = $DB->get_record('assign_plugin_config', [
            'assignment' => $this->assignment->get_instance()->id, 'plugin' => $this->type, 'name' => $setting,
        ]);
        return $row ? $row->value : false;
    }
    public function set_config($name, $value) {
        global $DB;
        $DB->insert_record('assign_plugin_config', [
            'assignment' => $this->assignment->get_instance()->id, 'plugin' => $this->type, 'name' => $name, 'value' => $value,
        ]);
        return true;
    }
    public function set_error($msg) {
        $this->error = $msg;
    }
    public function get_error() {
        return $this->error;
    }
}

class assign {
    private \context $context;
    private \stdClass $cm;
    private \stdClass $course;
    /** @var array<int, \stdClass> per-user copies of the instance, as get_instance($userid) keeps them */
    private array $userinstances = [];
    /** @var assign_submission_plugin[] */
    private array $plugins = [];
    /** @var string what get_return_action() reads from $PAGE->url */
    public string $returnaction = 'view';

    public function __construct($coursemodulecontext, $coursemodule, $course) {
        global $DB;
        $this->context = $coursemodulecontext;
        $this->cm = $coursemodule ?? $DB->get_record('course_modules', ['id' => $coursemodulecontext->instanceid], '*', MUST_EXIST);
        $this->course = $course ?? (object) ['id' => 2, 'fullname' => 'Course'];
        require_once(S3VIDEO_PLUGIN_DIR . '/locallib.php');
        $this->plugins['s3video'] = new assign_submission_s3video($this, 's3video');
    }

    public function get_context() {
        return $this->context;
    }
    public function get_course_context() {
        return context_course::instance($this->course->id);
    }
    public function get_course() {
        return $this->course;
    }
    /** The course module with its effective group mode, as cm_info gives it. */
    public function get_course_module() {
        $cm = clone $this->cm;
        $cm->effectivegroupmode = $cm->groupmode;
        return $cm;
    }
    public function get_submission_plugin_by_type($type) {
        return $this->plugins[$type] ?? null;
    }
    /** locallib.php get_return_action(): the action of the page being built. */
    public function get_return_action() {
        return $this->returnaction;
    }
    public function is_blind_marking() {
        return false;
    }
    public function has_instance() {
        return true;
    }

    /** locallib.php get_default_instance() / get_instance(?int $userid): a per-user copy (relative dates not modelled). */
    public function get_instance(?int $userid = null): \stdClass {
        global $DB, $USER;
        $userid = $userid ?? (int) $USER->id;
        if (!isset($this->userinstances[$userid])) {
            $this->userinstances[$userid] = $DB->get_record('assign', ['id' => $this->cm->instance], '*', MUST_EXIST);
        }
        return $this->userinstances[$userid];
    }

    /** locallib.php update_effective_access(): the override's dates and time limit on the user's instance. */
    public function update_effective_access($userid) {
        $override = $this->override_exists($userid);
        foreach (['duedate', 'cutoffdate', 'allowsubmissionsfromdate', 'timelimit'] as $key) {
            if (isset($override->{$key})) {
                $this->get_instance($userid)->{$key} = $override->{$key};
            }
        }
    }

    /** locallib.php override_exists(): the user's override over the lowest-sortorder override of their groups. */
    public function override_exists($userid) {
        global $DB;
        $user = $DB->get_record('assign_overrides', ['assignid' => $this->get_instance()->id, 'userid' => $userid]);
        $group = false;
        $groupids = groups_get_user_groups($this->get_instance()->course, $userid)[0];
        if ($groupids) {
            $candidates = array_filter(
                $DB->get_records('assign_overrides', ['assignid' => $this->get_instance()->id], 'sortorder ASC'),
                fn(\stdClass $o): bool => !empty($o->groupid) && in_array((int) $o->groupid, $groupids, true),
            );
            $group = $candidates ? reset($candidates) : false;
        }
        $defined = fn($o): array => $o ? array_filter(get_object_vars($o), fn($v): bool => $v !== null) : [];
        return (object) array_merge(
            ['timelimit' => null, 'duedate' => null, 'cutoffdate' => null, 'allowsubmissionsfromdate' => null],
            $defined($group),
            $defined($user),
        );
    }

    /** locallib.php get_user_flags(). */
    public function get_user_flags($userid, $create) {
        global $DB;
        return $DB->get_record('assign_user_flags', ['assignment' => $this->get_instance()->id, 'userid' => $userid]);
    }

    /** locallib.php get_user_submission(): the latest attempt's row (creating one is not modelled). */
    public function get_user_submission($userid, $create, $attemptnumber = -1) {
        global $DB;
        $rows = $DB->get_records('assign_submission',
            ['assignment' => $this->get_instance()->id, 'userid' => $userid, 'groupid' => 0], 'attemptnumber DESC', '*', 0, 1);
        return $rows ? reset($rows) : false;
    }

    /** locallib.php get_group_submission(): the team's row, the user's submission group when $groupid is 0. */
    public function get_group_submission($userid, $groupid, $create, $attemptnumber = -1) {
        global $DB;
        if ($groupid == 0) {
            $group = $this->get_submission_group($userid);
            $groupid = $group ? $group->id : 0;
        }
        $rows = $DB->get_records('assign_submission',
            ['assignment' => $this->get_instance()->id, 'groupid' => $groupid, 'userid' => 0], 'attemptnumber DESC', '*', 0, 1);
        return $rows ? reset($rows) : false;
    }

    /** locallib.php get_all_submissions(): every attempt of the user's (or their team's) submission. */
    public function get_all_submissions($userid) {
        global $DB;
        if ($this->get_instance()->teamsubmission) {
            $group = $this->get_submission_group($userid);
            $params = ['assignment' => $this->get_instance()->id, 'groupid' => $group ? $group->id : 0, 'userid' => 0];
        } else {
            $params = ['assignment' => $this->get_instance()->id, 'userid' => $userid];
        }
        return $DB->get_records('assign_submission', $params, 'attemptnumber ASC');
    }

    /** locallib.php get_submission_group(): the user's one group in the team grouping, false for none or several. */
    public function get_submission_group($userid) {
        $groups = $this->get_all_groups($userid);
        return count($groups) === 1 ? reset($groups) : false;
    }

    /** locallib.php get_all_groups(). */
    public function get_all_groups($userid) {
        return groups_get_all_groups($this->course->id, $userid, $this->get_instance()->teamsubmissiongroupingid);
    }

    /** locallib.php is_active_user(). */
    public function is_active_user($userid) {
        return !in_array($userid, get_suspended_userids($this->context, true));
    }

    /** locallib.php show_only_active_users(): always for a viewer without moodle/course:viewsuspendedusers. */
    public function show_only_active_users() {
        return !has_capability('moodle/course:viewsuspendedusers', $this->context);
    }

    /** locallib.php list_participants(): enrolled holders of mod/assign:submit, of a group when given. */
    public function list_participants($currentgroup, $idsonly, $tablesort = false, ?bool $onlyactive = null) {
        $onlyactive = $onlyactive ?? $this->show_only_active_users();
        $users = [];
        foreach (array_keys(standin_site::$enrolments) as $userid) {
            if (!is_enrolled($this->context, $userid, 'mod/assign:submit', $onlyactive)) {
                continue;
            }
            if ($currentgroup && !groups_is_member($currentgroup, $userid)) {
                continue;
            }
            $users[$userid] = (object) ['id' => $userid];
        }
        return $users;
    }

    /** locallib.php get_submission_group_members(). */
    public function get_submission_group_members($groupid, $onlyids, $excludesuspended = false) {
        $members = [];
        foreach ($this->list_participants($groupid != 0 ? $groupid : null, $onlyids) as $user) {
            if ($groupid != 0 ? (bool) $this->get_submission_group($user->id) : $this->get_submission_group($user->id) == null) {
                $members[] = $user;
            }
        }
        if ($excludesuspended || !has_capability('moodle/course:viewsuspendedusers', $this->context)) {
            $members = array_filter($members, fn($m): bool => $this->is_active_user($m->id));
        }
        return $members;
    }

    /** locallib.php can_view_submission(): owner active or viewer sees suspended; owner enrolled; grader or self. */
    public function can_view_submission($userid) {
        global $USER;
        if (!$this->is_active_user($userid) && !has_capability('moodle/course:viewsuspendedusers', $this->context)) {
            return false;
        }
        if (!is_enrolled($this->get_course_context(), $userid)) {
            return false;
        }
        if (has_any_capability(['mod/assign:viewgrades', 'mod/assign:grade'], $this->context)) {
            return true;
        }
        return $userid == $USER->id;
    }

    /** locallib.php can_view_group_submission(): if any member's submission may be viewed. */
    public function can_view_group_submission($groupid) {
        foreach ($this->get_submission_group_members($groupid, true) as $member) {
            if ($this->can_view_submission($member->id)) {
                return true;
            }
        }
        return false;
    }

    /** locallib.php can_view_grades(): the capabilities, and in separate groups a group or accessallgroups. */
    public function can_view_grades($groupid = null) {
        if (!has_any_capability(['mod/assign:viewgrades', 'mod/assign:grade'], $this->context)) {
            return false;
        }
        if ($this->get_course_module()->effectivegroupmode == SEPARATEGROUPS) {
            if ($groupid === null) {
                $groupid = groups_get_activity_allowed_groups($this->get_course_module());
            }
            return has_capability('moodle/site:accessallgroups', $this->get_context()) || !empty($groupid);
        }
        return true;
    }

    /** locallib.php can_grade(). */
    public function can_grade($user = null) {
        return has_capability('mod/assign:grade', $this->context, $user);
    }

    /** locallib.php submissions_open(): dates with overrides and extension, lock, enrolment, drafts, gradebook lock. */
    public function submissions_open($userid = 0, $skipenrolled = false, $submission = false, $flags = false, $gradinginfo = false) {
        global $USER;
        $userid = $userid ?: (int) $USER->id;
        $this->update_effective_access($userid);
        $time = standin_site::$now;
        $instance = $this->get_instance($userid);
        $finaldate = $instance->cutoffdate ?: false;
        if ($flags === false) {
            $flags = $this->get_user_flags($userid, false);
        }
        if ($flags && $flags->locked) {
            return false;
        }
        if ($finaldate && $flags && $flags->extensionduedate && $flags->extensionduedate > $finaldate) {
            $finaldate = $flags->extensionduedate;
        }
        $dateopen = $finaldate
            ? ($instance->allowsubmissionsfromdate <= $time && $time <= $finaldate)
            : ($instance->allowsubmissionsfromdate <= $time);
        if (!$dateopen) {
            return false;
        }
        if (!$skipenrolled && !is_enrolled($this->get_course_context(), $userid)) {
            return false;
        }
        if ($submission === false) {
            $submission = $instance->teamsubmission
                ? $this->get_group_submission($userid, 0, false)
                : $this->get_user_submission($userid, false);
        }
        if ($submission && $instance->submissiondrafts && $submission->status == ASSIGN_SUBMISSION_STATUS_SUBMITTED) {
            return false;
        }
        return !in_array((int) $userid, standin_site::$lockedgrades, true);
    }

    /** locallib.php can_edit_submission(). */
    public function can_edit_submission($userid, $graderid = 0) {
        global $USER;
        $graderid = $graderid ?: (int) $USER->id;
        $instance = $this->get_instance();
        if ($userid == $graderid && $instance->teamsubmission && $instance->preventsubmissionnotingroup
                && $this->get_submission_group($userid) == false) {
            return false;
        }
        if ($userid == $graderid) {
            return $this->submissions_open($userid) && has_capability('mod/assign:submit', $this->context, $graderid, false);
        }
        if (!has_capability('mod/assign:editothersubmission', $this->context, $graderid)) {
            return false;
        }
        $cm = $this->get_course_module();
        if (groups_get_activity_groupmode($cm) == SEPARATEGROUPS
                && !has_capability('moodle/site:accessallgroups', $this->context, $graderid)) {
            return array_key_exists($userid, groups_get_activity_shared_group_members($cm, $graderid));
        }
        return true;
    }
}
