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
 * Checks that the edge is reachable and shares this site's secret, then that its storage is
 * set up as deployed (the bucket's region, versioning off), saying what to change.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

use assignsubmission_s3video\access;
use assignsubmission_s3video\config;
use assignsubmission_s3video\edge_exception;

require_once(__DIR__ . '/../../../../../config.php');
require_once($CFG->libdir . '/adminlib.php');

// The plugin's admin pages exist only in the full admin tree (see settings.php), whose
// settings may render output: log in and set the page context before building it.
require_login(null, false);
$PAGE->set_context(context_system::instance());
admin_get_root(false, true);
admin_externalpage_setup('assignsubmission_s3video_check');

$title = get_string('checkconnection', 'assignsubmission_s3video');
$PAGE->set_title($title);

echo $OUTPUT->header();
echo $OUTPUT->heading($title);

if (!config::is_configured()) {
    echo $OUTPUT->notification(get_string('notconfigured', 'assignsubmission_s3video'), 'warning');
} else {
    try {
        // The token deletions use: this proves exactly what Moodle's server will send.
        $token = access::server_admin_token();
        $pong = config::edge()->ping($token);
        echo $OUTPUT->notification(get_string('checkreachable', 'assignsubmission_s3video', [
            'url' => s(config::edge_url()),
            'issuer' => s($pong['issuer']),
            'time' => s($pong['time']),
        ]), 'success');
        $health = config::edge()->health($token);
        foreach ($health['checks'] as $check) {
            $key = $check['ok'] ? 'checkstorageok' : 'checkstorageproblem';
            echo $OUTPUT->notification(get_string($key, 'assignsubmission_s3video', s($check['message'])),
                $check['ok'] ? 'success' : 'error');
        }
    } catch (edge_exception $e) {
        if ($e->is_unreachable()) {
            $message = get_string('checkunreachable', 'assignsubmission_s3video', s($e->getMessage()));
        } else if ($e->status === 401) {
            $message = get_string('checksecretmismatch', 'assignsubmission_s3video', s($e->getMessage()));
        } else {
            $message = get_string('checkerror', 'assignsubmission_s3video', [
                'status' => $e->status,
                'message' => s($e->getMessage()),
            ]);
        }
        echo $OUTPUT->notification($message, 'error');
    }
}

echo $OUTPUT->continue_button(new moodle_url('/admin/settings.php', ['section' => 'assignsubmission_s3video']));
echo $OUTPUT->footer();
