import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STRINGS, type StringKey } from '../../components/strings';
import { parseLangFile, readLangFile } from '../../local/demo/lang';

describe('component strings and the plugin lang file', () => {
  const lang = readLangFile();

  it('the lang file defines every key the components use, with the same English', () => {
    const missing = (Object.keys(STRINGS) as StringKey[]).filter((key) => !(key in lang));
    assert.deepEqual(missing, [], `missing from the lang file: ${missing.join(', ')}`);
    const different = (Object.keys(STRINGS) as StringKey[]).filter((key) => lang[key] !== STRINGS[key]);
    assert.deepEqual(different.map((k) => [k, lang[k], STRINGS[k]]), []);
  });

  it('the lang file keeps its keys sorted, as Moodle\'s lang files do', () => {
    const keys = Object.keys(lang);
    assert.deepEqual(keys, [...keys].sort());
  });

  it('reads PHP single-quoted strings as PHP does', () => {
    const parsed = parseLangFile(String.raw`<?php
$string['a'] = 'It\'s a back\\slash {$a}';
$string['b'] = 'Two';  // trailing comment
// $string['c'] = 'commented out';
`);
    assert.deepEqual(parsed, { a: "It's a back\\slash {$a}", b: 'Two' });
  });
});
