<?php
// Router for `php -S`: canned edge answers for EdgeClientTest (the real edge is exercised by
// test/contract). Echoes what it received so the test can check the request.

declare(strict_types=1);

$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$method = $_SERVER['REQUEST_METHOD'];
$auth = $_SERVER['HTTP_AUTHORIZATION'] ?? '';

function answer(int $status, $body): void {
    http_response_code($status);
    header('Content-Type: application/json');
    echo is_string($body) ? $body : json_encode($body);
}

function refuse(int $status, string $code, string $message): void {
    answer($status, ['error' => ['code' => $code, 'message' => $message]]);
}

if ($auth === 'Bearer crash-token') {
    // What a proxy or a crashed worker may answer: no envelope.
    http_response_code(500);
    echo 'Internal Server Error';
} else if ($auth === 'Bearer html-token') {
    answer(200, '<html>a captive portal</html>');
} else if (str_starts_with($path, '/api/video-status') || str_starts_with($path, '/api/export-url')) {
    // Server-scope calls of the plugin's own classes (StatusAndPrivacyTest): the token must be a
    // server token signed with the fixture's secret; answers come from the state file the test
    // writes, and every call is appended to it.
    require_once(__DIR__ . '/autoload.php');
    $file = getenv('FAKE_EDGE_STATE');
    $state = json_decode((string) file_get_contents($file), true);
    $body = json_decode(file_get_contents('php://input'), true);
    $state['calls'][] = [$path, $body];
    file_put_contents($file, json_encode($state));
    // The suite's clock (standin_site::$now), not this machine's.
    \Firebase\JWT\JWT::$timestamp = $state['now'];
    try {
        $claims = (array) \Firebase\JWT\JWT::decode(substr($auth, 7), new \Firebase\JWT\Key($state['secret'], 'HS256'));
    } catch (\Throwable $e) {
        $claims = [];
    }
    if (($claims['scope'] ?? '') !== 'server') {
        refuse(403, 'WRONG_SCOPE', 'This action needs a server token.');
    } else if (!empty($state['down'])) {
        http_response_code(503);
        echo 'down';
    } else if ($path === '/api/video-status') {
        $videos = [];
        foreach ($body['videoids'] as $id) {
            $videos[(string) $id] = $state['statuses'][(string) $id] ?? ['status' => 'missing', 'submissionid' => null];
            unset($videos[(string) $id]['captions']);
        }
        answer(200, ['videos' => $videos]);
    } else if (isset($state['statuses'][(string) $body['videoid']]) && $state['statuses'][(string) $body['videoid']]['status'] === 'ready') {
        answer(200, ['url' => 'https://s3.example.net/videos/' . $body['videoid'] . '?X-Amz-Expires=604800',
            'expires_at' => '2027-01-08T00:00:00.000Z', 'filename' => 'Final cut.mp4',
            'captions' => $state['statuses'][(string) $body['videoid']]['captions'] ?? []]);
    } else {
        refuse(410, 'VIDEO_DELETED', 'Video was deleted.');
    }
} else if ($method === 'DELETE' && str_starts_with($auth, 'Bearer ey') && getenv('FAKE_EDGE_STATE')) {
    $state = json_decode((string) file_get_contents(getenv('FAKE_EDGE_STATE')), true);
    $state['calls'][] = [$path, null];
    file_put_contents(getenv('FAKE_EDGE_STATE'), json_encode($state));
    answer(200, ['success' => true, 'videoid' => (int) basename($path), 'invalidation_id' => null]);
} else if ($auth !== 'Bearer good-token') {
    refuse(401, 'INVALID_TOKEN', 'The token is invalid.');
} else if ($method === 'GET' && $path === '/api/ping') {
    answer(200, ['ok' => true, 'issuer' => 'http://moodle.test', 'time' => '2027-01-01T00:00:00.000Z']);
} else if ($method === 'GET' && $path === '/api/admin/health') {
    answer(200, ['ok' => false, 'bucket' => 'b', 'region' => 'us-east-1', 'checks' => [
        ['name' => 'bucket_region', 'ok' => false, 'message' => 'Bucket b is in eu-west-1, but S3_REGION is us-east-1.'],
        ['name' => 'versioning', 'ok' => true, 'message' => 'Versioning is off on b.'],
    ]]);
} else if ($method === 'POST' && $path === '/api/claim') {
    $body = json_decode(file_get_contents('php://input'), true);
    if (($_SERVER['CONTENT_TYPE'] ?? '') !== 'application/json' || !is_string($body['receipt'] ?? null)) {
        refuse(400, 'INVALID_REQUEST', 'receipt is required.');
    } else if ($body['receipt'] === 'first') {
        answer(200, ['success' => true, 'videoid' => 5, 'replaced_videoid' => null]);
    } else {
        answer(200, ['success' => true, 'videoid' => 6, 'replaced_videoid' => 5]);
    }
} else if ($method === 'DELETE' && preg_match('~^/api/admin/videos/(\d+)$~', $path, $m)) {
    match ((int) $m[1]) {
        1 => answer(200, ['success' => true, 'videoid' => 1, 'invalidation_id' => 'I1']),
        2 => refuse(410, 'VIDEO_DELETED', 'Video 2 was already deleted.'),
        3 => refuse(404, 'VIDEO_NOT_FOUND', 'There is no video 3.'),
        default => refuse(502, 'STORAGE_ERROR', 'Storage refused to delete the video (AccessDenied).'),
    };
} else {
    refuse(404, 'NOT_FOUND', 'There is no such endpoint.');
}
