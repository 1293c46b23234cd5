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
 * A refusal or failure of the edge.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace assignsubmission_s3video;

/**
 * What went wrong when Moodle's server called the edge.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class edge_exception extends \RuntimeException {
    /** @var int The HTTP status; 0 when no answer arrived. */
    public readonly int $status;

    /** @var string|null The edge's error code (contract::ERROR_CODES); null when it did not say. */
    public readonly ?string $edgecode;

    /**
     * Constructor.
     *
     * @param string $message the edge's own message (meant for people), or why it could not be reached
     * @param int $status the HTTP status; 0 when no answer arrived
     * @param string|null $edgecode one of contract::ERROR_CODES; null when the edge did not say
     */
    public function __construct(
        string $message,
        int $status,
        ?string $edgecode = null,
    ) {
        parent::__construct($message, $status);
        $this->status = $status;
        $this->edgecode = $edgecode;
    }

    /**
     * Whether no answer came back at all (DNS, connection, timeout, a blocked URL).
     *
     * @return bool
     */
    public function is_unreachable(): bool {
        return $this->status === 0;
    }
}
