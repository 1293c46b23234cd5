#!/usr/bin/env node
/**
 * Builds the AMD modules Moodle loads: amd/src/*.ts → amd/build/<name>.min.js
 * (+ .min.js.map with sourcesContent), each a named
 * `define('assignsubmission_s3video/<name>', [deps], function (require, exports, module) {…})`.
 *
 * esbuild has no AMD output, so: one ESM build with code splitting (shared
 * code lands in chunks once), then each output file converted to CommonJS
 * and wrapped in define(). RequireJS then fetches a chunk only when a module
 * that needs it is required — the student's page never loads Video.js.
 *
 * Names: `loader` is the only non-lazy module (Moodle inlines non-lazy ones
 * into every page); entries and shared chunks all end in `-lazy`, which Moodle
 * leaves out of that bundle and fetches on demand.
 *
 * A dynamic import() becomes RequireJS's asynchronous require of its chunk, so
 * the chunk loads when that code runs (the uploader's header reader, on a file pick).
 *
 * Also writes .build/amd-meta.json (which sources went into which module),
 * for scripts/sizes.mjs and the tests that check what a page loads.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { sharedOptions, workerInputs } from '../amd/esbuild.options.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'amd/build');
const META = join(ROOT, '.build/amd-meta.json');
const COMPONENT = 'assignsubmission_s3video';
const ENTRIES = ['loader', 'uploader-lazy', 'player-lazy', 'admin-lazy'];
/** Every page of the site downloads the loader: a budget keeps Lit (or anything big) out of it. */
const LOADER_BUDGET_BYTES = 4096;

/** esbuild's file name → the module's name under amd/build (without .min.js). */
function moduleName(file) {
  const name = basename(file, '.js');
  if (ENTRIES.includes(name)) return name;
  const hash = /^shared-([A-Z0-9]+)$/.exec(name)?.[1];
  if (!hash) throw new Error(`unexpected output ${file}`);
  // Lower case: Moodle module names are conventionally lower case, and case-insensitive disks exist.
  return `shared-${hash.toLowerCase()}-lazy`;
}

/**
 * Entry → every shared chunk it needs, however deep (module names), from a
 * split build's metafile: what the loader requests alongside the entry.
 * Chunks only reached through import() stay out: they load when that code runs.
 */
function chunksOf(metafile) {
  const byPath = (path) => moduleName(join(ROOT, path));
  const chunks = {};
  for (const [path, info] of Object.entries(metafile.outputs)) {
    if (!path.endsWith('.js') || !info.entryPoint || !ENTRIES.includes(byPath(path))) continue;
    const seen = new Set();
    const visit = (p) => {
      for (const imp of metafile.outputs[p]?.imports ?? []) {
        if (imp.kind !== 'import-statement' || seen.has(imp.path)) continue;
        seen.add(imp.path);
        visit(imp.path);
      }
    };
    visit(path);
    chunks[byPath(path)] = [...seen].map(byPath).sort();
  }
  return chunks;
}

/**
 * One ESM build. The loader gets a build of its own: in a split build esbuild
 * makes every entry import the shared runtime-helper chunk, and the loader
 * must import nothing.
 */
function esm(entries, splitting, define = {}) {
  return esbuild.build({
    ...sharedOptions,
    define,
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(entries.map((name) => [name, join(ROOT, 'amd/src', `${name}.ts`)])),
    outdir: OUT,
    format: 'esm',
    splitting,
    chunkNames: 'shared-[hash]',
    minify: true,
    // Inline so the CommonJS step below finds it and maps straight back to the TypeScript.
    sourcemap: 'inline',
    sourcesContent: true,
    metafile: true,
    write: false,
  });
}

/**
 * `import("./chunk.js")` → RequireJS's asynchronous form with the chunk's AMD id: the
 * chunk is fetched when that code runs, not with the module (a plain require() of a
 * module not yet loaded throws in RequireJS). The define's own `require` is in scope.
 */
function dynamicImportsToRequire(text, names) {
  return text.replace(/import\(\s*"\.\/([^"]+\.js)"\s*\)/g, (whole, file) => {
    const dep = [...names].find(([path]) => basename(path) === file)?.[1];
    if (!dep) throw new Error(`dynamic import of ${file}: no such output`);
    return `new Promise(function(resolve,reject){require([${JSON.stringify(`${COMPONENT}/${dep}`)}],resolve,reject)})`;
  });
}

