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
 * Server-to-server calls from Moodle to the edge.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace assignsubmission_s3video;

/**
 * The calls Moodle's server makes to the edge: claim, delete, ping, health, video statuses, export links.
 *
 * Uses Moodle's {@see \curl}, so proxies and the site's blocked-hosts rules apply.
 * Every non-2xx answer of the edge is the envelope {"error": {"code", "message"}};
 * it becomes an {@see edge_exception}.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class edge_client {
    /** @var int Seconds to open the connection: an edge that cannot be reached should fail a save fast. */
    public const CONNECT_TIMEOUT = 5;

    /** @var int Seconds for the whole call; a delete also invalidates the CDN, which can take a few seconds. */
    public const TIMEOUT = 20;

    /** @var int Seconds a page waits for video statuses: a summary must render even when the edge is down. */
    public const STATUS_TIMEOUT = 3;

    /** @var string The edge, without a trailing slash. */
    private string $baseurl;

    /** @var \curl Moodle's HTTP client. */
    private \curl $curl;

    /**
     * Constructor.
     *
     * @param string $baseurl the edge (worker) URL, setting edgeurl
     * @param \curl $curl Moodle's HTTP client
     */
    public function __construct(string $baseurl, \curl $curl) {
        $baseurl = rtrim(trim($baseurl), '/');
        if (!preg_match('~^https?://[^/\s]+~i', $baseurl)) {
            throw new \InvalidArgumentException("'{$baseurl}' is not an edge URL.");
        }
        $this->baseurl = $baseurl;
        $this->curl = $curl;
    }

    /**
     * Attaches the receipt's video to its submission, retiring the one it replaces.
     *
     * @param string $receipt the receipt the form posted, already verified
     * @param string $claimtoken a claim token for that submission
     * @return array{videoid: int, replaced_videoid: int|null}
     * @throws edge_exception
     */
    public function claim(string $receipt, string $claimtoken): array {
        $body = $this->request('POST', '/api/claim', $claimtoken, ['receipt' => $receipt]);
        if (!isset($body['videoid']) || !is_int($body['videoid'])) {
            throw new edge_exception('The edge answered the claim without a video id.', 200);
        }
        $replaced = $body['replaced_videoid'] ?? null;
        return ['videoid' => $body['videoid'], 'replaced_videoid' => is_int($replaced) ? $replaced : null];
    }

    /**
     * Deletes a video from storage and the CDN.
     *
     * @param int $videoid
     * @param string $admintoken
     * @return bool true if this call deleted it, false if it was already gone
     * @throws edge_exception
     */
    public function delete_video(int $videoid, string $admintoken): bool {
        try {
            $this->request('DELETE', '/api/admin/videos/' . $videoid, $admintoken);
            return true;
        } catch (edge_exception $e) {
            // Deleting is what was wanted: an earlier try, an admin or the retention cleanup got there first.
            if ($e->edgecode === 'VIDEO_DELETED' || $e->edgecode === 'VIDEO_NOT_FOUND') {
                return false;
            }
            throw $e;
        }
    }

    /**
     * Proves the edge is reachable and shares the secret.
     *
     * @param string $admintoken
     * @return array{ok: bool, issuer: string, time: string}
     * @throws edge_exception
     */
    public function ping(string $admintoken): array {
        $body = $this->request('GET', '/api/ping', $admintoken);
        return [
            'ok' => ($body['ok'] ?? false) === true,
            'issuer' => (string) ($body['issuer'] ?? ''),
            'time' => (string) ($body['time'] ?? ''),
        ];
    }

    /**
     * The true state of videos, one call for a page: status, reason, times, the submission they belong to.
     *
     * @param int[] $videoids at most 1000
     * @param string $servertoken
     * @return array<int, array> video id => the edge's VideoStatusEntry (contract.ts)
     * @throws edge_exception
     */
    public function video_statuses(array $videoids, string $servertoken): array {
        $body = $this->request('POST', '/api/video-status', $servertoken,
            ['videoids' => array_values(array_map('intval', $videoids))], self::STATUS_TIMEOUT);
        $videos = [];
        foreach (is_array($body['videos'] ?? null) ? $body['videos'] : [] as $id => $entry) {
            if (is_array($entry) && is_string($entry['status'] ?? null)) {
                $videos[(int) $id] = $entry;
            }
        }
        return $videos;
    }

    /**
     * A time-limited download link for a video, for a privacy export.
     *
     * @param int $videoid
     * @param string $servertoken
     * @return array{url: string, expires_at: string, filename: string}
     * @throws edge_exception
     */
    public function export_url(int $videoid, string $servertoken): array {
        $body = $this->request('POST', '/api/export-url', $servertoken, ['videoid' => $videoid]);
        if (!is_string($body['url'] ?? null) || !is_string($body['expires_at'] ?? null)) {
            throw new edge_exception('The edge answered the export request without a link.', 200);
        }
        $captions = [];
        foreach (($body['captions'] ?? []) as $caption) {
            if (is_string($caption['url'] ?? null) && is_string($caption['language'] ?? null)) {
                $captions[] = [
                    'language' => $caption['language'],
                    'label' => (string) ($caption['label'] ?? $caption['language']),
                    'url' => $caption['url'],
                ];
            }
        }
        return [
            'url' => $body['url'],
            'expires_at' => $body['expires_at'],
            'filename' => (string) ($body['filename'] ?? ''),
            'captions' => $captions,
        ];
    }

    /**
     * The deployment checked against the live bucket (its region, versioning): each failed
     * check's message says what to change in the worker's settings or the bucket.
     *
     * @param string $admintoken
     * @return array{ok: bool, checks: array<int, array{name: string, ok: bool, message: string}>}
     * @throws edge_exception
     */
    public function health(string $admintoken): array {
        $body = $this->request('GET', '/api/admin/health', $admintoken);
        $checks = [];
        foreach (($body['checks'] ?? []) as $check) {
            $checks[] = [
                'name' => (string) ($check['name'] ?? ''),
                'ok' => ($check['ok'] ?? false) === true,
                'message' => (string) ($check['message'] ?? ''),
            ];
        }
        return ['ok' => ($body['ok'] ?? false) === true, 'checks' => $checks];
    }

    /**
     * One call with a Bearer token and JSON both ways.
     *
     * @param string $method GET, POST or DELETE
     * @param string $path below the base URL
     * @param string $token
     * @param array|null $body sent as JSON
     * @param int $timeout seconds for the whole call
     * @return array the decoded answer
     * @throws edge_exception
     */
    private function request(string $method, string $path, string $token, ?array $body = null, int $timeout = self::TIMEOUT): array {
        $url = $this->baseurl . $path;
        $options = [
            'CURLOPT_CONNECTTIMEOUT' => min(self::CONNECT_TIMEOUT, $timeout),
            'CURLOPT_TIMEOUT' => $timeout,
        ];
        $this->curl->resetHeader();
        $this->curl->setHeader(['Authorization: Bearer ' . $token, 'Accept: application/json']);
        switch ($method) {
            case 'GET':
                $response = $this->curl->get($url, [], $options);
                break;
            case 'POST':
                $this->curl->setHeader('Content-Type: application/json');
                $response = $this->curl->post($url, json_encode($body ?? new \stdClass(), JSON_UNESCAPED_SLASHES), $options);
                break;
            case 'DELETE':
                $response = $this->curl->delete($url, [], $options);
                break;
            default:
                throw new \InvalidArgumentException("Unsupported method {$method}.");
        }

        $info = $this->curl->get_info();
        $status = (int) ($info['http_code'] ?? 0);
        if ($this->curl->get_errno() !== 0 || $status === 0 || !empty($this->curl->error)) {
            // Moodle's curl reports a blocked URL or a network failure as an error string, not a status.
            $reason = $this->curl->error ?: (is_string($response) ? $response : '');
            throw new edge_exception($reason !== '' ? $reason : "No answer from {$url}.", 0);
        }
        $decoded = is_string($response) ? json_decode($response, true) : null;
        if ($status >= 400) {
            $error = is_array($decoded) && is_array($decoded['error'] ?? null) ? $decoded['error'] : [];
            $code = isset($error['code']) && is_string($error['code']) ? $error['code'] : null;
            $message = isset($error['message']) && is_string($error['message']) ? $error['message'] : "HTTP {$status}";
            throw new edge_exception($message, $status, $code);
        }
        if (!is_array($decoded)) {
            throw new edge_exception("The edge answered {$method} {$path} with something other than JSON.", $status);
        }
        return $decoded;
    }
}
