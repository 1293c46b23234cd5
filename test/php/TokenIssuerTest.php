<?php
// Standalone tests of the token issuer: claims per scope, lifetimes, caps, and the signature.

declare(strict_types=1);

use assignsubmission_s3video\contract;
use assignsubmission_s3video\token_issuer;
use Firebase\JWT\JWT;
use Firebase\JWT\Key;
use PHPUnit\Framework\TestCase;

final class TokenIssuerTest extends TestCase {
    private const SECRET = 'a-shared-secret-of-at-least-32-characters';
    private const NOW = 1_800_000_000;

    private function issuer(string $site = 'https://moodle.example.edu/'): token_issuer {
        return new token_issuer(self::SECRET, $site, static fn(): int => self::NOW);
    }

    /** Decodes as the edge would: HS256 with the shared secret, at the issuer's clock. */
    private static function decode(string $token): array {
        JWT::$timestamp = self::NOW;
        try {
            return (array) JWT::decode($token, new Key(self::SECRET, 'HS256'));
        } finally {
            JWT::$timestamp = null;
        }
    }

    public function test_upload_token_carries_the_resource_the_limit_and_the_names(): void {
        $claims = self::decode($this->issuer()->upload(7, 2, 10, 100, 1024 ** 3, ' Film 101 ', 'Final cut', 'Ada Student'));
        $this->assertSame([
            'iss' => 'https://moodle.example.edu',
            'aud' => 's3video',
            'sub' => '7',
            'role' => 'student',
            'scope' => 'upload',
            'iat' => self::NOW,
            'exp' => self::NOW + 6 * 3600,
            'courseid' => 2,
            'assignmentid' => 10,
            'submissionid' => 100,
            'maxbytes' => 1024 ** 3,
            'coursename' => 'Film 101',
            'assignmentname' => 'Final cut',
            'fullname' => 'Ada Student',
        ], $claims);
    }

    public function test_view_claim_and_admin_tokens_have_their_scope_role_and_lifetime(): void {
        $view = self::decode($this->issuer()->view(3, 'teacher', 2, 10, 100));
        $this->assertSame(['view', 'teacher', self::NOW + 900], [$view['scope'], $view['role'], $view['exp']]);
        $this->assertSame([2, 10, 100], [$view['courseid'], $view['assignmentid'], $view['submissionid']]);
        $this->assertArrayNotHasKey('maxbytes', $view);
        $this->assertArrayNotHasKey('captions', $view, 'no captions claim unless Moodle allows it');
        $this->assertTrue(self::decode($this->issuer()->view(3, 'teacher', 2, 10, 100, true))['captions']);

        $claim = self::decode($this->issuer()->claim(7, 'student', 2, 10, 100));
        $this->assertSame(['claim', 'student', self::NOW + 300, 100], [$claim['scope'], $claim['role'], $claim['exp'], $claim['submissionid']]);

        $admin = self::decode($this->issuer()->admin(2));
        $this->assertSame(['admin', 'admin', '2', self::NOW + 900], [$admin['scope'], $admin['role'], $admin['sub'], $admin['exp']]);
        $this->assertArrayNotHasKey('submissionid', $admin);
        $this->assertArrayNotHasKey('courseid', $admin);
    }

    public function test_the_token_is_hs256_and_fails_with_another_secret(): void {
        $token = $this->issuer()->admin(2);
        $header = json_decode(JWT::urlsafeB64Decode(explode('.', $token)[0]), true);
        $this->assertSame('HS256', $header['alg']);
        $this->expectException(\Firebase\JWT\SignatureInvalidException::class);
        JWT::decode($token, new Key(str_repeat('x', 40), 'HS256'));
    }

