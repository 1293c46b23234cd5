<?php
// Static checks of moodle-plugin/ that need no Moodle: syntax, headers, the schema against the
// code that reads and writes it, the lang file against the code that asks for strings.

declare(strict_types=1);

use assignsubmission_s3video\contract;
use assignsubmission_s3video\receipt_exception;
use PHPUnit\Framework\TestCase;

final class PluginFilesTest extends TestCase {
    private const DIR = S3VIDEO_PLUGIN_DIR;
    private const COMPONENT = 'assignsubmission_s3video';

    /** @return array<string, string> relative path => contents */
    private static function php_files(): array {
        $files = [];
        $iterator = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(self::DIR, FilesystemIterator::SKIP_DOTS));
        foreach ($iterator as $file) {
            if ($file->getExtension() === 'php') {
                $files[substr($file->getPathname(), strlen(self::DIR) + 1)] = file_get_contents($file->getPathname());
            }
        }
        ksort($files);
        return $files;
    }

    private static function all_php(): string {
        return implode("\n", self::php_files());
    }

    /** @return array<string, string> */
    private static function lang(): array {
        $string = [];
        require(self::DIR . '/lang/en/' . self::COMPONENT . '.php');
        return $string;
    }

    public function test_every_php_file_passes_php_lint(): void {
        $this->assertNotEmpty(self::php_files());
        foreach (array_keys(self::php_files()) as $path) {
            exec(escapeshellarg(PHP_BINARY) . ' -l ' . escapeshellarg(self::DIR . '/' . $path) . ' 2>&1', $output, $status);
            $this->assertSame(0, $status, $path . ': ' . implode("\n", $output));
        }
    }

    public function test_every_php_file_has_the_gpl_header_and_a_package_docblock(): void {
        foreach (self::php_files() as $path => $code) {
            $this->assertStringStartsWith("<?php\n// This file is part of Moodle - https://moodle.org/\n", $code, $path);
            $this->assertStringContainsString('GNU General Public License', $code, $path);
            $this->assertMatchesRegularExpression('/^ \* @package\s+assignsubmission_s3video$/m', $code, $path);
            $this->assertDoesNotMatchRegularExpression('/(?<![\w$>:])array\s*\(/i', $code, "{$path} uses array() instead of []");
        }
    }

    public function test_classes_live_in_the_plugin_namespace_under_their_own_file_name(): void {
        foreach (self::php_files() as $path => $code) {
            if (!str_starts_with($path, 'classes/')) {
                continue;
            }
            $relative = substr($path, strlen('classes/'), -strlen('.php'));
            $namespace = self::COMPONENT . (dirname($relative) === '.' ? '' : '\\' . str_replace('/', '\\', dirname($relative)));
            $this->assertStringContainsString("namespace {$namespace};", $code, $path);
            $this->assertMatchesRegularExpression('/^(final |abstract )?(class|interface) ' . preg_quote(basename($relative)) . '\b/m', $code, $path);
        }
    }

    public function test_version_php_declares_the_component_for_moodle_4_5(): void {
        $plugin = new stdClass();
        defined('MOODLE_INTERNAL') || define('MOODLE_INTERNAL', true);
        defined('MATURITY_BETA') || define('MATURITY_BETA', 100);
        require(self::DIR . '/version.php');
        $this->assertSame(self::COMPONENT, $plugin->component);
        $this->assertSame(2024100700, $plugin->requires);
        $this->assertSame([405, 501], $plugin->supported);
        $this->assertMatchesRegularExpression('/^20\d{8}$/', (string) $plugin->version);
        $this->assertNotEmpty($plugin->release);
    }

    /** @return string[] the columns of the plugin's table, id first */
    private static function columns(): array {
        $xml = simplexml_load_file(self::DIR . '/db/install.xml');
        $tables = $xml->xpath('/XMLDB/TABLES/TABLE');
        self::assertCount(1, $tables);
        self::assertSame(self::COMPONENT, (string) $tables[0]['NAME']);
        return array_map(fn($field) => (string) $field['NAME'], $tables[0]->xpath('FIELDS/FIELD'));
    }

    public function test_install_xml_is_well_formed_and_has_the_specified_table(): void {
        $dom = new DOMDocument();
        $this->assertTrue($dom->load(self::DIR . '/db/install.xml'), 'install.xml does not parse');
        $this->assertSame('mod/assign/submission/s3video/db', $dom->documentElement->getAttribute('PATH'));
        $this->assertSame(['id', 'assignment', 'submission', 'videoid', 's3key', 'filesize', 'duration', 'mimetype',
            'status', 'timecreated', 'timemodified'], self::columns());
        $xml = simplexml_load_file(self::DIR . '/db/install.xml');
        $keys = [];
        foreach ($xml->xpath('//KEY') as $key) {
            $keys[(string) $key['NAME']] = [(string) $key['TYPE'], (string) $key['FIELDS'], (string) $key['REFTABLE']];
        }
        $this->assertSame(['primary', 'id', ''], $keys['primary']);
        $this->assertSame(['foreign', 'assignment', 'assign'], $keys['assignment']);
        $this->assertSame(['foreign-unique', 'submission', 'assign_submission'], $keys['submission']);
    }

    public function test_the_code_writes_every_column_and_reads_only_columns(): void {
        $columns = self::columns();
        $files = self::php_files();

        // The row the save path writes.
        preg_match('/function link_record\(.*?\n    }\n/s', $files['locallib.php'], $body);
        preg_match_all('/\$record->(\w+)\s*=/', $body[0], $written);
        $this->assertEqualsCanonicalizing($columns, array_unique($written[1]), 'link_record() must write every column');

        $used = [];
        foreach ($files as $path => $code) {
            // Condition arrays of $DB calls on the table.
            preg_match_all('/\$DB->\w+\((?:self::TABLE|\'assignsubmission_s3video\').*?\);/s', $code, $calls);
            foreach ($calls[0] as $call) {
                preg_match_all("/'(\w+)' =>/", $call, $m);
                preg_match_all('/\b(\w+) (?:=|\{?\$(?:sql|insql)\}?)\s*(?::\w+|\$)/', $call, $sql);
                preg_match("/^\\\$DB->get_fieldset(?:_select)?\((?:self::TABLE|'assignsubmission_s3video'), '(\w+)'/", $call, $field);
                $used = array_merge($used, $m[1], $sql[1], $field ? [$field[1]] : []);
            }
            // Reads of a link row.
            preg_match_all('/\$(?:video|existing|current)->(\w+)/', $code, $reads);
            $used = array_merge($used, $reads[1]);
        }
        $used = array_diff(array_unique($used), ['assignid']);
        $this->assertNotEmpty($used);
        $this->assertSame([], array_values(array_diff($used, $columns)), 'the code names columns the table does not have');

        // Backup carries every column but the ids the restore maps anew.
        preg_match("/'submission_s3video', null, \[(.*?)\]/s", $files['backup/moodle2/backup_assignsubmission_s3video_subplugin.class.php'], $backup);
        preg_match_all("/'(\w+)'/", $backup[1], $backedup);
        $this->assertEqualsCanonicalizing(array_diff($columns, ['id', 'assignment']), $backedup[1]);

        // The privacy metadata names real columns.
        preg_match("/add_database_table\(self::TABLE, \[(.*?)\]/s", $files['classes/privacy/provider.php'], $privacy);
        preg_match_all("/'(\w+)' =>/", $privacy[1], $described);
        $this->assertSame([], array_values(array_diff($described[1], $columns)));
    }

    public function test_lang_strings_are_sorted_and_help_strings_have_their_title(): void {
        $keys = array_keys(self::lang());
        $sorted = $keys;
        sort($sorted, SORT_STRING);
        $this->assertSame($sorted, $keys, 'lang strings must be sorted by key');
        foreach ($keys as $key) {
            if (str_ends_with($key, '_help')) {
                $this->assertContains(substr($key, 0, -5), $keys, "{$key} has no title string");
            }
        }
        $source = file_get_contents(self::DIR . '/lang/en/' . self::COMPONENT . '.php');
        $this->assertSame(count($keys), preg_match_all('/^\$string\[/m', $source), 'a string key is defined twice');
    }

    public function test_every_string_the_code_asks_for_is_defined(): void {
        $code = self::all_php();
        $component = preg_quote(self::COMPONENT);
        preg_match_all("/(?:get_string|lang_string|moodle_exception)\('([\w:]+)', '{$component}'/", $code, $direct);
        preg_match_all("/addHelpButton\([^,]+, '(\w+)', '{$component}'\)/", $code, $help);
        $needed = array_merge(
            $direct[1],
            $help[1],
            array_map(fn($k) => "{$k}_help", $help[1]),
            array_map(fn($reason) => "receipt_{$reason}", receipt_exception::REASONS),
            array_map(fn($status) => "status_{$status}", ['ready', 'deleted']),
            // mod_assign asks every submission plugin for these.
            ['pluginname', 'enabled', 'enabled_help'],
        );
        preg_match_all("/'privacy:metadata:[\w:]+'/", $code, $privacy);
        $needed = array_merge($needed, array_map(fn($s) => trim($s, "'"), $privacy[0]));

        $capabilities = [];
        defined('MOODLE_INTERNAL') || define('MOODLE_INTERNAL', true);
        defined('RISK_PERSONAL') || define('RISK_PERSONAL', 0x0008);
        defined('RISK_DATALOSS') || define('RISK_DATALOSS', 0x0020);
        defined('CONTEXT_SYSTEM') || define('CONTEXT_SYSTEM', 10);
        require(self::DIR . '/db/access.php');
        foreach (array_keys($capabilities) as $capability) {
            $needed[] = substr($capability, strlen('assignsubmission/'));
        }

        $missing = array_values(array_diff(array_unique($needed), array_keys(self::lang())));
        $this->assertSame([], $missing, 'strings used but not defined');
    }

    public function test_the_status_strings_match_the_statuses_the_code_writes(): void {
        preg_match_all("/const STATUS_\w+ = '(\w+)'/", file_get_contents(self::DIR . '/locallib.php'), $m);
        $this->assertEqualsCanonicalizing(['ready', 'deleted'], $m[1]);
        $this->assertContains('ready', contract::VIDEO_STATUSES);
    }

    public function test_the_web_service_and_capability_are_declared(): void {
        $functions = [];
        require(self::DIR . '/db/services.php');
        $this->assertSame('assignsubmission_s3video\external\get_token', $functions['assignsubmission_s3video_get_token']['classname']);
        $this->assertTrue($functions['assignsubmission_s3video_get_token']['ajax']);
        $this->assertFileExists(self::DIR . '/classes/external/get_token.php');
    }

    public function test_the_plugin_ships_no_javascript_source_and_no_tests(): void {
        $this->assertDirectoryDoesNotExist(self::DIR . '/amd', 'amd/build comes from the components build at packaging');
        $this->assertDirectoryDoesNotExist(self::DIR . '/tests');
    }
}
