<?php
// Prints a token signed by the plugin's token_issuer. Input: one JSON object on stdin
// {secret, site, scope, userid, role?, courseid?, assignmentid?, submissionid?, maxbytes?,
//  coursename?, assignmentname?, fullname?, now?}. Used by test/contract against the real edge.

declare(strict_types=1);

require_once(__DIR__ . '/../autoload.php');

use assignsubmission_s3video\token_issuer;

$in = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
$clock = isset($in['now']) ? static fn(): int => (int) $in['now'] : null;
$issuer = new token_issuer($in['secret'], $in['site'], $clock);
$userid = (int) $in['userid'];
$ids = [(int) ($in['courseid'] ?? 0), (int) ($in['assignmentid'] ?? 0), (int) ($in['submissionid'] ?? 0)];

echo match ($in['scope']) {
    'upload' => $issuer->upload($userid, ...$ids, ...[(int) ($in['maxbytes'] ?? 0), $in['coursename'] ?? '',
        $in['assignmentname'] ?? '', $in['fullname'] ?? '']),
    'view' => $issuer->view($userid, $in['role'] ?? 'teacher', ...$ids, captions: ($in['captions'] ?? false) === true),
    'claim' => $issuer->claim($userid, $in['role'] ?? 'student', ...$ids),
    'admin' => $issuer->admin($userid),
    'server' => $issuer->server($userid),
}, "\n";