    public function test_maxbytes_is_never_above_5_gib_and_no_limit_means_5_gib(): void {
        $this->assertSame(contract::MAX_UPLOAD_BYTES, token_issuer::cap_maxbytes(0));
        $this->assertSame(contract::MAX_UPLOAD_BYTES, token_issuer::cap_maxbytes(-1));
        $this->assertSame(contract::MAX_UPLOAD_BYTES, token_issuer::cap_maxbytes(6 * 1024 ** 3));
        $this->assertSame(500 * 1024 ** 2, token_issuer::cap_maxbytes(500 * 1024 ** 2));
        $claims = self::decode($this->issuer()->upload(7, 2, 10, 100, PHP_INT_MAX, 'c', 'a', 'f'));
        $this->assertSame(contract::MAX_UPLOAD_BYTES, $claims['maxbytes']);
    }

    public function test_the_site_is_written_without_a_trailing_slash(): void {
        $this->assertSame('http://moodle.test', self::decode($this->issuer('http://moodle.test///')->admin(2))['iss']);
        $this->assertSame('https://example.edu/moodle', token_issuer::normalise_site(' https://example.edu/moodle/ '));
    }

    public function test_an_upload_token_ends_at_the_cut_off_when_that_comes_first(): void {
        $soon = self::decode($this->issuer()->upload(7, 2, 10, 100, 0, 'c', 'a', 'f', self::NOW + 600));
        $this->assertSame(self::NOW + 600, $soon['exp']);
        $this->assertSame(self::NOW + 600, token_issuer::expires_at($this->issuer()->upload(7, 2, 10, 100, 0, 'c', 'a', 'f', self::NOW + 600)));
        $late = self::decode($this->issuer()->upload(7, 2, 10, 100, 0, 'c', 'a', 'f', self::NOW + 86400));
        $this->assertSame(self::NOW + 6 * 3600, $late['exp']);
        $this->expectException(\InvalidArgumentException::class);
        $this->issuer()->upload(7, 2, 10, 100, 0, 'c', 'a', 'f', self::NOW);
    }

    public function test_a_server_token_names_no_resource(): void {
        $server = self::decode($this->issuer()->server(2));
        $this->assertSame(['server', 'admin', '2', self::NOW + 300], [$server['scope'], $server['role'], $server['sub'], $server['exp']]);
        $this->assertArrayNotHasKey('submissionid', $server);
    }

    public function test_long_names_are_cut_on_a_character_boundary(): void {
        $claims = self::decode($this->issuer()->upload(7, 2, 10, 100, 0, str_repeat('é', 300), 'a', 'f'));
        $this->assertSame(str_repeat('é', 255), $claims['coursename']);
    }

    public function test_every_scope_has_the_lifetime_of_the_integration_doc(): void {
        $this->assertSame(['upload' => 21600, 'view' => 900, 'claim' => 300, 'admin' => 900, 'server' => 300], token_issuer::LIFETIMES);
        $this->assertEqualsCanonicalizing(contract::SCOPES, array_keys(token_issuer::LIFETIMES));
    }

    /** @dataProvider refusals */
    public function test_it_refuses_to_build_a_token_wider_or_vaguer_than_one_action(callable $build): void {
        $this->expectException(\InvalidArgumentException::class);
        $build($this->issuer());
    }

    public static function refusals(): array {
        return [
            'unknown role' => [fn(token_issuer $i) => $i->view(3, 'guest', 2, 10, 100)],
            'no user' => [fn(token_issuer $i) => $i->admin(0)],
            'no submission' => [fn(token_issuer $i) => $i->view(3, 'teacher', 2, 10, 0)],
            'negative course' => [fn(token_issuer $i) => $i->claim(3, 'student', -2, 10, 100)],
            'unknown scope' => [fn(token_issuer $i) => $i->claims('delete', 3, 'admin')],
        ];
    }

    public function test_a_short_secret_or_a_site_that_is_no_url_is_refused(): void {
        try {
            new token_issuer(str_repeat('s', 31), 'https://moodle.example.edu');
            $this->fail('A 31-character secret was accepted.');
        } catch (\InvalidArgumentException $e) {
            $this->assertStringContainsString('32', $e->getMessage());
        }
        $this->expectException(\InvalidArgumentException::class);
        new token_issuer(self::SECRET, 'moodle.example.edu');
    }
}
