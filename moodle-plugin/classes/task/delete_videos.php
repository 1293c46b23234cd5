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
 * Deletes videos at the edge after Moodle let go of them.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace assignsubmission_s3video\task;

use assignsubmission_s3video\access;
use assignsubmission_s3video\config;
use assignsubmission_s3video\edge_exception;

/**
 * Asks the edge to delete videos whose submission, assignment or owner's data is gone.
 *
 * Removing a submission or deleting a course must not fail because the edge is down, so the
 * deletion runs here: when the edge refuses or cannot be reached the task throws, and Moodle
 * runs it again later with growing delays. Deleting is idempotent (a video already gone counts
 * as done), so a retry may safely repeat the ids that succeeded.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class delete_videos extends \core\task\adhoc_task {
    /** @var string The status of a live link (assign_submission_s3video::STATUS_READY; locallib is not loaded in cron). */
    private const LINKED = 'ready';

    /** @var int Ids per task: each delete also invalidates the CDN, so a task should stay short. */
    private const BATCH = 100;

    /**
     * Queues the deletion of these videos, once the caller has dropped or retired its own links to them.
     *
     * A video still linked from another submission is kept: a restored course copy links the
     * same videos as its original, and deleting the copy must not take the original's videos.
     *
     * @param int[] $videoids ids at the edge
     * @return void
     */
    public static function queue(array $videoids): void {
        global $DB;

        $videoids = array_values(array_unique(array_filter(array_map('intval', $videoids), fn(int $id): bool => $id > 0)));
        if (!$videoids) {
            return;
        }
        $stilllinked = [];
        foreach ($DB->get_records_list('assignsubmission_s3video', 'videoid', $videoids) as $link) {
            if ($link->status === self::LINKED) {
                $stilllinked[] = (int) $link->videoid;
            }
        }
        $videoids = array_values(array_diff($videoids, $stilllinked));
        foreach (array_chunk($videoids, self::BATCH) as $batch) {
            $task = new self();
            $task->set_custom_data(['videoids' => $batch]);
            \core\task\manager::queue_adhoc_task($task);
        }
    }

    /**
     * Name for the task list.
     *
     * @return string
     */
    public function get_name() {
        return get_string('taskdeletevideos', 'assignsubmission_s3video');
    }

    /**
     * Deletes each video; throws at the end if any could not be deleted, so the task runs again.
     *
     * @return void
     */
    public function execute() {
        if (!config::is_configured()) {
            throw new \moodle_exception('notconfigured', 'assignsubmission_s3video');
        }
        $edge = config::edge();
        $failed = [];
        foreach ($this->get_custom_data()->videoids as $videoid) {
            try {
                // A fresh token per call: a slow batch must not outlive a 15-minute token.
                $deleted = $edge->delete_video((int) $videoid, access::server_admin_token());
                mtrace("Video {$videoid}: " . ($deleted ? 'deleted.' : 'already gone.'));
            } catch (edge_exception $e) {
                mtrace("Video {$videoid}: not deleted ({$e->getMessage()}).");
                $failed[] = $videoid;
            }
        }
        if ($failed) {
            throw new \moodle_exception('deletefailed', 'assignsubmission_s3video', '', implode(', ', $failed));
        }
    }
}
