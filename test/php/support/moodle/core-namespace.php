<?php
// TEST STAND-IN — not shipped. The \core classes the plugin uses: \core\di's clock (4.4+) and
// \core\formatting::format_string() of Moodle 5.1
// (public/lib/classes/formatting.php; the same steps in 4.5's lib/classes/formatting.php) with
// the site defaults: filters off ($CFG->filterall), tags stripped ($CFG->formatstringstriptags).

declare(strict_types=1);

namespace core;

final class formatting_standin {
    public static bool $striptags = true;

    public static function format_string(string $string, bool $escape): string {
        if ($string === '') {
            return '';
        }
        if ($escape) {
            // replace_ampersands_not_followed_by_entity().
            $string = preg_replace('/&(?![a-zA-Z0-9#]{1,8};)/', '&amp;', $string);
        }
        if (self::$striptags) {
            return $escape ? str_replace(['<', '>'], ['&lt;', '&gt;'], strip_tags($string)) : strip_tags($string);
        }
        // clean_text() (HTML Purifier) returns HTML: a bare ampersand comes back as an entity.
        return preg_replace('/&(?![a-zA-Z0-9#]{1,8};)/', '&amp;', $string);
    }
}

/** lib/classes/clock.php: the clock mod_assign reads (4.4+); the stand-in site's time. */
interface clock {
    public function time(): int;
}

/** lib/classes/di.php: get(clock::class) is the one service the plugin asks for. */
final class di {
    public static function get(string $id) {
        if ($id !== clock::class) {
            throw new \coding_exception("No stand-in for {$id}");
        }
        return new class implements clock {
            public function time(): int {
                return \standin_site::$now;
            }
        };
    }
}
