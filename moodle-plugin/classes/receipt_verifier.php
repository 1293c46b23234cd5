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
 * Verifies the receipts the edge signs when an upload is confirmed.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace assignsubmission_s3video;

use Firebase\JWT\BeforeValidException;
use Firebase\JWT\ExpiredException;
use Firebase\JWT\JWT;
use Firebase\JWT\Key;
use Firebase\JWT\SignatureInvalidException;

/**
 * Accepts a receipt only if the edge signed it for this site, this user and this submission.
 *
 * Moodle links a submission to a video only through a receipt that passed here, so a student
 * cannot attach someone else's object by typing its key.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class receipt_verifier {
    /** @var int Moodle's clock and the edge's may disagree a little (the edge allows the same for tokens). */
    public const LEEWAY_SECONDS = 60;

    /** @var int The edge refuses a longer receipt in a claim, so a longer one cannot be good. */
    private const MAX_LENGTH = 8192;

    /** @var string The shared secret. */
    private string $secret;

    /** @var string */
    private string $site;

    /** @var \Closure(): int */
    private \Closure $clock;

    /**
     * Constructor.
     *
     * @param string $secret the shared secret
     * @param string $wwwroot this site, $CFG->wwwroot
     * @param \Closure|null $clock returns the current Unix time; tests pin it
     */
    public function __construct(
        string $secret,
        string $wwwroot,
        ?\Closure $clock = null,
    ) {
        if ($secret === '') {
            throw new \InvalidArgumentException('The shared secret is not set.');
        }
        $this->secret = $secret;
        $this->site = token_issuer::normalise_site($wwwroot);
        $this->clock = $clock ?? static fn(): int => time();
    }

    /**
     * Verifies a receipt for one user's save of one submission.
     *
     * @param string $jwt the receipt, as the form posted it
     * @param int $userid the user saving the form: the receipt's uploader
     * @param int $submissionid the submission being saved
     * @return receipt
     * @throws receipt_exception with the reason it was refused
     */
    public function verify(string $jwt, int $userid, int $submissionid): receipt {
        $jwt = trim($jwt);
        if (strlen($jwt) > self::MAX_LENGTH || !preg_match('/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/', $jwt)) {
            throw new receipt_exception(receipt_exception::MALFORMED, 'This is not a JWT.');
        }
        $this->check_algorithm($jwt);
        $claims = $this->decode($jwt);

        if (($claims->aud ?? null) !== contract::RECEIPT_AUDIENCE || ($claims->iss ?? null) !== contract::RECEIPT_ISSUER) {
            // A token Moodle signed (an upload token, say) verifies with the same secret: it is still no receipt.
            throw new receipt_exception(receipt_exception::MALFORMED, 'This is not a receipt of the edge.');
        }
        if (!is_int($claims->exp ?? null) || !is_int($claims->iat ?? null)) {
            throw new receipt_exception(receipt_exception::MALFORMED, 'The receipt has no valid lifetime.');
        }
        if (!is_string($claims->site ?? null) || rtrim($claims->site, '/') !== $this->site) {
            throw new receipt_exception(receipt_exception::FOREIGN_SITE, 'The receipt was issued for another site.');
        }
        if (($claims->sub ?? null) !== (string) $userid) {
            throw new receipt_exception(receipt_exception::FOREIGN_USER, 'The receipt was issued to another user.');
        }
        if (($claims->submissionid ?? null) !== $submissionid) {
            throw new receipt_exception(receipt_exception::FOREIGN_SUBMISSION, 'The receipt is for another submission.');
        }
        foreach (['videoid', 'courseid', 'assignmentid', 'filesize'] as $id) {
            if (!is_int($claims->$id ?? null) || $claims->$id <= 0) {
                throw new receipt_exception(receipt_exception::MALFORMED, "The receipt has no valid {$id}.");
            }
        }
        if (!is_string($claims->s3_key ?? null) || $claims->s3_key === '' || !is_string($claims->mimetype ?? null)) {
            throw new receipt_exception(receipt_exception::MALFORMED, 'The receipt does not name its video.');
        }
        $duration = $claims->duration ?? null;
        if ($duration !== null && ((!is_int($duration) && !is_float($duration)) || $duration < 0)) {
            throw new receipt_exception(receipt_exception::MALFORMED, 'The receipt has an invalid duration.');
        }

        return new receipt(
            videoid: $claims->videoid,
            s3key: $claims->s3_key,
            filesize: $claims->filesize,
            duration: $duration === null ? null : (float) $duration,
            mimetype: $claims->mimetype,
            userid: $userid,
            courseid: $claims->courseid,
            assignmentid: $claims->assignmentid,
            submissionid: $submissionid,
            site: $this->site,
            issuedat: $claims->iat,
            expiresat: $claims->exp,
        );
    }

    /**
     * Refuses anything not signed with HS256 before the library sees it ("alg": "none" and friends).
     *
     * @param string $jwt
     */
    private function check_algorithm(string $jwt): void {
        $header = json_decode(JWT::urlsafeB64Decode(strstr($jwt, '.', true)));
        if (!$header instanceof \stdClass) {
            throw new receipt_exception(receipt_exception::MALFORMED, 'The receipt has no readable header.');
        }
        if (($header->alg ?? null) !== 'HS256') {
            throw new receipt_exception(receipt_exception::TAMPERED, 'The receipt is not signed with HS256.');
        }
    }

    /**
     * Checks signature and lifetime with php-jwt, at this verifier's clock and leeway.
     *
     * @param string $jwt
     * @return \stdClass the claims
     */
    private function decode(string $jwt): \stdClass {
        // The library keeps both as static state shared with every other user of it: restore them.
        $leeway = JWT::$leeway;
        $timestamp = JWT::$timestamp;
        JWT::$leeway = self::LEEWAY_SECONDS;
        JWT::$timestamp = ($this->clock)();
        try {
            return JWT::decode($jwt, new Key($this->secret, 'HS256'));
        } catch (ExpiredException $e) {
            throw new receipt_exception(receipt_exception::EXPIRED, 'The receipt has expired.', $e);
        } catch (SignatureInvalidException $e) {
            throw new receipt_exception(receipt_exception::TAMPERED, 'The receipt signature does not verify.', $e);
        } catch (BeforeValidException $e) {
            throw new receipt_exception(receipt_exception::MALFORMED, 'The receipt claims to be issued in the future.', $e);
        } catch (\UnexpectedValueException | \DomainException | \InvalidArgumentException $e) {
            throw new receipt_exception(receipt_exception::MALFORMED, 'The receipt cannot be read: ' . $e->getMessage(), $e);
        } finally {
            JWT::$leeway = $leeway;
            JWT::$timestamp = $timestamp;
        }
    }
}
