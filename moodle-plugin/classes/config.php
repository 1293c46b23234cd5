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
 * The plugin's site settings, read in one place.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace assignsubmission_s3video;

/**
 * Site settings and the objects built from them.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class config {
    /** @var int[] Sizes an assignment may choose, in bytes; the largest is what S3 takes in one upload. */
    public const SIZES = [
        100 * 1024 ** 2,
        250 * 1024 ** 2,
        500 * 1024 ** 2,
        1024 ** 3,
        2 * 1024 ** 3,
        3 * 1024 ** 3,
        4 * 1024 ** 3,
        contract::MAX_UPLOAD_BYTES,
    ];

    /**
     * The edge (worker) URL, without a trailing slash; '' when not set.
     *
     * @return string
     */
    public static function edge_url(): string {
        return rtrim(trim((string) get_config('assignsubmission_s3video', 'edgeurl')), '/');
    }

    /**
     * Whether the edge URL and a usable secret are set.
     *
     * @return bool
     */
    public static function is_configured(): bool {
        return self::edge_url() !== ''
            && strlen((string) get_config('assignsubmission_s3video', 'sharedsecret')) >= token_issuer::MIN_SECRET_LENGTH;
    }

    /**
     * The token issuer for this site.
     *
     * @return token_issuer
     */
    public static function issuer(): token_issuer {
        global $CFG;
        // Moodle's clock (4.4+), the one mod_assign compares cut-off dates with: a token's expiry
        // and mod_assign's "submissions are open" then agree to the second.
        return new token_issuer(
            (string) get_config('assignsubmission_s3video', 'sharedsecret'),
            $CFG->wwwroot,
            static fn(): int => \core\di::get(\core\clock::class)->time(),
        );
    }

    /**
     * The receipt verifier for this site.
     *
     * @return receipt_verifier
     */
    public static function verifier(): receipt_verifier {
        global $CFG;
        return new receipt_verifier((string) get_config('assignsubmission_s3video', 'sharedsecret'), $CFG->wwwroot);
    }

    /**
     * A client for the configured edge.
     *
     * @return edge_client
     */
    public static function edge(): edge_client {
        global $CFG;
        require_once($CFG->libdir . '/filelib.php');
        return new edge_client(self::edge_url(), new \curl());
    }

    /**
     * The site's default (and largest) size for an assignment.
     *
     * @return int bytes
     */
    public static function site_maxbytes(): int {
        return token_issuer::cap_maxbytes((int) get_config('assignsubmission_s3video', 'maxbytes'));
    }

    /**
     * Extensions students may hand in, from the site setting; all of them when unset.
     *
     * @return string[]
     */
    public static function allowed_extensions(): array {
        $setting = get_config('assignsubmission_s3video', 'allowedtypes');
        if ($setting === false || $setting === '') {
            return array_keys(contract::VIDEO_TYPES);
        }
        return array_values(array_intersect(array_keys(contract::VIDEO_TYPES), explode(',', $setting)));
    }

    /**
     * The size choices up to a limit, labelled for people.
     *
     * @param int $upto the largest size to offer
     * @return array<int, string> bytes => label
     */
    public static function size_choices(int $upto = contract::MAX_UPLOAD_BYTES): array {
        $choices = [];
        foreach (self::SIZES as $bytes) {
            if ($bytes <= $upto) {
                $choices[$bytes] = display_size($bytes);
            }
        }
        return $choices;
    }
}
