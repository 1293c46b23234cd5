<?php
// Bootstrap of the standalone suite: the plugin's classes, plus stand-ins for Moodle's php-jwt
// and curl where those are absent (see support/).

declare(strict_types=1);

require_once(__DIR__ . '/support/autoload.php');
