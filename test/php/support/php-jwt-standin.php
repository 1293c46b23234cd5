<?php
// TEST STAND-IN — not shipped, not used by Moodle.
//
// Moodle bundles firebase/php-jwt (lib/php-jwt, \Firebase\JWT\*). This machine has neither Moodle
// nor a Debian package of php-jwt, so the standalone suite loads this file instead, only when the
// real library is absent. It implements the part of php-jwt's public API the plugin uses, for
// HS256 only, with the same signatures, exception classes, check order and static settings
// ($leeway, $timestamp), so code that runs against it runs against the real library unchanged.

declare(strict_types=1);

namespace Firebase\JWT;

use DomainException;
use InvalidArgumentException;
use stdClass;
use UnexpectedValueException;

/** php-jwt: exceptions that carry the decoded payload. */
interface JWTExceptionWithPayloadInterface {
    public function getPayload(): object;
    public function setPayload(object $payload): void;
}

/** php-jwt: the signature does not verify. */
class SignatureInvalidException extends UnexpectedValueException {
}

/** php-jwt: nbf or iat lies in the future (beyond the leeway). */
class BeforeValidException extends UnexpectedValueException implements JWTExceptionWithPayloadInterface {
    private object $payload;

    public function setPayload(object $payload): void {
        $this->payload = $payload;
    }

    public function getPayload(): object {
        return $this->payload;
    }
}

/** php-jwt: exp has passed (beyond the leeway). */
class ExpiredException extends UnexpectedValueException implements JWTExceptionWithPayloadInterface {
    private object $payload;

    public function setPayload(object $payload): void {
        $this->payload = $payload;
    }

    public function getPayload(): object {
        return $this->payload;
    }
}

/** php-jwt: key material bound to the one algorithm it may verify. */
class Key {
    /** @var string */
    private $keyMaterial;
    private string $algorithm;

    /**
     * @param string $keyMaterial
     * @param string $algorithm
     */
    public function __construct($keyMaterial, string $algorithm) {
        if (!is_string($keyMaterial)) {
            throw new \TypeError('Key material must be a string (this stand-in supports HMAC keys only)');
        }
        if (empty($keyMaterial)) {
            throw new InvalidArgumentException('Key material must not be empty');
        }
        if (empty($algorithm)) {
            throw new InvalidArgumentException('Algorithm must not be empty');
        }
        $this->keyMaterial = $keyMaterial;
        $this->algorithm = $algorithm;
    }

    public function getAlgorithm(): string {
        return $this->algorithm;
    }

    /** @return string */
    public function getKeyMaterial() {
        return $this->keyMaterial;
    }
}

/** php-jwt's JWT class, HS256 only. */
class JWT {
    /** @var int Seconds of clock skew allowed when checking nbf, iat and exp. */
    public static $leeway = 0;

    /** @var ?int The time to check against; time() when null. */
    public static $timestamp = null;

    /** @var array<string, string[]> */
    public static $supported_algs = [
        'HS256' => ['hash_hmac', 'SHA256'],
    ];

    /**
     * Decodes and verifies a JWT.
     *
     * @param string $jwt
     * @param Key|array<string, Key> $keyOrKeyArray
     * @param stdClass|null $headers receives the header when given
     * @return stdClass the payload
     */
    public static function decode(string $jwt, $keyOrKeyArray, ?stdClass &$headers = null): stdClass {
        $timestamp = static::$timestamp ?? time();
        if (empty($keyOrKeyArray)) {
            throw new InvalidArgumentException('Key may not be empty');
        }
        $segments = explode('.', $jwt);
        if (count($segments) !== 3) {
            throw new UnexpectedValueException('Wrong number of segments');
        }
        [$headb64, $bodyb64, $cryptob64] = $segments;
        if (null === ($header = static::jsonDecode(static::urlsafeB64Decode($headb64)))) {
            throw new UnexpectedValueException('Invalid header encoding');
        }
        if ($headers !== null) {
            $headers = $header;
        }
        if (null === ($payload = static::jsonDecode(static::urlsafeB64Decode($bodyb64)))) {
            throw new UnexpectedValueException('Invalid claims encoding');
        }
        if (is_array($payload)) {
            $payload = (object) $payload;
        }
        if (!$payload instanceof stdClass) {
            throw new UnexpectedValueException('Payload must be a JSON object');
        }
        $signature = static::urlsafeB64Decode($cryptob64);
        if (empty($header->alg)) {
            throw new UnexpectedValueException('Empty algorithm');
        }
        if (empty(static::$supported_algs[$header->alg])) {
            throw new UnexpectedValueException('Algorithm not supported');
        }
        $key = self::getKey($keyOrKeyArray, property_exists($header, 'kid') ? $header->kid : null);
        if (!hash_equals($key->getAlgorithm(), $header->alg)) {
            throw new UnexpectedValueException('Incorrect key for this algorithm');
        }
        if (!self::verify("{$headb64}.{$bodyb64}", $signature, $key->getKeyMaterial(), $header->alg)) {
            throw new SignatureInvalidException('Signature verification failed');
        }
        if (isset($payload->nbf) && floor($payload->nbf) > ($timestamp + static::$leeway)) {
            $e = new BeforeValidException('Cannot handle token with nbf prior to ' . date(\DateTime::ISO8601, (int) $payload->nbf));
            $e->setPayload($payload);
            throw $e;
        }
        if (!isset($payload->nbf) && isset($payload->iat) && floor($payload->iat) > ($timestamp + static::$leeway)) {
            $e = new BeforeValidException('Cannot handle token with iat prior to ' . date(\DateTime::ISO8601, (int) $payload->iat));
            $e->setPayload($payload);
            throw $e;
        }
        if (isset($payload->exp) && ($timestamp - static::$leeway) >= $payload->exp) {
            $e = new ExpiredException('Expired token');
            $e->setPayload($payload);
            throw $e;
        }
        return $payload;
    }

