import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface AmdMeta {
  modules: Record<string, { id: string; lazy: boolean; deps: string[]; inputs: string[] }>;
}

/**
 * The AMD build the demo pages serve, checked to be newer than everything it
 * was built from. The tests do not build it themselves: test files run in
 * parallel, and two builds writing amd/build at once would serve each other
 * half-written files. `npm run build:amd` (test/run.sh runs it) comes first.
 */
export function builtAmd(): AmdMeta {
  const stale = (why: string) => new Error(`${why}: run \`npm run build:amd\` before the e2e tests`);
  let meta: AmdMeta;
  try {
    meta = JSON.parse(readFileSync(join(ROOT, '.build/amd-meta.json'), 'utf8')) as AmdMeta;
  } catch {
    throw stale('amd/build has not been built');
  }
  const mtime = (path: string) => statSync(join(ROOT, path)).mtimeMs;
  const built = Math.min(...Object.keys(meta.modules).map((name) => mtime(`amd/build/${name}.min.js`)));
  const sources = [...new Set(Object.values(meta.modules).flatMap((m) => m.inputs)), 'scripts/build-amd.mjs', 'amd/esbuild.options.mjs'];
  const newer = sources.filter((path) => mtime(path) > built);
  if (newer.length > 0) throw stale(`amd/build is older than ${newer.slice(0, 3).join(', ')}`);
  return meta;
}

/** The modules that carry Video.js: none of them may be requested on the student's page. */
export function videojsModules(meta: AmdMeta): string[] {
  return Object.entries(meta.modules)
    // esbuild names inputs by their real path: in a worktree whose node_modules is a symlink,
    // `../../main/node_modules/video.js/…` rather than `node_modules/video.js/…`.
    .filter(([, m]) => m.inputs.some((input) => /(?:^|\/)node_modules\/video\.js\//.test(input)))
    .map(([name]) => name);
}
