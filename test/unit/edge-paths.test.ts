import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The components reach the edge only through components/edge-client.ts, keyed by the contract's
 * endpoint table (`edge('GET /api/video', …)`, typed by `Endpoints` in edge/src/contract.ts): a
 * path spelled anywhere else escapes the table's types (a renamed route would only fail at run
 * time). This finds every string literal in components/ that names an edge path and is not an
 * endpoint key of the table's form (`METHOD /path`), which the compiler checks against the table.
 */
const COMPONENTS = fileURLToPath(new URL('../../components/', import.meta.url));
const CLIENT = 'edge-client.ts';

/** String literals ('…', "…", `…`) on one line; a template's `${…}` parts stay inside it. */
const LITERAL = /(['"`])((?:\\.|(?!\1)[^\\\n])*)\1/g;
const EDGE_PATH = /\/(?:api|dev)\//;
const ENDPOINT_KEY = /^(?:GET|POST|PUT|PATCH|DELETE) \/[\w/:.-]+$/;

/** The loose edge paths in a source text: literals naming /api/ or /dev/ that are not endpoint keys. */
function loosePaths(text: string): string[] {
  return [...text.matchAll(LITERAL)].map((m) => m[2]!).filter((s) => EDGE_PATH.test(s) && !ENDPOINT_KEY.test(s));
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = sources(COMPONENTS);

describe('components call the edge only through the endpoint table', () => {
  it('finds the sources, the client among them', () => {
    assert.ok(files.length > 40, `only ${files.length} files under components/`);
    assert.ok(files.some((f) => relative(COMPONENTS, f) === CLIENT));
  });

  it('sees a loose path however it is written, and lets endpoint keys be', () => {
    assert.deepEqual(loosePaths(`edge({ path: '/api/video', query })`), ['/api/video']);
    assert.deepEqual(loosePaths(`fetch("https://edge.example/api/ping")`), ['https://edge.example/api/ping']);
    assert.deepEqual(loosePaths('callEdge({ method: "DELETE", path: `/api/admin/videos/${video.id}` })'), ['/api/admin/videos/${video.id}']);
    assert.deepEqual(loosePaths(`const TOKEN = '/dev/token';`), ['/dev/token']);
    assert.deepEqual(loosePaths(`edge('DELETE /api/admin/videos/:id', { params: { id } })`), []);
    assert.deepEqual(loosePaths(`edge('POST /api/confirm-upload', { body, signal }) // the student's /api/ call`), []);
  });

  it('no file of components/ but the client spells an edge path', () => {
    const found = files
      .filter((f) => relative(COMPONENTS, f) !== CLIENT)
      .flatMap((f) => loosePaths(readFileSync(f, 'utf8')).map((p) => `${relative(COMPONENTS, f)}: '${p}'`));
    assert.deepEqual(found, [], 'call the edge as edge(\'METHOD /path\', …) (components/edge-client.ts)');
  });
});