    /**
     * Signs a payload.
     *
     * @param array<mixed> $payload
     * @param string $key
     * @param string $alg
     * @param string|null $keyId
     * @param array<string, string>|null $head extra header fields
     * @return string
     */
    public static function encode(array $payload, $key, string $alg, ?string $keyId = null, ?array $head = null): string {
        $header = ['typ' => 'JWT'];
        if (is_array($head)) {
            $header = array_merge($header, $head);
        }
        $header['alg'] = $alg;
        if ($keyId !== null) {
            $header['kid'] = $keyId;
        }
        $input = static::urlsafeB64Encode(static::jsonEncode($header)) . '.' . static::urlsafeB64Encode(static::jsonEncode($payload));
        return $input . '.' . static::urlsafeB64Encode(static::sign($input, $key, $alg));
    }

    /**
     * @param string $msg
     * @param string $key
     * @param string $alg
     * @return string the raw signature
     */
    public static function sign(string $msg, $key, string $alg): string {
        if (empty(static::$supported_algs[$alg])) {
            throw new DomainException('Algorithm not supported');
        }
        if (!is_string($key)) {
            throw new InvalidArgumentException('key must be a string when using hmac');
        }
        return hash_hmac(static::$supported_algs[$alg][1], $msg, $key, true);
    }

    /** @return mixed */
    public static function jsonDecode(string $input) {
        $decoded = json_decode($input, false, 512, JSON_BIGINT_AS_STRING);
        if ($errno = json_last_error()) {
            throw new DomainException('JSON error: ' . json_last_error_msg(), $errno);
        }
        if ($decoded === null && $input !== 'null') {
            throw new DomainException('Null result with non-null input');
        }
        return $decoded;
    }

    public static function jsonEncode(array $input): string {
        $json = json_encode($input, JSON_UNESCAPED_SLASHES);
        if ($errno = json_last_error()) {
            throw new DomainException('JSON error: ' . json_last_error_msg(), $errno);
        }
        if ($json === 'null') {
            throw new DomainException('Null result with non-null input');
        }
        return $json;
    }

    public static function urlsafeB64Decode(string $input): string {
        return base64_decode(self::convertBase64UrlToBase64($input));
    }

    public static function convertBase64UrlToBase64(string $input): string {
        $remainder = strlen($input) % 4;
        if ($remainder) {
            $input .= str_repeat('=', 4 - $remainder);
        }
        return strtr($input, '-_', '+/');
    }

    public static function urlsafeB64Encode(string $input): string {
        return str_replace('=', '', strtr(base64_encode($input), '+/', '-_'));
    }

    /**
     * @param Key|array<string, Key> $keyOrKeyArray
     */
    private static function getKey($keyOrKeyArray, ?string $kid): Key {
        if ($keyOrKeyArray instanceof Key) {
            return $keyOrKeyArray;
        }
        if (empty($kid) && $kid !== '0') {
            throw new UnexpectedValueException('"kid" empty, unable to lookup correct key');
        }
        if (!isset($keyOrKeyArray[$kid])) {
            throw new UnexpectedValueException('"kid" invalid, unable to lookup correct key');
        }
        return $keyOrKeyArray[$kid];
    }

    private static function verify(string $msg, string $signature, string $key, string $alg): bool {
        return hash_equals(hash_hmac(static::$supported_algs[$alg][1], $msg, $key, true), $signature);
    }
}
