import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The edge's layers, lowest first. An import may only go down (to a lower rank) or stay in its
 * own folder: routes → http → services → the base modules; the cron (cleanup/) sits beside the
 * routes and uses services only. README "Architecture" draws the same map.
 */
const SRC = fileURLToPath(new URL('../../edge/src/', import.meta.url));
const RANKS: Array<[layer: string, rank: number]> = [
  ['contract.ts', 0], ['env.ts', 0],
  ['errors.ts', 1], ['config.ts', 1], ['media', 1],
  ['services', 2],
  ['http', 3], ['cleanup', 3],
  ['routes', 4],
  ['app.ts', 5],
  ['index.ts', 6],
];
const SERVICES = 2;

/** The top-level file or folder of edge/src a path belongs to. */
const layerOf = (file: string) => relative(SRC, file).split(/[\\/]/)[0]!;

function rankOf(file: string): number {
  const rank = RANKS.find(([layer]) => layer === layerOf(file))?.[1];
  assert.notEqual(rank, undefined, `${relative(SRC, file)} is in no layer: add its folder to RANKS (and to the README's map)`);
  return rank!;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative module specifiers of every import and re-export in a file, resolved to files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gms)].map((m) => m[1]!);
  return specifiers.map((spec) => resolve(dirname(file), spec.endsWith('.ts') ? spec : `${spec}.ts`));
}

/** A statement that changes rows of `table`: INSERT [OR …] INTO / REPLACE INTO / UPDATE / DELETE FROM. */
const writes = (table: string) => new RegExp(`\\b(INSERT\\s+(OR\\s+\\w+\\s+)?INTO|REPLACE\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+${table}\\b`, 'i');

const files = sources(SRC);

describe('edge layers run one way', () => {
  it('finds the sources', () => {
    assert.ok(files.length > 30, `only ${files.length} files under edge/src`);
  });

  it('every import goes to a lower layer or stays in its own folder', () => {
    const wrong: string[] = [];
    for (const file of files) {
      for (const target of importsOf(file)) {
        const sameFolder = layerOf(file) === layerOf(target);
        if (!sameFolder && rankOf(target) >= rankOf(file)) wrong.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('services and the base modules import nothing from http/ or routes/', () => {
    const wrong = files
      .filter((f) => rankOf(f) <= SERVICES)
      .flatMap((f) => importsOf(f).filter((t) => ['http', 'routes'].includes(layerOf(t))).map((t) => `${relative(SRC, f)} → ${relative(SRC, t)}`));
    assert.deepEqual(wrong, []);
  });

  it('only services/video-states.ts writes the videos table, only services/captions.ts the captions table', () => {
    const writers = (table: string) => files.filter((f) => writes(table).test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
    assert.deepEqual(writers('videos'), [join('services', 'video-states.ts')]);
    assert.deepEqual(writers('captions'), [join('services', 'captions.ts')]);
  });

  it('the checks see what they look for', () => {
    // The scanner itself: a direct import upwards and a write in a multi-line statement.
    assert.deepEqual(importsOf(join(SRC, 'routes', 'ping.ts')).map((t) => layerOf(t)).sort(), ['http', 'http', 'http']);
    assert.ok(writes('videos').test('UPDATE videos\n SET x = 1'));
    assert.ok(writes('videos').test('insert or ignore into videos (a) values (1)'));
    assert.ok(!writes('videos').test('SELECT * FROM videos'));
  });
});
