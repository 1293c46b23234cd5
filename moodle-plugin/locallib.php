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
 * The submission plugin class of assignsubmission_s3video.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

use assignsubmission_s3video\access;
use assignsubmission_s3video\config;
use assignsubmission_s3video\contract;
use assignsubmission_s3video\edge_exception;
use assignsubmission_s3video\output\elements;
use assignsubmission_s3video\receipt;
use assignsubmission_s3video\receipt_exception;
use assignsubmission_s3video\task\delete_videos;
use assignsubmission_s3video\video_status;

/**
 * Large video submissions: the bytes go from the browser to S3, Moodle keeps the link.
 *
 * The form carries the edge's receipt for a confirmed upload; saving verifies it, has the
 * edge claim the video for the submission, and only then replaces the link teachers see.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class assign_submission_s3video extends assign_submission_plugin {
    /** @var string The table linking a submission to its video. */
    public const TABLE = 'assignsubmission_s3video';

    /** @var string The hidden form field the uploader writes the receipt into. */
    public const RECEIPT_FIELD = 's3video_receipt';

    /** @var string A link to a playable video. */
    public const STATUS_READY = 'ready';

    /** @var string A link whose video was removed with the submission and is being deleted. */
    public const STATUS_DELETED = 'deleted';

    /**
     * Get the name of the plugin.
     *
     * @return string
     */
    public function get_name() {
        return get_string('pluginname', 'assignsubmission_s3video');
    }

    /**
     * The video link of a submission.
     *
     * @param int $submissionid
     * @return stdClass|false
     */
    private function get_video($submissionid) {
        global $DB;
        return $DB->get_record(self::TABLE, ['submission' => $submissionid]);
    }

    /**
     * Whether a submission has a video to watch.
     *
     * @param int $submissionid
     * @return bool
     */
    private function has_video($submissionid) {
        global $DB;
        return $DB->record_exists(self::TABLE, ['submission' => $submissionid, 'status' => self::STATUS_READY]);
    }

    /**
     * The size limit of this assignment, never above what S3 takes.
     *
     * @return int bytes
     */
    public function get_maxbytes() {
        $maxbytes = (int) $this->get_config('maxbytes');
        return min($maxbytes > 0 ? $maxbytes : config::site_maxbytes(), contract::MAX_UPLOAD_BYTES);
    }

    /**
     * The per-assignment settings: the size limit, and whether a video that plays in no
     * browser is refused before it is sent (enabling is the standard checkbox).
     *
     * @param MoodleQuickForm $mform
     * @return void
     */
    public function get_settings(MoodleQuickForm $mform) {
        $sitemax = config::site_maxbytes();
        $default = $this->assignment->has_instance() ? $this->get_maxbytes() : $sitemax;

        $name = get_string('maximumsize', 'assignsubmission_s3video');
        $mform->addElement('select', 'assignsubmission_s3video_maxbytes', $name, config::size_choices($sitemax));
        $mform->addHelpButton('assignsubmission_s3video_maxbytes', 'maximumsize', 'assignsubmission_s3video');
        $mform->setDefault('assignsubmission_s3video_maxbytes', min($default, $sitemax));
        $mform->hideIf('assignsubmission_s3video_maxbytes', 'assignsubmission_s3video_enabled', 'notchecked');

        $name = get_string('refuseunplayable', 'assignsubmission_s3video');
        $mform->addElement('advcheckbox', 'assignsubmission_s3video_refuseunplayable', $name);
        $mform->addHelpButton('assignsubmission_s3video_refuseunplayable', 'refuseunplayable', 'assignsubmission_s3video');
        $mform->setDefault('assignsubmission_s3video_refuseunplayable', (int) $this->get_config('refuseunplayable'));
        $mform->hideIf('assignsubmission_s3video_refuseunplayable', 'assignsubmission_s3video_enabled', 'notchecked');
    }

    /**
     * Save the per-assignment settings.
     *
     * @param stdClass $data
     * @return bool
     */
    public function save_settings(stdClass $data) {
        $maxbytes = (int) ($data->assignsubmission_s3video_maxbytes ?? 0);
        $this->set_config('maxbytes', min($maxbytes > 0 ? $maxbytes : config::site_maxbytes(), contract::MAX_UPLOAD_BYTES));
        $this->set_config('refuseunplayable', empty($data->assignsubmission_s3video_refuseunplayable) ? 0 : 1);
        return true;
    }

    /**
     * The uploader on the submission form, for the student who may submit now.
     *
     * A teacher editing someone else's submission sees the current video but cannot upload:
     * an upload token is only ever issued for one's own submission.
     *
     * @param mixed $submission stdClass|null
     * @param MoodleQuickForm $mform
     * @param stdClass $data
     * @param int $userid the user whose submission this is
     * @return bool
     */
    public function get_form_elements_for_user($submission, MoodleQuickForm $mform, stdClass $data, $userid) {
        global $USER;

        if (!config::is_configured()) {
            $mform->addElement(
                'static',
                's3video_notconfigured',
                $this->get_name(),
                get_string('notconfigured', 'assignsubmission_s3video')
            );
            return true;
        }

        if ((int) $userid !== (int) $USER->id) {
            $current = $submission ? $this->get_video($submission->id) : false;
            $summary = $current ? $this->render_summary($current) : get_string('novideo', 'assignsubmission_s3video');
            $mform->addElement(
                'static',
                's3video_onlyowner',
                $this->get_name(),
                $summary . html_writer::div(get_string('onlyownercanupload', 'assignsubmission_s3video'), 'dimmed_text')
            );
            return true;
        }

        if (!$submission) {
            // The token names the submission the upload belongs to, so it has to exist before the first upload.
            $submission = $this->assignment->get_instance()->teamsubmission
                ? $this->assignment->get_group_submission($userid, 0, true)
                : $this->assignment->get_user_submission($userid, true);
        }
        if (!access::can_upload($this->assignment, $submission, (int) $USER->id)) {
            $mform->addElement(
                'static',
                's3video_closed',
                $this->get_name(),
                get_string('uploadclosed', 'assignsubmission_s3video')
            );
            return true;
        }

        $current = $this->get_video($submission->id);
        $html = elements::uploader(
            $this->assignment->get_context(),
            access::upload_token($this->assignment, $submission, $USER),
            (int) $this->assignment->get_instance()->id,
            (int) $submission->id,
            $this->get_maxbytes(),
            config::allowed_extensions(),
            self::RECEIPT_FIELD,
            // A video deleted or replaced at the edge is no longer the one to replace.
            $current && $this->is_playable($current) ? $current : null,
            (bool) $this->get_config('refuseunplayable'),
        );
        $mform->addElement(
            'static',
            's3video_uploader',
            $this->get_name(),
            html_writer::div($html, 'assignsubmission_s3video')
        );
        $mform->addElement('hidden', self::RECEIPT_FIELD, '');
        $mform->setType(self::RECEIPT_FIELD, PARAM_RAW_TRIMMED);
        return true;
    }

    /**
     * Verify the receipt, have the edge claim its video, then link it to the submission.
     *
     * A form without a receipt keeps the video the submission has.
     *
     * @param stdClass $submission
     * @param stdClass $data
     * @return bool
     */
    public function save(stdClass $submission, stdClass $data) {
        global $USER, $DB;

        $raw = trim((string) ($data->{self::RECEIPT_FIELD} ?? ''));
        if ($raw === '') {
            return true;
        }
        if (!config::is_configured()) {
            $this->set_error(get_string('notconfigured', 'assignsubmission_s3video'));
            return false;
        }

        try {
            $receipt = config::verifier()->verify($raw, (int) $USER->id, (int) $submission->id);
            if ($receipt->assignmentid !== (int) $this->assignment->get_instance()->id) {
                throw new receipt_exception(receipt_exception::FOREIGN_SUBMISSION, 'The receipt is for another assignment.');
            }
        } catch (receipt_exception $e) {
            $this->set_error(get_string('receipt_' . $e->reason, 'assignsubmission_s3video'));
            return false;
        }
        if (!in_array($receipt->extension(), config::allowed_extensions(), true)) {
            $this->set_error(get_string(
                'typenotallowed',
                'assignsubmission_s3video',
                implode(', ', array_map('strtoupper', config::allowed_extensions()))
            ));
            return false;
        }
        if ($receipt->filesize > $this->get_maxbytes()) {
            $this->set_error(get_string('toolarge', 'assignsubmission_s3video', display_size($this->get_maxbytes())));
            return false;
        }

        try {
            config::edge()->claim($raw, access::claim_token($this->assignment, $submission, (int) $USER->id));
        } catch (edge_exception $e) {
            $this->set_error(get_string('claimfailed', 'assignsubmission_s3video', $e->getMessage()));
            return false;
        }

        // The edge has retired the previous video (its cleanup removes it); the link now points at the new one.
        $video = $this->get_video($submission->id);
        $created = !$video;
        $record = $this->link_record($receipt, $submission, $video ?: null);
        if ($created) {
            $record->id = $DB->insert_record(self::TABLE, $record);
        } else {
            $DB->update_record(self::TABLE, $record);
        }
        $this->trigger_events($submission, $record, $created);
        return true;
    }

    /**
     * The row that links the submission to the receipt's video.
     *
     * @param receipt $receipt
     * @param stdClass $submission
     * @param stdClass|null $existing the row it replaces
     * @return stdClass
     */
    private function link_record(receipt $receipt, stdClass $submission, ?stdClass $existing) {
        $now = time();
        $record = new stdClass();
        if ($existing) {
            $record->id = $existing->id;
        } else {
            $record->timecreated = $now;
        }
        $record->assignment = $this->assignment->get_instance()->id;
        $record->submission = $submission->id;
        $record->videoid = $receipt->videoid;
        $record->s3key = $receipt->s3key;
        $record->filesize = $receipt->filesize;
        $record->duration = $receipt->duration;
        $record->mimetype = $receipt->mimetype;
        $record->status = self::STATUS_READY;
        $record->timemodified = $now;
        return $record;
    }

    /**
     * The events the file plugin triggers on save: plagiarism plugins and logs listen to them.
     *
     * @param stdClass $submission
     * @param stdClass $video the link row
     * @param bool $created whether the row is new
     * @return void
     */
    private function trigger_events(stdClass $submission, stdClass $video, $created) {
        global $USER, $DB;

        $params = [
            'context' => context_module::instance($this->assignment->get_course_module()->id),
            'courseid' => $this->assignment->get_course()->id,
            'objectid' => $submission->id,
            'other' => [
                'content' => '',
                // The video is no Moodle file, so there are no path name hashes to hand on.
                'pathnamehashes' => [],
            ],
        ];
        if (!empty($submission->userid) && ($submission->userid != $USER->id)) {
            $params['relateduserid'] = $submission->userid;
        }
        if ($this->assignment->is_blind_marking()) {
            $params['anonymous'] = 1;
        }
        \assignsubmission_s3video\event\assessable_uploaded::create($params)->trigger();

        $groupname = null;
        $groupid = 0;
        // The group name is not otherwise in the logs and matters to whoever reads them.
        if (empty($submission->userid) && !empty($submission->groupid)) {
            $groupname = $DB->get_field('groups', 'name', ['id' => $submission->groupid], MUST_EXIST);
            $groupid = $submission->groupid;
        } else {
            $params['relateduserid'] = $submission->userid;
        }
        unset($params['other']);
        $params['objectid'] = $video->id;
        $params['other'] = [
            'submissionid' => $submission->id,
            'submissionattempt' => $submission->attemptnumber,
            'submissionstatus' => $submission->status,
            'videoid' => $video->videoid,
            'filesize' => $video->filesize,
            'groupid' => $groupid,
            'groupname' => $groupname,
        ];
        $event = $created
            ? \assignsubmission_s3video\event\submission_created::create($params)
            : \assignsubmission_s3video\event\submission_updated::create($params);
        $event->set_assign($this->assignment);
        $event->trigger();
    }

    /**
     * The summary of the status page, the grading table and the grader: the video's true state.
     *
     * mod_assign's renderer shows this summary and, when $showviewlink is set, a "+" that
     * reveals view() (render_assign_submission_plugin_submission()). The grader (return action
     * "grade": the grading panel and the single-grade page) shows one submission, so the
     * player is part of the summary there and no "+" is needed. The grading table (return
     * action "grading") lists many: it gets the summary alone, since each hidden player would
     * sign a playback URL on load. Elsewhere (the student's status page) the "+" stays.
     *
     * @param stdClass $submission
     * @param bool $showviewlink set when view() has more to show than the summary
     * @return string
     */
    public function view_summary(stdClass $submission, &$showviewlink) {
        $video = $this->get_video($submission->id);
        $showviewlink = false;
        if (!$video) {
            return '';
        }
        $summary = $this->render_summary($video);
        $playable = $this->is_playable($video);
        $action = $this->assignment->get_return_action();
        if ($action === 'grade' && $playable) {
            $player = $this->player($submission);
            return $player === '' ? $summary : html_writer::div($player . $summary, 'assignsubmission_s3video');
        }
        $showviewlink = $playable && $action !== 'grading';
        return $summary;
    }

    /**
     * The player, for the owner, graders and admins; the summary for anyone else.
     *
     * @param stdClass $submission
     * @return string
     */
    public function view(stdClass $submission) {
        $video = $this->get_video($submission->id);
        if (!$video) {
            return '';
        }
        $summary = $this->render_summary($video);
        $player = $this->is_playable($video) ? $this->player($submission) : '';
        return $player === '' ? $summary : html_writer::div($player . $summary, 'assignsubmission_s3video');
    }

    /**
     * Whether a player could play the link's video: it is ready at the edge, or the edge did
     * not say (the player then reports what it finds itself).
     *
     * @param stdClass $video the link
     * @return bool
     */
    private function is_playable(stdClass $video) {
        if ($video->status !== self::STATUS_READY || !config::is_configured()) {
            return false;
        }
        [$state] = video_status::of($video);
        return $state === video_status::READY || $state === video_status::UNAVAILABLE;
    }

    /**
     * The player element for the session's user, or '' if mod_assign does not let them view the submission.
     *
     * @param stdClass $submission
     * @return string HTML
     */
    private function player(stdClass $submission) {
        global $USER;
        if (access::view_role($this->assignment, $submission, (int) $USER->id) === null) {
            return '';
        }
        $token = access::view_token($this->assignment, $submission, $USER);
        return elements::player($this->assignment->get_context(), $token, (int) $submission->id);
    }

    /**
     * File name, size, duration and the video's true state, for people.
     *
     * @param stdClass $video the link
     * @return string HTML
     */
    private function render_summary(stdClass $video) {
        $parts = [s(basename($video->s3key)), display_size((int) $video->filesize)];
        if ($video->duration !== null) {
            $parts[] = format_time((int) round((float) $video->duration));
        }
        [$label, $ok] = $this->status_label($video);
        $status = html_writer::span(s($label), 'badge ' . ($ok ? 'bg-success text-white' : 'bg-secondary text-white'),
            ['data-s3video-status' => $ok ? 'ready' : 'unavailable']);
        // The poster comes signed with the page's one status call: no request per row.
        $poster = $ok ? video_status::poster($video) : null;
        $image = $poster === null ? '' : html_writer::empty_tag('img', [
            'src' => $poster, 'alt' => '', 'class' => 'assignsubmission_s3video-poster', 'loading' => 'lazy',
            'width' => 96, 'referrerpolicy' => 'no-referrer',
        ]) . ' ';
        return html_writer::div($image . implode(' · ', $parts) . ' ' . $status, 'assignsubmission_s3video summary');
    }

    /**
     * What to call the link's state, and whether it is the good one.
     *
     * @param stdClass $video the link
     * @return array{0: string, 1: bool}
     */
    private function status_label(stdClass $video) {
        if ($video->status !== self::STATUS_READY) {
            // Removed with its submission; the deletion task is on its way.
            return [get_string('status_' . $video->status, 'assignsubmission_s3video'), false];
        }
        if (!config::is_configured()) {
            return [get_string('status_unavailable', 'assignsubmission_s3video'), false];
        }
        [$state, $reason, $time] = video_status::of($video);
        $when = $time ? userdate($time) : '';
        switch ($state) {
            case video_status::READY:
                return [get_string('status_ready', 'assignsubmission_s3video'), true];
            case video_status::DELETED:
                $key = in_array($reason, ['admin', 'retention'], true) ? 'status_deleted_' . $reason : 'status_deleted_other';
                return [get_string($key, 'assignsubmission_s3video', $when), false];
            default:
                return [get_string('status_' . $state, 'assignsubmission_s3video', $when), false];
        }
    }

    /**
     * Whether this submission has no video.
     *
     * @param stdClass $submission
     * @return bool
     */
    public function is_empty(stdClass $submission) {
        return !$this->has_video($submission->id);
    }

    /**
     * Whether a form about to be saved has no video: no new receipt and none linked already.
     *
     * @param stdClass $data
     * @return bool
     */
    public function submission_is_empty(stdClass $data) {
        global $USER;

        if (trim((string) ($data->{self::RECEIPT_FIELD} ?? '')) !== '') {
            return false;
        }
        $userid = !empty($data->userid) ? $data->userid : $USER->id;
        $submission = $this->assignment->get_instance()->teamsubmission
            ? $this->assignment->get_group_submission($userid, 0, false)
            : $this->assignment->get_user_submission($userid, false);
        return !$submission || !$this->has_video($submission->id);
    }

    /**
     * The submission was removed: unlink its video and have the edge delete it.
     *
     * @param stdClass $submission
     * @return bool
     */
    public function remove(stdClass $submission) {
        global $DB;

        $video = $this->get_video($submission->id);
        if ($video && $video->status === self::STATUS_READY) {
            $DB->update_record(self::TABLE, (object) [
                'id' => $video->id,
                'status' => self::STATUS_DELETED,
                'timemodified' => time(),
            ]);
            delete_videos::queue([(int) $video->videoid]);
        }
        return true;
    }

    /**
     * The assignment was deleted: drop every link and have the edge delete the videos.
     *
     * @return bool
     */
    public function delete_instance() {
        global $DB;

        $assignmentid = $this->assignment->get_instance()->id;
        $videoids = [];
        foreach ($DB->get_records(self::TABLE, ['assignment' => $assignmentid, 'status' => self::STATUS_READY]) as $link) {
            $videoids[] = (int) $link->videoid;
        }
        $DB->delete_records(self::TABLE, ['assignment' => $assignmentid]);
        delete_videos::queue($videoids);
        return true;
    }

    /**
     * A new attempt starts without a video.
     *
     * The edge keeps one claimed video per submission and serves it by submission, so a link
     * copied to the new attempt's submission would not play. The previous attempt keeps its
     * video, which graders still see in the attempt history.
     *
     * @param stdClass $sourcesubmission
     * @param stdClass $destsubmission
     * @return bool
     */
    public function copy_submission(stdClass $sourcesubmission, stdClass $destsubmission) {
        return true;
    }

    /**
     * No Moodle file areas: the video lives in S3.
     *
     * @return array
     */
    public function get_file_areas() {
        return [];
    }

    /**
     * One column in the grading table and one row on the status page.
     *
     * @return bool
     */
    public function has_user_summary() {
        return true;
    }

    /**
     * The settings mobile apps and web services see.
     *
     * @return array
     */
    public function get_config_for_external() {
        return ['maxbytes' => $this->get_maxbytes()];
    }
}
