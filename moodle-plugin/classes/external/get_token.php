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
 * Web service that renews an element's token.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace assignsubmission_s3video\external;

use assignsubmission_s3video\access;
use assignsubmission_s3video\config;
use assignsubmission_s3video\token_issuer;
use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_single_structure;
use core_external\external_value;

/**
 * assignsubmission_s3video_get_token: a fresh token for an `<s3v-*>` element whose token expired.
 *
 * The checks are those that gave the page its first token ({@see access}), made again now:
 * a student whose submissions closed meanwhile gets no new upload token.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_token extends external_api {
    /** @var array<string, string> Element kind => token scope. */
    private const SCOPES = [
        'uploader' => 'upload',
        'player' => 'view',
        'admin' => 'admin',
    ];

    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'kind' => new external_value(PARAM_ALPHA, 'The element kind: uploader, player or admin'),
            'contextid' => new external_value(PARAM_INT, 'The page context: the assignment module, or system for admin'),
            'submissionid' => new external_value(PARAM_INT, 'The submission (0 for admin)', VALUE_DEFAULT, 0),
        ]);
    }

    /**
     * Issues the token if the current user may still have it.
     *
     * @param string $kind
     * @param int $contextid
     * @param int $submissionid
     * @return array{token: string, expires: int}
     */
    public static function execute(string $kind, int $contextid, int $submissionid = 0): array {
        global $CFG, $DB, $USER;

        [
            'kind' => $kind,
            'contextid' => $contextid,
            'submissionid' => $submissionid,
        ] = self::validate_parameters(self::execute_parameters(), [
            'kind' => $kind,
            'contextid' => $contextid,
            'submissionid' => $submissionid,
        ]);
        if (!isset(self::SCOPES[$kind])) {
            throw new \invalid_parameter_exception("Unknown kind '{$kind}'.");
        }
        if (!config::is_configured()) {
            throw new \moodle_exception('notconfigured', 'assignsubmission_s3video');
        }

        $context = \context::instance_by_id($contextid);
        self::validate_context($context);

        if ($kind === 'admin') {
            if ($context->contextlevel !== CONTEXT_SYSTEM) {
                throw new \invalid_parameter_exception('An admin token belongs to the system context.');
            }
            $token = access::admin_token($USER);
        } else {
            if ($context->contextlevel !== CONTEXT_MODULE) {
                throw new \invalid_parameter_exception('A submission token belongs to an assignment context.');
            }
            require_once($CFG->dirroot . '/mod/assign/locallib.php');
            [$course, $cm] = get_course_and_cm_from_cmid($context->instanceid, 'assign');
            $assign = new \assign($context, $cm, $course);
            $submission = $DB->get_record(
                'assign_submission',
                ['id' => $submissionid, 'assignment' => $assign->get_instance()->id],
                '*',
                MUST_EXIST
            );
            $token = $kind === 'uploader'
                ? access::upload_token($assign, $submission, $USER)
                : access::view_token($assign, $submission, $USER);
        }

        return [
            'token' => $token,
            // An upload token may end early, at the user's cut-off: tell the element the real moment.
            'expires' => token_issuer::expires_at($token),
        ];
    }

    /**
     * Return structure.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'token' => new external_value(PARAM_RAW, 'The token, for the element\'s token property'),
            'expires' => new external_value(PARAM_INT, 'When it expires (Unix time)'),
        ]);
    }
}