async function build() {
  const started = performance.now();
  const lazy = await esm(ENTRIES.filter((e) => e !== 'loader'), true);
  // The loader asks RequireJS for an entry and every chunk under it at once: declared
  // dependencies alone are found one level at a time, a round trip per level.
  const loader = await esm(['loader'], false, { __S3V_CHUNKS__: JSON.stringify(chunksOf(lazy.metafile)) });
  const result = {
    outputFiles: [...loader.outputFiles, ...lazy.outputFiles],
    metafile: { outputs: { ...loader.metafile.outputs, ...lazy.metafile.outputs } },
  };

  const outputs = result.outputFiles.filter((f) => f.path.endsWith('.js'));
  const names = new Map(outputs.map((f) => [f.path, moduleName(f.path)]));
  const meta = { modules: {} };
  const written = new Set();
  await mkdir(OUT, { recursive: true });

  for (const file of outputs) {
    const name = names.get(file.path);
    const info = result.metafile.outputs[relative(ROOT, file.path)];
    if (!info) throw new Error(`no metafile entry for ${file.path}`);
    const deps = [];
    const lazyDeps = [];
    for (const imp of info.imports) {
      if (imp.kind === 'import-statement') deps.push(names.get(join(ROOT, imp.path)));
      else if (imp.kind === 'dynamic-import') lazyDeps.push(names.get(join(ROOT, imp.path)));
      else throw new Error(`${name}: ${imp.kind} of ${imp.path} has no AMD equivalent here`);
    }
    if (name === 'loader' && deps.length > 0) {
      throw new Error(`loader imports ${deps.join(', ')}: it must stay self-contained (Moodle puts it on every page)`);
    }
    const ids = deps.map((dep) => `${COMPONENT}/${dep}`);
    const header = `define(${JSON.stringify(`${COMPONENT}/${name}`)},${JSON.stringify(['require', 'exports', 'module', ...ids])},function(require,exports,module){`;
    const cjs = await esbuild.transform(dynamicImportsToRequire(file.text, names), {
      format: 'cjs',
      minify: true,
      target: sharedOptions.target,
      sourcemap: 'external',
      sourcesContent: true,
      sourcefile: `${name}.min.js`,
      banner: header,
      footer: '});',
    });
    // The chunk imports ("./shared-X.js") become the AMD ids RequireJS already loaded as deps.
    let code = cjs.code;
    for (const [path, dep] of names) {
      code = code.replaceAll(JSON.stringify(`./${basename(path)}`), JSON.stringify(`${COMPONENT}/${dep}`));
    }
    if (/require\("\.\//.test(code)) throw new Error(`${name}: a relative require survived the conversion`);
    if (name === 'loader' && code.length > LOADER_BUDGET_BYTES) {
      throw new Error(`loader.min.js would be ${code.length} bytes, over its ${LOADER_BUDGET_BYTES}-byte budget`);
    }

    const map = JSON.parse(cjs.map);
    map.file = `${name}.min.js`;
    await writeFile(join(OUT, `${name}.min.js`), `${code}//# sourceMappingURL=${name}.min.js.map\n`);
    await writeFile(join(OUT, `${name}.min.js.map`), JSON.stringify(map));
    written.add(`${name}.min.js`).add(`${name}.min.js.map`);
    meta.modules[name] = {
      id: `${COMPONENT}/${name}`,
      lazy: name !== 'loader',
      deps,
      // Fetched only when the code runs an import() (the header reader, when a file is picked).
      lazyDeps,
      // "(disabled):…" entries are modules a package's browser field maps to nothing; "<define:…>" the build's own constants.
      // A worker's code is a string in this module (workerSourcePlugin): its sources count as this module's.
      inputs: [...new Set(Object.keys(info.inputs).flatMap((p) => [p, ...(workerInputs.get(join(ROOT, p)) ?? [])]))].filter(
        (p) => !p.startsWith('(disabled):') && !p.startsWith('<define:'),
      ),
    };
  }

  // Chunks of earlier builds have other hashes: leaving them would ship dead files.
  for (const file of await readdir(OUT)) {
    if (/\.min\.js(\.map)?$/.test(file) && !written.has(file)) await rm(join(OUT, file));
  }
  await mkdir(dirname(META), { recursive: true });
  await writeFile(META, JSON.stringify(meta, null, 2));

  const ms = Math.round(performance.now() - started);
  console.log(`amd/build: ${Object.keys(meta.modules).length} modules in ${ms} ms (${Object.keys(meta.modules).sort().join(', ')})`);
}

build().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
