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
 * through here, so the rule for a scope is written once.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class access {
    /**
     * Whether the submission is the user's own: theirs, or their group's in a team assignment.
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
     * Whether the user may upload into this submission now.
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
            && has_capability('mod/assign:submit', $assign->get_context(), $userid)
            && $assign->submissions_open($userid);
    }

    /**
     * The role a view token carries for this user, or null if they may not watch the video.
     *
     * @param \assign $assign
     * @param \stdClass $submission
     * @param int $userid
     * @return string|null student (the owner), teacher (a grader) or admin
     */
    public static function view_role(\assign $assign, \stdClass $submission, int $userid): ?string {
        if ((int) $submission->assignment !== (int) $assign->get_instance()->id) {
            return null;
        }
        if (self::owns_submission($assign, $submission, $userid)) {
            return 'student';
        }
        if (has_capability('mod/assign:grade', $assign->get_context(), $userid)) {
            return 'teacher';
        }
        if (self::is_admin($userid)) {
            return 'admin';
        }
        return null;
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
     * An upload token for this submission, if the user may submit now.
     *
     * @param \assign $assign
     * @param \stdClass $submission
     * @param \stdClass $user
     * @return string
     * @throws \moodle_exception if not allowed
     */
    public static function upload_token(\assign $assign, \stdClass $submission, \stdClass $user): string {
        if (!self::can_upload($assign, $submission, (int) $user->id)) {
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
            format_string($course->fullname, true, ['context' => $assign->get_course_context()]),
            format_string($assign->get_instance()->name, true, ['context' => $assign->get_context()]),
            fullname($user),
        );
    }

    /**
     * A view token for this submission, if the user may watch its video.
     *
     * @param \assign $assign
     * @param \stdClass $submission
     * @param \stdClass $user
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
        );
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
}
