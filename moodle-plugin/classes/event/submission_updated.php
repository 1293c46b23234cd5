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
 * The assignsubmission_s3video submission_updated event.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace assignsubmission_s3video\event;

/**
 * A video submission was updated: the submission got its new video.
 *
 * @property-read array $other {
 *      Extra information about the event.
 *
 *      - int videoid: the video's id at the edge.
 *      - int filesize: its size in bytes.
 * }
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class submission_updated extends \mod_assign\event\submission_updated {
    /**
     * Init method.
     */
    protected function init() {
        parent::init();
        $this->data['objecttable'] = 'assignsubmission_s3video';
    }

    /**
     * Returns non-localised description of what happened.
     *
     * @return string
     */
    public function get_description() {
        $description = "The user with id '$this->userid' updated a video submission with video " .
            "'{$this->other['videoid']}' in the assignment with course module id '$this->contextinstanceid'";
        if (!empty($this->other['groupid'])) {
            $description .= " for the group with id '{$this->other['groupid']}'.";
        } else {
            $description .= ".";
        }
        return $description;
    }

    /**
     * Custom validation.
     *
     * @throws \coding_exception
     * @return void
     */
    protected function validate_data() {
        parent::validate_data();
        if (!isset($this->other['videoid'])) {
            throw new \coding_exception('The \'videoid\' value must be set in other.');
        }
    }

    /**
     * How backup and restore map the object id.
     *
     * @return array
     */
    public static function get_objectid_mapping() {
        // No mapping available for 'assignsubmission_s3video'.
        return ['db' => 'assignsubmission_s3video', 'restore' => \core\event\base::NOT_MAPPED];
    }
}
