<?php
// Loads the plugin's classes outside Moodle, for the standalone tests and the CLI helpers of
// test/contract. Moodle's own library and HTTP client are used when present; otherwise the
// stand-ins beside this file (php-jwt HS256, Moodle's curl) take their place.

declare(strict_types=1);

const S3VIDEO_PLUGIN_DIR = __DIR__ . '/../../../moodle-plugin';

if (!class_exists(\Firebase\JWT\JWT::class)) {
    require_once(__DIR__ . '/php-jwt-standin.php');
}
if (!class_exists('curl')) {
    require_once(__DIR__ . '/moodle-curl-standin.php');
}

spl_autoload_register(static function (string $class): void {
    $prefix = 'assignsubmission_s3video\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $file = S3VIDEO_PLUGIN_DIR . '/classes/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require_once($file);
    }
});
