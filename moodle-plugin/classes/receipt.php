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
 * A verified upload receipt.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace assignsubmission_s3video;

/**
 * What the edge vouched for when an upload was confirmed, once {@see receipt_verifier} accepted it.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class receipt {
    /** @var int The edge's id of the video. */
    public readonly int $videoid;

    /** @var string The object key. */
    public readonly string $s3key;

    /** @var int Bytes, as storage reported them. */
    public readonly int $filesize;

    /** @var float|null Seconds, as the browser read them; null when it could not. */
    public readonly ?float $duration;

    /** @var string The type the browser reported. */
    public readonly string $mimetype;

    /** @var int The uploader (the receipt's sub). */
    public readonly int $userid;

    /** @var int The course. */
    public readonly int $courseid;

    /** @var int The assign instance id. */
    public readonly int $assignmentid;

    /** @var int The submission. */
    public readonly int $submissionid;

    /** @var string The Moodle site the receipt is good for. */
    public readonly string $site;

    /** @var int When the edge signed it. */
    public readonly int $issuedat;

    /** @var int When it stops being good. */
    public readonly int $expiresat;

    /**
     * Constructor.
     *
     * @param int $videoid
     * @param string $s3key
     * @param int $filesize
     * @param float|null $duration
     * @param string $mimetype
     * @param int $userid
     * @param int $courseid
     * @param int $assignmentid
     * @param int $submissionid
     * @param string $site
     * @param int $issuedat
     * @param int $expiresat
     */
    public function __construct(
        int $videoid,
        string $s3key,
        int $filesize,
        ?float $duration,
        string $mimetype,
        int $userid,
        int $courseid,
        int $assignmentid,
        int $submissionid,
        string $site,
        int $issuedat,
        int $expiresat,
    ) {
        $this->videoid = $videoid;
        $this->s3key = $s3key;
        $this->filesize = $filesize;
        $this->duration = $duration;
        $this->mimetype = $mimetype;
        $this->userid = $userid;
        $this->courseid = $courseid;
        $this->assignmentid = $assignmentid;
        $this->submissionid = $submissionid;
        $this->site = $site;
        $this->issuedat = $issuedat;
        $this->expiresat = $expiresat;
    }

    /**
     * The file name the student gave, as the edge made it safe (the last part of the key).
     *
     * @return string
     */
    public function filename(): string {
        return basename($this->s3key);
    }

    /**
     * The extension of the file, lower case.
     *
     * @return string
     */
    public function extension(): string {
        return strtolower(pathinfo($this->s3key, PATHINFO_EXTENSION));
    }
}
