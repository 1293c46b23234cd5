/**
 * esbuild settings shared by the AMD build (scripts/build-amd.mjs) and the
 * component tests (test/components/web-test-runner.config.mjs), so the tests
 * run the code exactly as Moodle gets it compiled.
 */
import { readFile } from 'node:fs/promises';

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

export const sharedOptions = {
  bundle: true,
  platform: 'browser',
  // Moodle 4.5 supports current evergreen browsers; ES2021 is what Lit 3 itself targets.
  target: 'es2021',
  loader: { '.css': 'text' },
  tsconfigRaw,
  plugins: [videojsCssPlugin],
  logLevel: 'warning',
};
