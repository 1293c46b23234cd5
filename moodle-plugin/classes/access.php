<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

/**
 * Who may have which token.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace assignsubmission_s3video;

/**
 * Moodle's permission checks in front of every token: Moodle decides, the edge enforces.
 *
 * Every caller (the form, the summary, the renewal web service, the admin pages) goes
 * through here, so the rule for a scope is written once, and each rule is mod_assign's own
 * answer: {@see \assign::can_edit_submission()} for uploads (cut-off, extensions, overrides,
 * locks, "students must submit in a group"), {@see \assign::can_view_submission()} /
 * {@see \assign::can_view_group_submission()} and {@see \assign::can_view_grades()} for
 * viewing (suspended and unenrolled owners included). The one rule mod_assign leaves to its
 * pages is the group filter: in separate groups its grading table and grader only list the
 * participants of the grader's own groups (groups_get_activity_allowed_groups()), while
 * can_view_submission() itself ignores groups; a view token follows the pages.
 *
 * mod_assign's view checks speak for the session's user ($USER), so a token is only ever
 * issued to that user.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class access {
    /**
     * Whether the submission is the user's own: theirs, or their team's in a team assignment.
     *
     * A team member's submission is the one mod_assign's get_group_submission() gives them:
     * their one team group's, or the "default group" (groupid 0) when they are in no group or
     * in several (get_submission_group() returns false then).
     *
     * @param \assign $assign
     * @param \stdClass $submission an assign_submission record
     * @param int $userid
     * @return bool
     */
    public static function owns_submission(\assign $assign, \stdClass $submission, int $userid): bool {
        if ((int) $submission->assignment !== (int) $assign->get_instance()->id) {
            return false;
        }
        if (!empty($submission->userid)) {
            return (int) $submission->userid === $userid;
        }
        if (!$assign->get_instance()->teamsubmission) {
            return false;
        }
        $group = $assign->get_submission_group($userid);
        return ($group ? (int) $group->id : 0) === (int) $submission->groupid;
    }

    /**
     * Whether the user may upload into this submission now: mod_assign's can_edit_submission()
     * for their own submission, on the latest attempt, with an active enrolment.
     *
     * can_edit_submission($userid, $userid) holds submissions_open() (allow-from date, cut-off
     * with the user's and group's overrides and extension, locked submissions, submitted
     * drafts, grades locked in the gradebook), mod/assign:submit, and for team assignments
     * with "students must submit in a group" the refusal of a student in no group or in
     * several. A suspended enrolment loses the course itself: require_login() admits only an
     * active one, so a token is not issued for it either.
     *
     * @param \assign $assign
     * @param \stdClass $submission
     * @param int $userid
     * @return bool
     */
    public static function can_upload(\assign $assign, \stdClass $submission, int $userid): bool {
        $plugin = $assign->get_submission_plugin_by_type('s3video');
        return $plugin && $plugin->is_enabled()
            && !empty($submission->latest)
            && self::owns_submission($assign, $submission, $userid)
            && $assign->is_active_user($userid)
            && $assign->can_edit_submission($userid, $userid);
    }

    /**
     * The last moment Moodle would still save this user's submission, or null when no cut-off applies.
     *
     * The same date submissions_open() compares with: the cut-off date after the user's (or
     * their group's) override, moved later by an extension granted beyond it. mod_assign has
     * no method that returns it, so it is read from the same sources, in the same order.
     *
     * @param \assign $assign
     * @param int $userid
     * @return int|null Unix time
     */
    public static function upload_deadline(\assign $assign, int $userid): ?int {
        $assign->update_effective_access($userid);
        $cutoff = (int) $assign->get_instance($userid)->cutoffdate;
        if ($cutoff <= 0) {
            return null;
        }
        $flags = $assign->get_user_flags($userid, false);
        if ($flags && (int) $flags->extensionduedate > $cutoff) {
            $cutoff = (int) $flags->extensionduedate;
        }
        return $cutoff;
    }

    /**
     * The role a view token carries for this user, or null if they may not watch the video.
     *
     * @param \assign $assign
     * @param \stdClass $submission
     * @param int $userid the session's user
     * @return string|null student (the owner), teacher (a grader) or admin (a grader who runs the video service)
     */
    public static function view_role(\assign $assign, \stdClass $submission, int $userid): ?string {
        global $USER;

        if ((int) $USER->id !== $userid || (int) $submission->assignment !== (int) $assign->get_instance()->id) {
            return null;
        }
        if ($assign->can_view_grades()) {
            if (!empty($submission->userid)) {
                $grader = $assign->can_view_submission((int) $submission->userid)
                    && self::in_allowed_groups($assign, (int) $submission->userid, $userid);
            } else {
                $grader = $assign->can_view_group_submission((int) $submission->groupid)
                    && self::team_in_allowed_groups($assign, (int) $submission->groupid, $userid);
            }
            if ($grader) {
                return self::is_admin($userid) ? 'admin' : 'teacher';
            }
        }
        if (self::owns_submission($assign, $submission, $userid) && $assign->can_view_submission($userid)) {
            return 'student';
        }
        return null;
    }

    /**
     * Whether the grading pages would list this student for this viewer.
     *
     * In separate groups a viewer without moodle/site:accessallgroups sees only the members
     * of their own groups (groups_get_activity_allowed_groups() gives those; with the
     * capability, or in another group mode, it gives every group and nobody is filtered).
     *
     * @param \assign $assign
     * @param int $studentid
     * @param int $viewerid
     * @return bool
     */
    private static function in_allowed_groups(\assign $assign, int $studentid, int $viewerid): bool {
        $cm = $assign->get_course_module();
        if ((int) groups_get_activity_groupmode($cm) !== SEPARATEGROUPS
                || has_capability('moodle/site:accessallgroups', $assign->get_context(), $viewerid)) {
            return true;
        }
        foreach (groups_get_activity_allowed_groups($cm, $viewerid) as $group) {
            if (groups_is_member((int) $group->id, $studentid)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a team's submission is one this viewer's grading pages list: one of its members is.
     *
     * @param \assign $assign
     * @param int $groupid the team (0: the default team)
     * @param int $viewerid
     * @return bool
     */
    private static function team_in_allowed_groups(\assign $assign, int $groupid, int $viewerid): bool {
        foreach ($assign->get_submission_group_members($groupid, true) as $member) {
            if (self::in_allowed_groups($assign, (int) $member->id, $viewerid) && $assign->can_view_submission((int) $member->id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the user runs the video service: the dashboard, the video list, deletions.
     *
     * @param int $userid
     * @return bool
     */
    public static function is_admin(int $userid): bool {
        return has_capability('assignsubmission/s3video:manage', \context_system::instance(), $userid);
    }

    /**
     * Plain text of a name as Moodle shows it: filters applied, no HTML and no escaping.
     *
     * format_string() returns HTML ("Physics &amp; Chemistry"); 'escape' => false keeps the
     * ampersand, and what remains of HTML (a site without formatstringstriptags, an entity
     * typed into the name) is turned into the text a reader of Moodle's page sees. The
     * components escape it when they render it.
     *
     * @param string $name
     * @param \context $context
     * @return string
     */
    public static function plain_name(string $name, \context $context): string {
        $html = format_string($name, true, ['context' => $context, 'escape' => false]);
        return html_entity_decode(strip_tags($html), ENT_QUOTES | ENT_HTML5, 'UTF-8');
    }

    /**
     * An upload token for this submission, if the user may submit now, living no longer than
     * Moodle would accept the save.
     *
     * @param \assign $assign
     * @param \stdClass $submission
     * @param \stdClass $user the session's user
     * @return string
     * @throws \moodle_exception if not allowed
     */
    public static function upload_token(\assign $assign, \stdClass $submission, \stdClass $user): string {
        global $USER;

        if ((int) $USER->id !== (int) $user->id || !self::can_upload($assign, $submission, (int) $user->id)) {
            throw new \moodle_exception('notallowed', 'assignsubmission_s3video');
        }
        $course = $assign->get_course();
        $plugin = $assign->get_submission_plugin_by_type('s3video');
        return config::issuer()->upload(
            (int) $user->id,
            (int) $course->id,
            (int) $assign->get_instance()->id,
            (int) $submission->id,
            $plugin->get_maxbytes(),
            self::plain_name($course->fullname, $assign->get_course_context()),
            self::plain_name($assign->get_instance()->name, $assign->get_context()),
            fullname($user),
            self::upload_deadline($assign, (int) $user->id),
        );
    }

    /**
     * A view token for this submission, if the user may watch its video.
     *
     * @param \assign $assign
     * @param \stdClass $submission
     * @param \stdClass $user the session's user
     * @return string
     * @throws \moodle_exception if not allowed
     */
    public static function view_token(\assign $assign, \stdClass $submission, \stdClass $user): string {
        $role = self::view_role($assign, $submission, (int) $user->id);
        if ($role === null) {
            throw new \moodle_exception('notallowed', 'assignsubmission_s3video');
        }
        return config::issuer()->view(
            (int) $user->id,
            $role,
            (int) $assign->get_course()->id,
            (int) $assign->get_instance()->id,
            (int) $submission->id,
            self::can_caption($assign, $submission, (int) $user->id, $role),
        );
    }

    /**
     * Whether a viewer may attach captions to the submission's video: a grader who may grade it
     * (mod/assign:grade, the capability behind mod_assign's grading actions), or its owner
     * while mod_assign lets them edit the submission ({@see self::can_upload()}).
     *
     * @param \assign $assign
     * @param \stdClass $submission
     * @param int $userid
     * @param string $role the view role {@see self::view_role()} gave
     * @return bool
     */
    public static function can_caption(\assign $assign, \stdClass $submission, int $userid, string $role): bool {
        if ($role === 'student') {
            return self::can_upload($assign, $submission, $userid);
        }
        return has_capability('mod/assign:grade', $assign->get_context(), $userid);
    }

    /**
     * The claim token Moodle's server uses while the owner saves the form.
     *
     * @param \assign $assign
     * @param \stdClass $submission
     * @param int $userid the user saving
     * @return string
     * @throws \moodle_exception if the user does not own the submission
     */
    public static function claim_token(\assign $assign, \stdClass $submission, int $userid): string {
        if (!self::owns_submission($assign, $submission, $userid)) {
            throw new \moodle_exception('notallowed', 'assignsubmission_s3video');
        }
        return config::issuer()->claim(
            $userid,
            'student',
            (int) $assign->get_course()->id,
            (int) $assign->get_instance()->id,
            (int) $submission->id,
        );
    }

    /**
     * An admin token for a user who manages the video service.
     *
     * @param \stdClass $user
     * @return string
     * @throws \moodle_exception if not allowed
     */
    public static function admin_token(\stdClass $user): string {
        if (!self::is_admin((int) $user->id)) {
            throw new \moodle_exception('notallowed', 'assignsubmission_s3video');
        }
        return config::issuer()->admin((int) $user->id);
    }

    /**
     * The admin token Moodle's server uses on its own account (deletions, the settings check),
     * in the name of the main administrator.
     *
     * @return string
     */
    public static function server_admin_token(): string {
        return config::issuer()->admin((int) get_admin()->id);
    }

    /**
     * The server token Moodle uses to read video statuses and sign privacy export links; never
     * handed to a browser. Callers check what the page or the privacy request allows first.
     *
     * @return string
     */
    public static function server_token(): string {
        return config::issuer()->server((int) get_admin()->id);
    }
}
