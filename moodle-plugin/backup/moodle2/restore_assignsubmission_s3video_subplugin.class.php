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
 * Restore of assignsubmission_s3video.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

/**
 * Restores each submission's link to its video; no bytes are copied.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class restore_assignsubmission_s3video_subplugin extends restore_subplugin {
    /**
     * The paths this subplugin restores under a submission.
     *
     * @return restore_path_element[]
     */
    protected function define_submission_subplugin_structure() {
        $elename = $this->get_namefor('submission');
        // The backup used get_recommended_name(), so this path matches it.
        $elepath = $this->get_pathfor('/submission_s3video');
        return [new restore_path_element($elename, $elepath)];
    }

    /**
     * Restores one link.
     *
     * @param array|stdClass $data
     * @return void
     */
    public function process_assignsubmission_s3video_submission($data) {
        global $DB;

        $data = (object) $data;
        $data->assignment = $this->get_new_parentid('assign');
        // The mapping is set by the assign restore when it processed the submission.
        $data->submission = $this->get_mappingid('submission', $data->submission);
        if (!$data->submission) {
            return;
        }
        $DB->insert_record('assignsubmission_s3video', $data);
    }
}
