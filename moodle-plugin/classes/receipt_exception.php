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
 * Why a receipt was refused.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace assignsubmission_s3video;

/**
 * A refused receipt. The reason is a code the form turns into the string `receipt_<reason>`.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class receipt_exception extends \RuntimeException {
    /** @var string The signature does not match: altered, forged, or signed with another secret or algorithm. */
    public const TAMPERED = 'tampered';
    /** @var string Older than the edge keeps an unclaimed upload. */
    public const EXPIRED = 'expired';
    /** @var string Another user uploaded it. */
    public const FOREIGN_USER = 'foreign_user';
    /** @var string It belongs to another submission (or assignment). */
    public const FOREIGN_SUBMISSION = 'foreign_submission';
    /** @var string It was issued for another Moodle site sharing the edge. */
    public const FOREIGN_SITE = 'foreign_site';
    /** @var string Not a receipt at all, or one missing what a receipt must say. */
    public const MALFORMED = 'malformed';

    /** @var string[] Every reason, for the lang strings and tests. */
    public const REASONS = [
        self::TAMPERED,
        self::EXPIRED,
        self::FOREIGN_USER,
        self::FOREIGN_SUBMISSION,
        self::FOREIGN_SITE,
        self::MALFORMED,
    ];

    /** @var string Why the receipt was refused: one of {@see self::REASONS}. */
    public readonly string $reason;

    /**
     * Constructor.
     *
     * @param string $reason one of {@see self::REASONS}
     * @param string $message for logs and developers, not for students
     * @param \Throwable|null $previous
     */
    public function __construct(
        string $reason,
        string $message,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, 0, $previous);
        $this->reason = $reason;
    }
}
