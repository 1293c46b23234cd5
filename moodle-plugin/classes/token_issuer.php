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
 * Builds and signs the tokens Moodle hands out for the edge.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace assignsubmission_s3video;

use Firebase\JWT\JWT;

/**
 * Claims, lifetimes and signing of the HS256 tokens of docs/integration.md.
 *
 * Pure logic: it never asks Moodle who may do what. Callers decide that first
 * (see {@see access}); a token is then exactly as wide as one allowed action on
 * one resource.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class token_issuer {
    /** @var array<string, int> Seconds each scope lives: an upload must outlast a 5 GB transfer, the rest are minutes. */
    public const LIFETIMES = [
        'upload' => 6 * 3600,
        'view' => 15 * 60,
        'claim' => 5 * 60,
        'admin' => 15 * 60,
        'server' => 5 * 60,
    ];

    /** @var int The edge refuses a shorter shared secret. */
    public const MIN_SECRET_LENGTH = 32;

    /** @var int Names only label rows in the admin table; a course name is not worth a huge header. */
    private const MAX_NAME_LENGTH = 255;

    /** @var string The shared secret. */
    private string $secret;

    /** @var string The site, as the edge lists it in MOODLE_ISSUERS. */
    private string $site;

    /** @var \Closure(): int */
    private \Closure $clock;

    /**
     * Constructor.
     *
     * @param string $secret the shared secret (plugin setting sharedsecret = worker MOODLE_SHARED_SECRET)
     * @param string $wwwroot the Moodle site, $CFG->wwwroot
     * @param \Closure|null $clock returns the current Unix time; tests pin it
     */
    public function __construct(
        string $secret,
        string $wwwroot,
        ?\Closure $clock = null,
    ) {
        if (strlen($secret) < self::MIN_SECRET_LENGTH) {
            throw new \InvalidArgumentException('The shared secret must be at least ' . self::MIN_SECRET_LENGTH . ' characters.');
        }
        $this->secret = $secret;
        $this->site = self::normalise_site($wwwroot);
        $this->clock = $clock ?? static fn(): int => time();
    }

    /**
     * The site as both sides write it: no trailing slash.
     *
     * @param string $wwwroot
     * @return string
     */
    public static function normalise_site(string $wwwroot): string {
        $site = rtrim(trim($wwwroot), '/');
        if (!preg_match('~^https?://[^/\s]+~i', $site)) {
            throw new \InvalidArgumentException("'{$wwwroot}' is not a site URL.");
        }
        return $site;
    }

    /**
     * An assignment's limit as the edge must apply it: never above 5 GiB, and 0 (no limit) means 5 GiB.
     *
     * @param int $maxbytes
     * @return int
     */
    public static function cap_maxbytes(int $maxbytes): int {
        if ($maxbytes <= 0) {
            return contract::MAX_UPLOAD_BYTES;
        }
        return min($maxbytes, contract::MAX_UPLOAD_BYTES);
    }

    /**
     * Seconds a token of this scope lives.
     *
     * @param string $scope
     * @return int
     */
    public static function lifetime(string $scope): int {
        if (!isset(self::LIFETIMES[$scope])) {
            throw new \InvalidArgumentException("Unknown scope '{$scope}'.");
        }
        return self::LIFETIMES[$scope];
    }

    /**
     * For the student who may submit now: start, send and confirm uploads for one submission.
     *
     * The token lives 6 hours (long enough for a 5 GB transfer) but never past $notafter, the
     * moment Moodle would refuse to save the submission: an upload session cannot outlive it.
     *
     * @param int $userid
     * @param int $courseid
     * @param int $assignmentid the assign instance id
     * @param int $submissionid
     * @param int $maxbytes the assignment's limit (capped to 5 GiB)
     * @param string $coursename
     * @param string $assignmentname
     * @param string $fullname the student's name
     * @param int|null $notafter Unix time the token must not outlive (the user's cut-off), null for none
     * @return string
     * @throws \InvalidArgumentException if $notafter is not in the future
     */
    public function upload(
        int $userid,
        int $courseid,
        int $assignmentid,
        int $submissionid,
        int $maxbytes,
        string $coursename,
        string $assignmentname,
        string $fullname,
        ?int $notafter = null
    ): string {
        $claims = $this->claims('upload', $userid, 'student', [
            'courseid' => $courseid,
            'assignmentid' => $assignmentid,
            'submissionid' => $submissionid,
        ], [
            'maxbytes' => self::cap_maxbytes($maxbytes),
            'coursename' => self::name($coursename),
            'assignmentname' => self::name($assignmentname),
            'fullname' => self::name($fullname),
        ]);
        if ($notafter !== null) {
            if ($notafter <= $claims['iat']) {
                throw new \InvalidArgumentException('An upload token cannot end before it starts: the cut-off has passed.');
            }
            $claims['exp'] = min($claims['exp'], $notafter);
        }
        return $this->sign($claims);
    }

    /**
     * For the owner, a grader or an admin: play one submission's video.
     *
     * @param int $userid
     * @param string $role student (the owner), teacher (a grader) or admin
     * @param int $courseid
     * @param int $assignmentid
     * @param int $submissionid
     * @param bool $captions whether the viewer may attach captions (a grader, or the owner who may edit)
     * @return string
     */
    public function view(int $userid, string $role, int $courseid, int $assignmentid, int $submissionid,
            bool $captions = false): string {
        $claims = $this->claims('view', $userid, $role, [
            'courseid' => $courseid,
            'assignmentid' => $assignmentid,
            'submissionid' => $submissionid,
        ]);
        if ($captions) {
            $claims['captions'] = true;
        }
        return $this->sign($claims);
    }

    /**
     * For Moodle's own server when a form is saved: attach the receipt's video to the submission.
     *
     * @param int $userid the user saving the form
     * @param string $role
     * @param int $courseid
     * @param int $assignmentid
     * @param int $submissionid
     * @return string
     */
    public function claim(int $userid, string $role, int $courseid, int $assignmentid, int $submissionid): string {
        return $this->sign($this->claims('claim', $userid, $role, [
            'courseid' => $courseid,
            'assignmentid' => $assignmentid,
            'submissionid' => $submissionid,
        ]));
    }

    /**
     * For site administrators (dashboard pages) and Moodle's server (deletions, the settings check).
     *
     * @param int $userid
     * @return string
     */
    public function admin(int $userid): string {
        return $this->sign($this->claims('admin', $userid, 'admin'));
    }

    /**
     * For Moodle's own server: read video statuses and sign privacy export links, site-wide.
     *
     * @param int $userid the main administrator, in whose name the server acts
     * @return string
     */
    public function server(int $userid): string {
        return $this->sign($this->claims('server', $userid, 'admin'));
    }

    /**
     * When a token this issuer signed expires, for the callers that tell the browser.
     *
     * @param string $token
     * @return int Unix time
     */
    public static function expires_at(string $token): int {
        $parts = explode('.', $token);
        $claims = count($parts) === 3 ? json_decode((string) base64_decode(strtr($parts[1], '-_', '+/')), true) : null;
        if (!is_array($claims) || !is_int($claims['exp'] ?? null)) {
            throw new \InvalidArgumentException('Not a token with an expiry.');
        }
        return $claims['exp'];
    }

    /**
     * The claims of one token, unsigned.
     *
     * @param string $scope upload, view, claim, admin or server
     * @param int $userid
     * @param string $role
     * @param array<string, int> $resource courseid, assignmentid, submissionid (every scope but admin and server)
     * @param array<string, int|string> $extra scope-specific claims
     * @return array<string, int|string>
     */
    public function claims(string $scope, int $userid, string $role, array $resource = [], array $extra = []): array {
        $lifetime = self::lifetime($scope);
        if (!in_array($role, contract::ROLES, true)) {
            throw new \InvalidArgumentException("Unknown role '{$role}'.");
        }
        if ($userid <= 0) {
            throw new \InvalidArgumentException('A token needs a user.');
        }
        if ($scope === 'admin' || $scope === 'server') {
            $resource = [];
        } else {
            foreach (['courseid', 'assignmentid', 'submissionid'] as $id) {
                if (!isset($resource[$id]) || !is_int($resource[$id]) || $resource[$id] <= 0) {
                    throw new \InvalidArgumentException("A {$scope} token needs a positive {$id}.");
                }
            }
        }
        $now = ($this->clock)();
        return [
            'iss' => $this->site,
            'aud' => contract::TOKEN_AUDIENCE,
            'sub' => (string) $userid,
            'role' => $role,
            'scope' => $scope,
            'iat' => $now,
            'exp' => $now + $lifetime,
        ] + $resource + $extra;
    }

    /**
     * Signs claims with the shared secret.
     *
     * @param array<string, int|string> $claims
     * @return string
     */
    private function sign(array $claims): string {
        return JWT::encode($claims, $this->secret, 'HS256');
    }

    /**
     * A display name cut to a sensible length, on a character boundary.
     *
     * @param string $name
     * @return string
     */
    private static function name(string $name): string {
        return mb_substr(trim($name), 0, self::MAX_NAME_LENGTH);
    }
}
