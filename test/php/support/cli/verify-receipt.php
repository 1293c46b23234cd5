<?php
// Runs the plugin's receipt_verifier on one receipt and prints the outcome as JSON:
// {"ok": true, "receipt": {...}} or {"ok": false, "reason": "...", "message": "..."}.
// Input: one JSON object on stdin {secret, site, receipt, userid, submissionid, now?}.

declare(strict_types=1);

require_once(__DIR__ . '/../autoload.php');

use assignsubmission_s3video\receipt_exception;
use assignsubmission_s3video\receipt_verifier;

$in = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
$clock = isset($in['now']) ? static fn(): int => (int) $in['now'] : null;
$verifier = new receipt_verifier($in['secret'], $in['site'], $clock);
try {
    $receipt = $verifier->verify($in['receipt'], (int) $in['userid'], (int) $in['submissionid']);
    echo json_encode(['ok' => true, 'receipt' => get_object_vars($receipt) + ['filename' => $receipt->filename()]]), "\n";
} catch (receipt_exception $e) {
    echo json_encode(['ok' => false, 'reason' => $e->reason, 'message' => $e->getMessage()]), "\n";
}
