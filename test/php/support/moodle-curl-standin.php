<?php
// TEST STAND-IN — not shipped, not used by Moodle.
//
// Moodle's HTTP client is the global class `curl` in lib/filelib.php. Outside Moodle (and without
// the php-curl extension, which this machine lacks) the suite loads this class instead, only when
// no `curl` class exists. It keeps the behaviour edge_client relies on: headers set with
// setHeader() and cleared with resetHeader(); get/post/delete return the body for any HTTP status;
// get_info()['http_code'] holds the status; a transport failure leaves http_code 0 and puts the
// reason in $error (and get_errno() non-zero). Options are read as Moodle spells them
// ('CURLOPT_TIMEOUT', 'CURLOPT_CONNECTTIMEOUT'). Requests go through PHP's http stream wrapper.

declare(strict_types=1);

class curl {
    /** @var array Response headers of the last request, name => value. */
    public $response = [];
    /** @var string[] Request headers. */
    public $header = [];
    /** @var array Like curl_getinfo(): http_code and the URL. */
    public $info = [];
    /** @var string The transport error of the last request, '' when none. */
    public $error = '';
    /** @var int */
    public $errno = 0;

    public function __construct($settings = []) {
    }

    public function resetHeader() {
        $this->header = [];
    }

    /** @param array|string $header */
    public function setHeader($header) {
        if (is_array($header)) {
            foreach ($header as $value) {
                $this->setHeader($value);
            }
            return;
        }
        $value = preg_replace('/[\r\n]/', '', $header);
        if (!in_array($value, $this->header, true)) {
            $this->header[] = $value;
        }
    }

    public function get($url, $params = [], $options = []) {
        if (!empty($params)) {
            $url .= (strpos($url, '?') !== false ? '&' : '?') . http_build_query($params, '', '&');
        }
        return $this->request('GET', $url, null, $options);
    }

    public function post($url, $params = '', $options = []) {
        $body = is_array($params) ? http_build_query($params, '', '&') : (string) $params;
        return $this->request('POST', $url, $body, $options);
    }

    public function delete($url, $param = [], $options = []) {
        return $this->request('DELETE', $url, null, $options);
    }

    public function get_info() {
        return $this->info;
    }

    public function get_errno() {
        return $this->errno;
    }

    public function getResponse() {
        return $this->response;
    }

    private function request(string $method, string $url, ?string $body, array $options) {
        $this->info = ['url' => $url, 'http_code' => 0];
        $this->error = '';
        $this->errno = 0;
        $this->response = [];
        $headers = array_merge($this->header, ['Connection: close']);
        if ($body !== null && !preg_grep('/^content-type:/i', $headers)) {
            $headers[] = 'Content-Type: application/x-www-form-urlencoded';
        }
        $http = [
            'method' => $method,
            'header' => implode("\r\n", $headers),
            'ignore_errors' => true,
            'follow_location' => 0,
            'timeout' => (float) ($options['CURLOPT_TIMEOUT'] ?? 30),
            'protocol_version' => 1.1,
        ];
        if ($body !== null) {
            $http['content'] = $body;
        }
        $context = stream_context_create(['http' => $http]);
        $stream = @fopen($url, 'r', false, $context);
        if ($stream === false) {
            $this->errno = 7;
            $this->error = 'Failed to connect to ' . (parse_url($url, PHP_URL_HOST) ?: $url)
                . ': ' . (error_get_last()['message'] ?? 'unknown error');
            return $this->error;
        }
        $length = null;
        foreach (stream_get_meta_data($stream)['wrapper_data'] as $line) {
            if (preg_match('~^HTTP/\S+\s+(\d{3})~', $line, $m)) {
                $this->info['http_code'] = (int) $m[1];
                $this->response = [];
                $length = null;
            } else if (strpos($line, ':') !== false) {
                [$name, $value] = explode(':', $line, 2);
                $this->response[trim($name)] = trim($value);
                if (strcasecmp(trim($name), 'Content-Length') === 0) {
                    $length = (int) trim($value);
                }
            }
        }
        // The wrapper reads until the server closes, and a keep-alive server (workerd) ignores
        // "Connection: close": stop at Content-Length, as curl does.
        $result = $length === null ? stream_get_contents($stream) : ($length === 0 ? '' : stream_get_contents($stream, $length));
        fclose($stream);
        return $result === false ? '' : $result;
    }
}
