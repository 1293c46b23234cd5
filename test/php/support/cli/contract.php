<?php
// Prints the constants of moodle-plugin/classes/contract.php as JSON, for test/contract to
// compare with edge/src/contract.ts.

declare(strict_types=1);

require_once(__DIR__ . '/../autoload.php');

$constants = (new ReflectionClass(\assignsubmission_s3video\contract::class))->getConstants();
echo json_encode($constants, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
