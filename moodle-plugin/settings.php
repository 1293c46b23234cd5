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
 * Site settings and admin pages of assignsubmission_s3video.
 *
 * Moodle reads an assignment subplugin's settings.php only while it builds the full admin
 * tree, and adds whatever $settings holds under "Submission plugins". So $settings becomes
 * a category with the settings page and the plugin's own admin pages in it; those pages load
 * the full tree before admin_externalpage_setup() (see admin/*.php).
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

use assignsubmission_s3video\config;
use assignsubmission_s3video\contract;

defined('MOODLE_INTERNAL') || die();

$page = $settings;

$page->add(new admin_setting_configcheckbox(
    'assignsubmission_s3video/default',
    new lang_string('default', 'assignsubmission_s3video'),
    new lang_string('default_help', 'assignsubmission_s3video'),
    1
));

$page->add(new admin_setting_heading(
    'assignsubmission_s3video/edgeheading',
    new lang_string('edgeheading', 'assignsubmission_s3video'),
    new lang_string(
        'edgeheading_desc',
        'assignsubmission_s3video',
        (new moodle_url('/mod/assign/submission/s3video/admin/check.php'))->out()
    )
));

$page->add(new admin_setting_configtext(
    'assignsubmission_s3video/edgeurl',
    new lang_string('edgeurl', 'assignsubmission_s3video'),
    new lang_string('edgeurl_desc', 'assignsubmission_s3video'),
    '',
    PARAM_URL,
    60
));

$page->add(new \assignsubmission_s3video\admin\setting_secret(
    'assignsubmission_s3video/sharedsecret',
    new lang_string('sharedsecret', 'assignsubmission_s3video'),
    new lang_string('sharedsecret_desc', 'assignsubmission_s3video'),
    ''
));

$page->add(new admin_setting_heading(
    'assignsubmission_s3video/limitsheading',
    new lang_string('limitsheading', 'assignsubmission_s3video'),
    ''
));

$page->add(new admin_setting_configselect(
    'assignsubmission_s3video/maxbytes',
    new lang_string('maxbytes', 'assignsubmission_s3video'),
    new lang_string('maxbytes_desc', 'assignsubmission_s3video'),
    contract::MAX_UPLOAD_BYTES,
    config::size_choices()
));

$types = [];
foreach (array_keys(contract::VIDEO_TYPES) as $extension) {
    $types[$extension] = strtoupper($extension);
}
$page->add(new admin_setting_configmulticheckbox(
    'assignsubmission_s3video/allowedtypes',
    new lang_string('allowedtypes', 'assignsubmission_s3video'),
    new lang_string('allowedtypes_desc', 'assignsubmission_s3video'),
    array_fill_keys(array_keys($types), 1),
    $types
));

$category = new admin_category(
    'assignsubmission_s3video_category',
    new lang_string('pluginname', 'assignsubmission_s3video'),
    $plugininfo->is_enabled() === false
);
$category->add('assignsubmission_s3video_category', $page);
$category->add('assignsubmission_s3video_category', new admin_externalpage(
    'assignsubmission_s3video_check',
    new lang_string('checkconnection', 'assignsubmission_s3video'),
    new moodle_url('/mod/assign/submission/s3video/admin/check.php')
));
$category->add('assignsubmission_s3video_category', new admin_externalpage(
    'assignsubmission_s3video_dashboard',
    new lang_string('dashboard', 'assignsubmission_s3video'),
    new moodle_url('/mod/assign/submission/s3video/admin/dashboard.php'),
    'assignsubmission/s3video:manage'
));
$category->add('assignsubmission_s3video_category', new admin_externalpage(
    'assignsubmission_s3video_videos',
    new lang_string('videos', 'assignsubmission_s3video'),
    new moodle_url('/mod/assign/submission/s3video/admin/videos.php'),
    'assignsubmission/s3video:manage'
));

$settings = $category;
