<?php
// Standalone tests of edge_client against a canned edge served by `php -S` (the real edge is
// exercised by test/contract): requests, the error envelope, idempotent deletes, unreachable.

declare(strict_types=1);

use assignsubmission_s3video\edge_client;
use assignsubmission_s3video\edge_exception;
use PHPUnit\Framework\TestCase;

require_once(__DIR__ . '/support/fake-edge-server.php');

final class EdgeClientTest extends TestCase {
    private static fake_edge_server $server;
    private static string $url;

    public static function setUpBeforeClass(): void {
        self::$server = fake_edge_server::start(null);
        self::$url = self::$server->url;
    }

    public static function tearDownAfterClass(): void {
        self::$server->stop();
    }

    private function client(string $suffix = '/'): edge_client {
        return new edge_client(self::$url . $suffix, new curl());
    }

    public function test_ping_sends_the_bearer_token_and_reads_the_answer(): void {
        $this->assertSame(['ok' => true, 'issuer' => 'http://moodle.test', 'time' => '2027-01-01T00:00:00.000Z'],
            $this->client()->ping('good-token'));
    }

    public function test_health_reads_each_storage_check_with_its_message(): void {
        $this->assertSame([
            'ok' => false,
            'checks' => [
                ['name' => 'bucket_region', 'ok' => false, 'message' => 'Bucket b is in eu-west-1, but S3_REGION is us-east-1.'],
                ['name' => 'versioning', 'ok' => true, 'message' => 'Versioning is off on b.'],
            ],
        ], $this->client()->health('good-token'));
    }

    public function test_claim_posts_the_receipt_as_json(): void {
        $this->assertSame(['videoid' => 5, 'replaced_videoid' => null], $this->client()->claim('first', 'good-token'));
        $this->assertSame(['videoid' => 6, 'replaced_videoid' => 5], $this->client('')->claim('second', 'good-token'));
    }

    public function test_a_refusal_carries_the_status_code_and_message_of_the_envelope(): void {
        try {
            $this->client()->ping('bad-token');
            $this->fail('A refused ping returned.');
        } catch (edge_exception $e) {
            $this->assertSame([401, 'INVALID_TOKEN', 'The token is invalid.', false],
                [$e->status, $e->edgecode, $e->getMessage(), $e->is_unreachable()]);
        }
    }

    public function test_delete_is_done_when_the_video_is_gone_already(): void {
        $this->assertTrue($this->client()->delete_video(1, 'good-token'));
        $this->assertFalse($this->client()->delete_video(2, 'good-token'));
        $this->assertFalse($this->client()->delete_video(3, 'good-token'));
        try {
            $this->client()->delete_video(4, 'good-token');
            $this->fail('A storage failure was taken for success.');
        } catch (edge_exception $e) {
            $this->assertSame([502, 'STORAGE_ERROR'], [$e->status, $e->edgecode]);
        }
    }

    public function test_an_answer_without_the_envelope_still_fails_clearly(): void {
        try {
            $this->client()->ping('crash-token');
            $this->fail('A bare 500 was taken for success.');
        } catch (edge_exception $e) {
            $this->assertSame([500, null, 'HTTP 500'], [$e->status, $e->edgecode, $e->getMessage()]);
        }
        try {
            $this->client()->ping('html-token');
            $this->fail('An HTML page was taken for an answer.');
        } catch (edge_exception $e) {
            $this->assertSame(200, $e->status);
            $this->assertStringContainsString('other than JSON', $e->getMessage());
        }
    }

    public function test_an_unreachable_edge_has_status_0(): void {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $closed = stream_socket_get_name($socket, false);
        fclose($socket);
        try {
            (new edge_client("http://{$closed}", new curl()))->ping('good-token');
            $this->fail('An unreachable edge answered.');
        } catch (edge_exception $e) {
            $this->assertTrue($e->is_unreachable());
            $this->assertNotSame('', $e->getMessage());
        }
    }

    public function test_a_base_url_that_is_no_url_is_refused(): void {
        $this->expectException(InvalidArgumentException::class);
        new edge_client('edge.example', new curl());
    }
}
