<?php
// Bootstrap of the standalone suite: the plugin's classes, plus stand-ins for Moodle's php-jwt
// and curl where those are absent (see support/), and for the parts of Moodle core, mod_assign
// and core_privacy that the plugin's classes call (support/moodle/, each citing what it models).

declare(strict_types=1);

require_once(__DIR__ . '/support/autoload.php');
require_once(__DIR__ . '/support/moodle/core.php');
require_once(__DIR__ . '/support/moodle/core-namespace.php');
require_once(__DIR__ . '/support/moodle/mod-assign.php');
require_once(__DIR__ . '/support/moodle/privacy.php');
require_once(__DIR__ . '/support/moodle/fixture.php');
