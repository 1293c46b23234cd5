import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The plugin's English strings: the single source of truth the demo and the tests read. */
export const LANG_FILE = fileURLToPath(new URL('../../moodle-plugin/lang/en/assignsubmission_s3video.php', import.meta.url));

/**
 * The `$string['key'] = '...';` lines of a Moodle lang file, unescaped as PHP
 * does for single quotes. Other PHP (comments, concatenation) is not read:
 * Moodle's own style keeps every string to this one form.
 */
export function parseLangFile(php: string): Record<string, string> {
  const strings: Record<string, string> = {};
  for (const m of php.matchAll(/^\$string\['([^'\\]+)'\]\s*=\s*'((?:[^'\\]|\\.)*)';/gm)) {
    strings[m[1]!] = m[2]!.replace(/\\(['\\])/g, '$1');
  }
  return strings;
}

/** Read at each call, so an edited lang file shows on the next page load. */
export function readLangFile(path = LANG_FILE): Record<string, string> {
  return parseLangFile(readFileSync(path, 'utf8'));
}
