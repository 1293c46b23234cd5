<?php
// Standalone tests of the receipt verifier: every refusal reason, and what it accepts.

declare(strict_types=1);

use assignsubmission_s3video\receipt;
use assignsubmission_s3video\receipt_exception;
use assignsubmission_s3video\receipt_verifier;
use assignsubmission_s3video\token_issuer;
use Firebase\JWT\JWT;
use PHPUnit\Framework\TestCase;

final class ReceiptVerifierTest extends TestCase {
    private const SECRET = 'a-shared-secret-of-at-least-32-characters';
    private const SITE = 'https://moodle.example.edu';
    private const NOW = 1_800_000_000;

    private function verifier(int $now = self::NOW, string $site = self::SITE): receipt_verifier {
        return new receipt_verifier(self::SECRET, $site, static fn(): int => $now);
    }

    /** A receipt as the edge signs it (edge/src/services/tokens.ts signReceipt). */
    private static function receipt(array $override = [], string $secret = self::SECRET, array $remove = []): string {
        $claims = array_merge([
            'iss' => 's3video-edge',
            'aud' => 's3video-receipt',
            'site' => self::SITE,
            'sub' => '7',
            'videoid' => 31,
            's3_key' => 'videos/7/1800000000000_0123456789abcdef/My_film.mp4',
            'filesize' => 4096,
            'duration' => 12.5,
            'mimetype' => 'video/mp4',
            'courseid' => 2,
            'assignmentid' => 10,
            'submissionid' => 100,
            'iat' => self::NOW - 60,
            'exp' => self::NOW + 7 * 86400,
        ], $override);
        foreach ($remove as $name) {
            unset($claims[$name]);
        }
        return JWT::encode($claims, $secret, 'HS256');
    }

    private function assertRefused(string $reason, string $jwt, int $userid = 7, int $submissionid = 100,
            ?receipt_verifier $verifier = null): void {
        try {
            ($verifier ?? $this->verifier())->verify($jwt, $userid, $submissionid);
            $this->fail("The receipt was accepted; expected the reason {$reason}.");
        } catch (receipt_exception $e) {
            $this->assertSame($reason, $e->reason, $e->getMessage());
        }
    }

    public function test_a_receipt_of_the_edge_for_this_site_user_and_submission_is_accepted(): void {
        $receipt = $this->verifier()->verify(self::receipt(), 7, 100);
        $this->assertEquals(new receipt(
            videoid: 31,
            s3key: 'videos/7/1800000000000_0123456789abcdef/My_film.mp4',
            filesize: 4096,
            duration: 12.5,
            mimetype: 'video/mp4',
            userid: 7,
            courseid: 2,
            assignmentid: 10,
            submissionid: 100,
            site: self::SITE,
            issuedat: self::NOW - 60,
            expiresat: self::NOW + 7 * 86400,
        ), $receipt);
        $this->assertSame('My_film.mp4', $receipt->filename());
        $this->assertSame('mp4', $receipt->extension());
    }

    public function test_an_unknown_duration_and_a_whole_number_duration_are_accepted(): void {
        $this->assertNull($this->verifier()->verify(self::receipt(['duration' => null]), 7, 100)->duration);
        $this->assertSame(60.0, $this->verifier()->verify(self::receipt(['duration' => 60]), 7, 100)->duration);
    }

    public function test_a_site_written_with_a_trailing_slash_is_the_same_site(): void {
        $this->verifier(self::NOW, self::SITE . '/')->verify(self::receipt(), 7, 100);
        $this->verifier()->verify(self::receipt(['site' => self::SITE . '/']), 7, 100);
        $this->addToAssertionCount(2);
    }

    public function test_an_altered_payload_is_tampered(): void {
        [$head, , $signature] = explode('.', self::receipt());
        $forged = explode('.', self::receipt(['videoid' => 32]))[1];
        $this->assertRefused(receipt_exception::TAMPERED, "{$head}.{$forged}.{$signature}");
    }

    public function test_a_receipt_signed_with_another_secret_is_tampered(): void {
        $this->assertRefused(receipt_exception::TAMPERED, self::receipt([], 'another-secret-of-at-least-32-characters'));
    }

    public function test_alg_none_is_tampered(): void {
        [, $body] = explode('.', self::receipt());
        $none = JWT::urlsafeB64Encode('{"typ":"JWT","alg":"none"}');
        $this->assertRefused(receipt_exception::TAMPERED, "{$none}.{$body}.");
    }

