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
 * Privacy API implementation for assignsubmission_s3video.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace assignsubmission_s3video\privacy;

use assignsubmission_s3video\access;
use assignsubmission_s3video\config;
use assignsubmission_s3video\edge_exception;
use assignsubmission_s3video\task\delete_videos;
use core_privacy\local\metadata\collection;
use core_privacy\local\metadata\provider as metadata_provider;
use core_privacy\local\request\contextlist;
use core_privacy\local\request\transform;
use core_privacy\local\request\userlist;
use core_privacy\local\request\writer;
use mod_assign\privacy\assign_plugin_request_data;
use mod_assign\privacy\assignsubmission_provider;
use mod_assign\privacy\assignsubmission_user_provider;
use mod_assign\privacy\useridlist;

/**
 * What this plugin keeps about a student, and what the edge keeps on its behalf.
 *
 * Moodle holds the link from a submission to its video; the video itself, and the names the
 * upload token carried, live at the edge (Cloudflare), in S3 and behind CloudFront. An export
 * holds the video's details and a link to download the video itself, valid 7 days (the
 * longest an S3 presigned link lives). Deleting a user's data removes the links and queues the
 * deletion of the videos at the edge.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class provider implements assignsubmission_provider, assignsubmission_user_provider, metadata_provider {
    /** @var string The table of links. */
    private const TABLE = 'assignsubmission_s3video';

    /**
     * Return meta data about this plugin.
     *
     * @param collection $collection A list of information to add to.
     * @return collection Return the collection after adding to it.
     */
    public static function get_metadata(collection $collection): collection {
        $collection->add_database_table(self::TABLE, [
            'submission' => 'privacy:metadata:assignsubmission_s3video:submission',
            'videoid' => 'privacy:metadata:assignsubmission_s3video:videoid',
            's3key' => 'privacy:metadata:assignsubmission_s3video:s3key',
            'filesize' => 'privacy:metadata:assignsubmission_s3video:filesize',
            'duration' => 'privacy:metadata:assignsubmission_s3video:duration',
            'mimetype' => 'privacy:metadata:assignsubmission_s3video:mimetype',
            'timecreated' => 'privacy:metadata:assignsubmission_s3video:timecreated',
        ], 'privacy:metadata:assignsubmission_s3video');

        $collection->add_external_location_link('edge', [
            'userid' => 'privacy:metadata:edge:userid',
            'fullname' => 'privacy:metadata:edge:fullname',
            'coursename' => 'privacy:metadata:edge:coursename',
            'assignmentname' => 'privacy:metadata:edge:assignmentname',
            'filename' => 'privacy:metadata:edge:filename',
            'video' => 'privacy:metadata:edge:video',
            'exportlink' => 'privacy:metadata:edge:exportlink',
            'captions' => 'privacy:metadata:edge:captions',
            'poster' => 'privacy:metadata:edge:poster',
            'events' => 'privacy:metadata:edge:events',
        ], 'privacy:metadata:edge');

        return $collection;
    }

    /**
     * Covered by mod_assign's query on assign_submission.
     *
     * @param int $userid The user ID that we are finding contexts for.
     * @param contextlist $contextlist A context list to add sql and params to for contexts.
     */
    public static function get_context_for_userid_within_submission(int $userid, contextlist $contextlist) {
        // Every link belongs to an assign_submission row, which mod_assign finds.
    }

    /**
     * Covered by mod_assign's query on assign_submission.
     *
     * @param useridlist $useridlist An object for obtaining user IDs of students.
     */
    public static function get_student_user_ids(useridlist $useridlist) {
        // Every link belongs to an assign_submission row, which mod_assign finds.
    }

    /**
     * Covered by mod_assign's query on assign_submission.
     *
     * @param userlist $userlist The userlist object
     */
    public static function get_userids_from_context(userlist $userlist) {
        // Every link belongs to an assign_submission row, which mod_assign finds.
    }

    /**
     * Exports the video's details and where to watch it: the bytes are in S3, not in Moodle.
     *
     * @param assign_plugin_request_data $exportdata
     */
    public static function export_submission_user_data(assign_plugin_request_data $exportdata) {
        global $DB;

        // Like the file plugin: a teacher's export does not include the students' submissions.
        if ($exportdata->get_user() != null) {
            return null;
        }
        $submission = $exportdata->get_pluginobject();
        $video = $DB->get_record(self::TABLE, ['submission' => $submission->id]);
        if (!$video) {
            return;
        }
        $context = $exportdata->get_context();
        $data = (object) ([
            'filename' => basename($video->s3key),
            'filesize' => display_size((int) $video->filesize),
            'duration' => $video->duration === null ? null : format_time((int) round((float) $video->duration)),
            'mimetype' => $video->mimetype,
            'status' => $video->status,
            'storagekey' => $video->s3key,
            'uploaded' => transform::datetime($video->timecreated),
            'updated' => transform::datetime($video->timemodified),
            'link' => (new \moodle_url('/mod/assign/view.php', ['id' => $context->instanceid]))->out(false),
        ] + self::download($video));
        writer::with_context($context)->export_data(
            array_merge($exportdata->get_subcontext(), [get_string('pluginname', 'assignsubmission_s3video')]),
            $data
        );
    }

    /**
     * The download link of the video itself, or why there is none.
     *
     * @param \stdClass $video the link
     * @return array<string, string>
     */
    private static function download(\stdClass $video): array {
        if ($video->status !== \assign_submission_s3video::STATUS_READY) {
            return ['download' => get_string('privacy:export:removed', 'assignsubmission_s3video')];
        }
        try {
            $link = config::edge()->export_url((int) $video->videoid, access::server_token());
        } catch (edge_exception $e) {
            $gone = in_array($e->edgecode, ['VIDEO_DELETED', 'VIDEO_NOT_FOUND'], true);
            return ['download' => $gone
                ? get_string('privacy:export:removed', 'assignsubmission_s3video')
                : get_string('privacy:export:unavailable', 'assignsubmission_s3video', $e->getMessage())];
        }
        $captions = [];
        foreach ($link['captions'] ?? [] as $caption) {
            $captions[] = ['language' => $caption['language'], 'label' => $caption['label'], 'download' => $caption['url']];
        }
        return [
            'download' => $link['url'],
            'downloadexpires' => transform::datetime((int) strtotime($link['expires_at'])),
            'captions' => $captions,
        ];
    }

    /**
     * Deletes every link in the context and queues the deletion of their videos.
     *
     * @param assign_plugin_request_data $requestdata
     */
    public static function delete_submission_for_context(assign_plugin_request_data $requestdata) {
        self::delete_where(['assignment' => $requestdata->get_assign()->get_instance()->id]);
    }

    /**
     * Deletes one user's link in the context and queues the deletion of the video.
     *
     * @param assign_plugin_request_data $deletedata
     */
    public static function delete_submission_for_userid(assign_plugin_request_data $deletedata) {
        self::delete_where([
            'assignment' => $deletedata->get_assignid(),
            'submission' => $deletedata->get_pluginobject()->id,
        ]);
    }

    /**
     * Deletes the links of these submissions and queues the deletion of their videos.
     *
     * @param assign_plugin_request_data $deletedata
     */
    public static function delete_submissions(assign_plugin_request_data $deletedata) {
        global $DB;

        $ids = array_map('intval', $deletedata->get_submissionids());
        if (!$ids) {
            return;
        }
        $videoids = [];
        foreach ($DB->get_records_list(self::TABLE, 'submission', $ids) as $link) {
            if ((int) $link->assignment === (int) $deletedata->get_assignid()) {
                $videoids[] = (int) $link->videoid;
                $DB->delete_records(self::TABLE, ['id' => $link->id]);
            }
        }
        delete_videos::queue($videoids);
    }

    /**
     * Deletes matching links, then queues their videos for deletion at the edge.
     *
     * @param array $conditions
     */
    private static function delete_where(array $conditions): void {
        global $DB;

        $videoids = [];
        foreach ($DB->get_records(self::TABLE, $conditions) as $link) {
            $videoids[] = (int) $link->videoid;
        }
        $DB->delete_records(self::TABLE, $conditions);
        delete_videos::queue($videoids);
    }
}
