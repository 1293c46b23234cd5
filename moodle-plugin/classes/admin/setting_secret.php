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
 * A shared secret setting that refuses what the edge would refuse.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace assignsubmission_s3video\admin;

use assignsubmission_s3video\token_issuer;

/**
 * The shared secret: masked like any password, and at least as long as the edge requires.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class setting_secret extends \admin_setting_configpasswordunmask {
    /**
     * Empty (not configured yet) or long enough.
     *
     * @param string $data
     * @return true|string true, or the error to show
     */
    public function validate($data) {
        $data = (string) $data;
        if ($data !== '' && strlen($data) < token_issuer::MIN_SECRET_LENGTH) {
            return get_string('sharedsecrettooshort', 'assignsubmission_s3video', token_issuer::MIN_SECRET_LENGTH);
        }
        return true;
    }
}
