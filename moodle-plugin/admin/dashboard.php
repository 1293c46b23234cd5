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
 * The video service dashboard: uploads, failures, storage and cost.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

use assignsubmission_s3video\access;
use assignsubmission_s3video\config;
use assignsubmission_s3video\output\elements;

require_once(__DIR__ . '/../../../../../config.php');
require_once($CFG->libdir . '/adminlib.php');

// The plugin's admin pages exist only in the full admin tree (see settings.php), whose
// settings may render output: log in and set the page context before building it.
require_login(null, false);
$PAGE->set_context(context_system::instance());
admin_get_root(false, true);
admin_externalpage_setup('assignsubmission_s3video_dashboard');

$title = get_string('dashboard', 'assignsubmission_s3video');
$PAGE->set_title($title);

echo $OUTPUT->header();
echo $OUTPUT->heading($title);

if (!config::is_configured()) {
    echo $OUTPUT->notification(get_string('notconfigured', 'assignsubmission_s3video'), 'warning');
} else {
    $videos = new moodle_url('/mod/assign/submission/s3video/admin/videos.php');
    echo html_writer::div(elements::dashboard(access::admin_token($USER), $videos), 'assignsubmission_s3video');
}

echo $OUTPUT->footer();
