<?php
// Makes one of the plugin's server-to-server calls with edge_client and prints the outcome as
// JSON: {"ok": true, "result": ...} or {"ok": false, "status", "code", "message"}.
// Input: one JSON object on stdin {edge, token, action: claim|delete|ping|statuses|export, receipt?, videoid?, videoids?}.

declare(strict_types=1);

require_once(__DIR__ . '/../autoload.php');

use assignsubmission_s3video\edge_client;
use assignsubmission_s3video\edge_exception;

$in = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
$client = new edge_client($in['edge'], new curl());
try {
    $result = match ($in['action']) {
        'claim' => $client->claim($in['receipt'], $in['token']),
        'delete' => $client->delete_video((int) $in['videoid'], $in['token']),
        'ping' => $client->ping($in['token']),
        'statuses' => $client->video_statuses($in['videoids'], $in['token']),
        'export' => $client->export_url((int) $in['videoid'], $in['token']),
    };
    echo json_encode(['ok' => true, 'result' => $result]), "\n";
} catch (edge_exception $e) {
    echo json_encode(['ok' => false, 'status' => $e->status, 'code' => $e->edgecode, 'message' => $e->getMessage()]), "\n";
}