    public function test_another_algorithm_is_tampered(): void {
        [, $body, $signature] = explode('.', self::receipt());
        $hs512 = JWT::urlsafeB64Encode('{"typ":"JWT","alg":"HS512"}');
        $this->assertRefused(receipt_exception::TAMPERED, "{$hs512}.{$body}.{$signature}");
    }

    public function test_an_expired_receipt_is_expired_but_the_leeway_allows_clock_skew(): void {
        $jwt = self::receipt(['exp' => self::NOW - receipt_verifier::LEEWAY_SECONDS]);
        $this->assertRefused(receipt_exception::EXPIRED, $jwt);
        $this->verifier()->verify(self::receipt(['exp' => self::NOW - receipt_verifier::LEEWAY_SECONDS + 1]), 7, 100);
        $this->addToAssertionCount(1);
    }

    public function test_a_receipt_of_another_user_is_foreign_user(): void {
        $this->assertRefused(receipt_exception::FOREIGN_USER, self::receipt(), 8);
        $this->assertRefused(receipt_exception::FOREIGN_USER, self::receipt(['sub' => 7]));
    }

    public function test_a_receipt_of_another_submission_is_foreign_submission(): void {
        $this->assertRefused(receipt_exception::FOREIGN_SUBMISSION, self::receipt(), 7, 101);
        $this->assertRefused(receipt_exception::FOREIGN_SUBMISSION, self::receipt(['submissionid' => '100']));
    }

    public function test_a_receipt_of_another_site_is_foreign_site(): void {
        $this->assertRefused(receipt_exception::FOREIGN_SITE, self::receipt(['site' => 'https://other.example.edu']));
        $this->assertRefused(receipt_exception::FOREIGN_SITE, self::receipt(), 7, 100,
            $this->verifier(self::NOW, 'https://moodle.example.edu/other'));
    }

    public function test_a_token_moodle_signed_is_no_receipt(): void {
        // Same secret, valid signature: an upload token handed back as a "receipt" must not pass.
        $upload = (new token_issuer(self::SECRET, self::SITE, static fn(): int => self::NOW))
            ->upload(7, 2, 10, 100, 0, 'c', 'a', 'f');
        $this->assertRefused(receipt_exception::MALFORMED, $upload);
    }

    public function test_wrong_audience_or_issuer_is_malformed(): void {
        $this->assertRefused(receipt_exception::MALFORMED, self::receipt(['aud' => 's3video']));
        $this->assertRefused(receipt_exception::MALFORMED, self::receipt(['aud' => ['s3video-receipt']]));
        $this->assertRefused(receipt_exception::MALFORMED, self::receipt(['iss' => self::SITE]));
    }

    /** @dataProvider incomplete */
    public function test_a_receipt_missing_what_it_must_say_is_malformed(array $override, array $remove): void {
        $this->assertRefused(receipt_exception::MALFORMED, self::receipt($override, self::SECRET, $remove));
    }

    public static function incomplete(): array {
        return [
            'no expiry (php-jwt would not check it)' => [[], ['exp']],
            'no issue time' => [[], ['iat']],
            'no video' => [[], ['videoid']],
            'video id as text' => [['videoid' => '31'], []],
            'zero size' => [['filesize' => 0], []],
            'no key' => [['s3_key' => ''], []],
            'no type' => [[], ['mimetype']],
            'negative duration' => [['duration' => -1], []],
            'issued in the future' => [['iat' => self::NOW + 3600], []],
        ];
    }

    /** @dataProvider garbage */
    public function test_what_is_not_a_jwt_is_malformed(string $input): void {
        $this->assertRefused(receipt_exception::MALFORMED, $input);
    }

    public static function garbage(): array {
        return [
            'empty' => [''],
            'one segment' => ['abc'],
            'spaces' => ['a b.c d.e f'],
            'header not json' => [JWT::urlsafeB64Encode('nope') . '.e30.sig'],
            'too long' => [str_repeat('a', 9000) . '.b.c'],
        ];
    }

    public function test_php_jwt_static_settings_are_restored(): void {
        JWT::$leeway = 5;
        JWT::$timestamp = null;
        try {
            $this->verifier()->verify(self::receipt(), 7, 100);
            $this->assertRefused(receipt_exception::EXPIRED, self::receipt(['exp' => self::NOW - 3600]));
            $this->assertSame([5, null], [JWT::$leeway, JWT::$timestamp]);
        } finally {
            JWT::$leeway = 0;
        }
    }

    public function test_every_reason_is_one_of_the_documented_six(): void {
        $this->assertSame(['tampered', 'expired', 'foreign_user', 'foreign_submission', 'foreign_site', 'malformed'],
            receipt_exception::REASONS);
    }
}
