<?php
// The canned edge (fake-edge.php) under `php -S`, for the tests that call it over HTTP.

declare(strict_types=1);

/**
 * `php -S` on a port the kernel chooses (port 0): the server says which in its start line, so no
 * port is picked first and bound later, when another process may have taken it. The start is
 * awaited as a condition (that line), with a limit sized for a busy machine.
 */
final class fake_edge_server {
    /** How long to wait for `php -S` to say it started, in seconds (2 cores may be busy with other suites). */
    private const START_LIMIT_S = 60.0;

    /** @var resource */
    private $process;

    private function __construct($process, private string $log, public readonly string $url) {
        $this->process = $process;
    }

    /**
     * @param array<string, string>|null $env the server's whole environment (null: this process's)
     */
    public static function start(?array $env = null): self {
        // The log goes to a file, not a pipe: the server writes a line a request, and a pipe no one
        // drains would fill and stall it.
        $log = tempnam(sys_get_temp_dir(), 's3video-php-s-');
        $process = proc_open([PHP_BINARY, '-S', '127.0.0.1:0', __DIR__ . '/fake-edge.php'],
            [['file', '/dev/null', 'r'], ['file', $log, 'a'], ['file', $log, 'a']], $pipes, null, $env);
        $deadline = microtime(true) + self::START_LIMIT_S;
        while (microtime(true) < $deadline) {
            if (preg_match('~\((http://127\.0\.0\.1:\d+)\) started~', (string) file_get_contents($log), $m)) {
                return new self($process, $log, $m[1]);
            }
            if (!proc_get_status($process)['running']) {
                break;
            }
            usleep(20000);
        }
        $said = (string) file_get_contents($log);
        proc_terminate($process);
        proc_close($process);
        unlink($log);
        throw new RuntimeException("php -S did not start: {$said}");
    }

    public function stop(): void {
        proc_terminate($this->process);
        proc_close($this->process);
        @unlink($this->log);
    }
}
