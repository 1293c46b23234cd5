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
 * The true state of linked videos, as the edge holds it.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace assignsubmission_s3video;

/**
 * Asks the edge, once per request, what became of the videos an assignment links.
 *
 * The edge is the source of truth (an administrator's deletion, a replacement, the retention
 * cleanup happen there); Moodle keeps only the link. The first summary of a page asks for every
 * video the assignment links in one call (≤ 1000 ids a call), later summaries read the answer.
 * An edge that does not answer within {@see edge_client::STATUS_TIMEOUT} seconds leaves every
 * status of the request "unavailable" rather than slowing each row of a grading table.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class video_status {
    /** @var string The link's video plays. */
    public const READY = 'ready';
    /** @var string A newer save took its place. */
    public const REPLACED = 'replaced';
    /** @var string Deleted at the edge; the reason says by whom or why. */
    public const DELETED = 'deleted';
    /** @var string A restored course copy: the video belongs to the original course's submission. */
    public const OTHER_COPY = 'othercopy';
    /** @var string The edge has no such video, or never stored it whole. */
    public const GONE = 'gone';
    /** @var string The edge did not answer. */
    public const UNAVAILABLE = 'unavailable';

    /** @var int Ids per call, the edge's MAX_STATUS_IDS. */
    private const BATCH = 1000;

    /** @var array<int, array|null> video id => the edge's entry, null when the edge did not answer */
    private static array $entries = [];

    /** @var array<int, true> assignments whose videos were asked for in this request */
    private static array $asked = [];

    /**
     * The state of one link, for people: [state, reason or null, time or null].
     *
     * @param \stdClass $link a row of the plugin's table (assignment, submission, videoid)
     * @return array{0: string, 1: string|null, 2: int|null}
     */
    public static function of(\stdClass $link): array {
        self::load((int) $link->assignment);
        if (!array_key_exists((int) $link->videoid, self::$entries)) {
            self::fetch([(int) $link->videoid]);
        }
        $entry = self::$entries[(int) $link->videoid];
        if ($entry === null) {
            return [self::UNAVAILABLE, null, null];
        }
        $time = static fn(?string $iso): ?int => $iso === null ? null : (strtotime($iso) ?: null);
        if (isset($entry['submissionid']) && (int) $entry['submissionid'] !== (int) $link->submission
                && $entry['status'] !== 'missing') {
            return [self::OTHER_COPY, null, null];
        }
        switch ($entry['status']) {
            case 'ready':
                return [self::READY, null, $time($entry['uploaded_at'] ?? null)];
            case 'replaced':
                return [self::REPLACED, 'replaced', $time($entry['replaced_at'] ?? null)];
            case 'deleted':
                $reason = is_string($entry['reason'] ?? null) ? $entry['reason'] : null;
                return $reason === 'replaced'
                    ? [self::REPLACED, 'replaced', $time($entry['replaced_at'] ?? $entry['deleted_at'] ?? null)]
                    : [self::DELETED, $reason, $time($entry['deleted_at'] ?? null)];
            default:
                return [self::GONE, null, null];
        }
    }

    /**
     * A short-lived signed URL of the video's poster, from the same one status call per page
     * (the edge signs it for ready videos that have one), or null.
     *
     * @param \stdClass $link a row of the plugin's table (assignment, submission, videoid)
     * @return string|null
     */
    public static function poster(\stdClass $link): ?string {
        [$state] = self::of($link);
        $url = self::$entries[(int) $link->videoid]['poster_url'] ?? null;
        return $state === self::READY && is_string($url) && preg_match('~^https?://~', $url) ? $url : null;
    }

    /**
     * Forgets what this request learnt (Moodle's PHPUnit runs many "requests" in one process).
     *
     * @return void
     */
    public static function reset_caches(): void {
        self::$entries = [];
        self::$asked = [];
    }

    /**
     * Asks once for every video the assignment links.
     *
     * @param int $assignmentid
     * @return void
     */
    private static function load(int $assignmentid): void {
        global $DB;
        if (isset(self::$asked[$assignmentid])) {
            return;
        }
        self::$asked[$assignmentid] = true;
        $ids = [];
        foreach ($DB->get_records(\assign_submission_s3video::TABLE, ['assignment' => $assignmentid]) as $row) {
            if (!array_key_exists((int) $row->videoid, self::$entries)) {
                $ids[] = (int) $row->videoid;
            }
        }
        self::fetch($ids);
    }

    /**
     * One call per 1000 ids; an edge that fails leaves them unknown (null) for the request.
     *
     * @param int[] $ids
     * @return void
     */
    private static function fetch(array $ids): void {
        $ids = array_values(array_unique(array_filter($ids, static fn(int $id): bool => $id > 0)));
        foreach (array_chunk($ids, self::BATCH) as $batch) {
            $answers = [];
            try {
                $answers = config::is_configured() ? config::edge()->video_statuses($batch, access::server_token()) : [];
            } catch (edge_exception $e) {
                debugging('The video service did not answer the status request: ' . $e->getMessage(), DEBUG_DEVELOPER);
            }
            foreach ($batch as $id) {
                self::$entries[$id] = $answers[$id] ?? null;
            }
        }
    }
}
