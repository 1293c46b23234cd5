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
 * The custom elements the components define, as Moodle pages render them.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace assignsubmission_s3video\output;

use assignsubmission_s3video\config;

/**
 * Renders `<s3v-*>` elements with the attributes of docs/integration.md and loads their AMD module.
 *
 * Data travels in attributes, never in js_call_amd arguments (Moodle warns above 1024
 * characters of JSON): the loader only learns which kind of element to wire.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class elements {
    /** @var array<string, true> Loader kinds already requested on a page, keyed by page and kind. */
    private static array $requested = [];

    /**
     * The uploader of the submission form.
     *
     * @param \context $context the assignment's context, where its token is renewed
     * @param string $token an upload token
     * @param int $assignmentid
     * @param int $submissionid
     * @param int $maxbytes
     * @param string[] $extensions the allowed file extensions
     * @param string $receiptinput the name of the hidden input the receipt goes into
     * @param \stdClass|null $current the submission's current video link, if any
     * @param bool $refuseunplayable refuse, before sending, a video that plays in no web browser
     * @return string HTML
     */
    public static function uploader(
        \context $context,
        string $token,
        int $assignmentid,
        int $submissionid,
        int $maxbytes,
        array $extensions,
        string $receiptinput,
        ?\stdClass $current,
        bool $refuseunplayable = false
    ): string {
        $attributes = [
            'edge-url' => config::edge_url(),
            'token' => $token,
            'assignmentid' => $assignmentid,
            'submissionid' => $submissionid,
            'maxbytes' => $maxbytes,
            'accept' => implode(',', array_map(fn(string $ext): string => '.' . $ext, $extensions)),
            'receipt-input' => $receiptinput,
        ];
        if ($refuseunplayable) {
            $attributes['refuse-unplayable'] = 'refuse-unplayable';
        }
        if ($current) {
            $attributes['current-filename'] = basename($current->s3key);
            $attributes['current-filesize'] = $current->filesize;
            $attributes['current-uploaded'] = date('c', (int) $current->timemodified);
        }
        return self::element('s3v-uploader', 'uploader', $context, $attributes);
    }

    /**
     * The player of one submission's video.
     *
     * @param \context $context the assignment's context, where its token is renewed
     * @param string $token a view token
     * @param int $submissionid
     * @return string HTML
     */
    public static function player(\context $context, string $token, int $submissionid): string {
        return self::element('s3v-player', 'player', $context, [
            'edge-url' => config::edge_url(),
            'token' => $token,
            'submissionid' => $submissionid,
        ]);
    }

    /**
     * The statistics dashboard.
     *
     * @param string $token an admin token
     * @param \moodle_url $videosurl the video list page
     * @return string HTML
     */
    public static function dashboard(string $token, \moodle_url $videosurl): string {
        return self::element('s3v-dashboard', 'admin', \context_system::instance(), [
            'edge-url' => config::edge_url(),
            'token' => $token,
            'videos-url' => $videosurl->out(false),
        ]);
    }

    /**
     * The table of every video of the site.
     *
     * @param string $token an admin token
     * @return string HTML
     */
    public static function admin_table(string $token): string {
        return self::element('s3v-admin-table', 'admin', \context_system::instance(), [
            'edge-url' => config::edge_url(),
            'token' => $token,
        ]);
    }

    /**
     * One element, and the loader call for its kind once per page.
     *
     * @param string $tag
     * @param string $kind uploader, player or admin
     * @param \context $context the context the loader renews the element's token in (data-contextid)
     * @param array<string, string|int> $attributes
     * @return string HTML
     */
    private static function element(string $tag, string $kind, \context $context, array $attributes): string {
        global $PAGE;
        $key = spl_object_id($PAGE->requires) . ':' . $kind;
        if (!isset(self::$requested[$key])) {
            $PAGE->requires->js_call_amd('assignsubmission_s3video/loader', 'init', [$kind]);
            self::$requested[$key] = true;
        }
        return \html_writer::tag($tag, '', $attributes + ['data-contextid' => $context->id]);
    }
}
