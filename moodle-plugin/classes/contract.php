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
 * The constants of the one contract between this plugin, the components and the edge.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace assignsubmission_s3video;

/**
 * Mirror of edge/src/contract.ts: the values both sides must agree on.
 *
 * The TypeScript file is the source; test/contract proves these are equal to it,
 * so change both together.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class contract {
    /** @var int S3 refuses a single POST/PUT above 5 GiB, so no assignment may allow more. */
    public const MAX_UPLOAD_BYTES = 5 * 1024 ** 3;

    /** @var array<string, string[]> Video containers a student may hand in: extension => MIME types reported for it, the first canonical. */
    public const VIDEO_TYPES = [
        'mp4' => ['video/mp4'],
        'mov' => ['video/quicktime'],
        'avi' => ['video/x-msvideo', 'video/vnd.avi', 'video/avi', 'video/msvideo'],
        'mkv' => ['video/matroska', 'video/x-matroska'],
        'webm' => ['video/webm'],
    ];

    /** @var string Audience of the tokens Moodle signs for the edge. */
    public const TOKEN_AUDIENCE = 's3video';

    /** @var string Audience of the receipts the edge signs for Moodle. */
    public const RECEIPT_AUDIENCE = 's3video-receipt';

    /** @var string Issuer of every receipt. */
    public const RECEIPT_ISSUER = 's3video-edge';

    /** @var string[] The `role` claim. */
    public const ROLES = ['student', 'teacher', 'admin'];

    /** @var string[] The `scope` claim; `claim` and `server` are only ever held by Moodle's server. */
    public const SCOPES = ['upload', 'view', 'admin', 'claim', 'server'];

    /** @var string[] The life of a video record at the edge. */
    public const VIDEO_STATUSES = ['pending', 'ready', 'error', 'deleted'];

    /** @var array<string, int> Every error code the edge answers with, and its HTTP status. */
    public const ERROR_CODES = [
        'INVALID_JSON' => 400,
        'INVALID_REQUEST' => 400,
        'MISSING_TOKEN' => 401,
        'INVALID_TOKEN' => 401,
        'TOKEN_EXPIRED' => 401,
        'WRONG_SCOPE' => 403,
        'FORBIDDEN' => 403,
        'NOT_FOUND' => 404,
        'UPLOAD_NOT_FOUND' => 404,
        'VIDEO_NOT_FOUND' => 404,
        'VIDEO_DELETED' => 410,
        'OBJECT_NOT_UPLOADED' => 409,
        'SIZE_MISMATCH' => 409,
        'UPLOAD_NOT_PENDING' => 409,
        'CHECKSUM_MISMATCH' => 409,
        'CLAIM_CONFLICT' => 409,
        'POSTER_EXISTS' => 409,
        'CONFIRM_IN_PROGRESS' => 409,
        'FILE_TOO_LARGE' => 413,
        'REQUEST_TOO_LARGE' => 413,
        'USE_MULTIPART' => 413,
        'UNSUPPORTED_TYPE' => 415,
        'NOT_A_VIDEO' => 415,
        'INVALID_CAPTIONS' => 415,
        'INVALID_POSTER' => 415,
        'RATE_LIMITED' => 429,
        'INTERNAL_ERROR' => 500,
        'STORAGE_ERROR' => 502,
        'CDN_ERROR' => 502,
    ];
}
