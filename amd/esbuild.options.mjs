/**
 * esbuild settings shared by the AMD build (scripts/build-amd.mjs) and the
 * component tests (test/components/web-test-runner.config.mjs), so the tests
 * run the code exactly as Moodle gets it compiled.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import * as esbuild from 'esbuild';

/** tsconfig.json's decorator settings; esbuild reads them from here rather than guessing. */
export const tsconfigRaw = {
  compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false },
};

/**
 * Video.js's stylesheet goes into the player's shadow root as text. Its
 * @font-face (a base64 icon font, a third of the file) cannot work there —
 * shadow roots ignore @font-face — and the player uses SVG icons, so it goes.
 */
export const videojsCssPlugin = {
  name: 'videojs-css-without-font',
  setup(build) {
    build.onLoad({ filter: /video\.js[\\/]dist[\\/]video-js(\.min)?\.css$/ }, async ({ path }) => {
      const css = await readFile(path, 'utf8');
      return { contents: css.replace(/@font-face\s*\{[^}]*\}/g, ''), loader: 'text' };
    });
  },
};

/** Everything but the plugins: the worker's own build (below) shares them. */
const baseOptions = {
  bundle: true,
  platform: 'browser',
  // Moodle 4.5 supports current evergreen browsers; ES2021 is what Lit 3 itself targets.
  target: 'es2021',
  tsconfigRaw,
  logLevel: 'warning',
};

/**
 * A module named `x-source.ts` (its own text a placeholder, `export default ''`)
 * becomes `x.ts` bundled on its own, its imports included, as a classic script,
 * minified, in a string: the page starts it from a Blob URL
 * (components/uploader/md5-off-thread.ts). A worker needs a script URL, and
 * Moodle serves AMD modules through RequireJS only: a string in the module
 * that uses it needs no other file, path or configuration.
 */
/** Placeholder's absolute path → the worker's own inputs (relative to the build's working directory), for .build/amd-meta.json. */
export const workerInputs = new Map();

export const workerSourcePlugin = {
  name: 'worker-source',
  setup(build) {
    const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
    build.onLoad({ filter: /-worker-source\.ts$/ }, async ({ path }) => {
      const entry = path.replace(/-source\.ts$/, '.ts');
      const result = await esbuild.build({
        ...baseOptions,
        absWorkingDir: cwd,
        entryPoints: [entry],
        format: 'iife',
        minify: true,
        write: false,
        metafile: true,
        // Names it in the browser's devtools and profiles.
        footer: { js: `//# sourceURL=s3video-${basename(entry, '.ts')}.js` },
      });
      const inputs = Object.keys(result.metafile.inputs);
      workerInputs.set(path, inputs);
      return {
        contents: `export default ${JSON.stringify(result.outputFiles[0].text)};`,
        loader: 'js',
        watchFiles: inputs.map((p) => resolve(cwd, p)),
      };
    });
  },
};

export const sharedOptions = {
  ...baseOptions,
  loader: { '.css': 'text' },
  plugins: [videojsCssPlugin, workerSourcePlugin],
};
