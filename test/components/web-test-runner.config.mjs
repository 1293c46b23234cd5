/**
 * Component tests: the real elements in Debian's Chromium, against a real
 * edge (the worker bundle in workerd, in-memory D1/KV, DEV_MODE for tokens),
 * the CDN stand-in and the local S3 (Ceph RGW, which must be running:
 * `bash local/s3/rgw.sh start`; `npm test` does it).
 *
 *   wtr --config test/components/web-test-runner.config.mjs
 *
 * The specs are bundled first with the AMD build's own esbuild settings
 * (TypeScript with legacy decorators, Video.js CSS as text), so the browser
 * runs the code as Moodle will. Spec files end in .spec.ts because node:test
 * picks up every *.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { playwrightLauncher } from '@web/test-runner-playwright';
import * as esbuild from 'esbuild';
import { tsImport } from 'tsx/esm/api';
import { sharedOptions } from '../../amd/esbuild.options.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, '.build/wtr');
const FIXTURE = join(OUT, 'fixtures/clip.mp4');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // The player tests press play from script, as a teacher would with a click.
  '--autoplay-policy=no-user-gesture-required',
  // The multipart specs make files of 40–200 MiB one after another; Chromium keeps blobs of a
  // browser context without a profile in memory only (about 500 MiB here), so they collect them.
  '--js-flags=--expose-gc',
];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The local S3's settings, from the environment `npm test` sets or from rgw.sh itself. */
function s3Environment() {
  if (process.env.S3_ENDPOINT) return;
  const text = execFileSync('bash', [join(ROOT, 'local/s3/rgw.sh'), 'env'], { encoding: 'utf8' });
  for (const line of text.split('\n')) {
    const m = /^(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) process.env[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
}

/** A real six-second H.264/AAC MP4, made here rather than committed. */
function makeFixture() {
  if (existsSync(FIXTURE)) return;
  mkdirSync(dirname(FIXTURE), { recursive: true });
  execFileSync('ffmpeg', [
    '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25',
    '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', '6', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart',
    FIXTURE,
  ]);
}

/** The same video remuxed into Matroska: a real .mkv for the type and content checks. */
function makeMkvFixture() {
  const mkv = FIXTURE.replace(/\.mp4$/, '.mkv');
  if (existsSync(mkv)) return;
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', FIXTURE, '-c', 'copy', mkv]);
}

async function bundleSpecs() {
  rmSync(join(OUT, 'specs'), { recursive: true, force: true });
  await esbuild.build({
    ...sharedOptions,
    entryPoints: [join(ROOT, 'test/components/*.spec.ts')],
    outdir: join(OUT, 'specs'),
    format: 'esm',
    splitting: true,
    sourcemap: 'inline',
    sourcesContent: true,
  });
}

s3Environment();
makeFixture();
makeMkvFixture();
await bundleSpecs();
// The runner listens on a port number it is given (never 0) and the edge must know the origin
// before it starts: choose it last, so that as little as possible runs between choosing the
// free port and the runner's listen (bundling under load took seconds in that gap).
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;

/** Filled when the server starts; read by every test page. */
const testEnv = {};

/** Starts the edge, CDN stand-in (on the local S3) with the runner and stops them with it. */
function stackPlugin() {
  let stack;
  return {
    name: 's3video-stack',
    async serverStart() {
      const { startStack } = await tsImport('../support/stack.ts', import.meta.url);
      stack = await startStack({
        DEV_MODE: 'true',
        ALLOWED_ORIGINS: origin,
        // Per user; each test signs in as its own user, and one test fills its quota on purpose.
        RATE_LIMIT_UPLOADS_PER_HOUR: '4',
      });
      Object.assign(testEnv, { edgeUrl: stack.edge.url, cdnUrl: stack.cdn.url, fixtureUrl: '/.build/wtr/fixtures/clip.mp4' });
    },
    async serverStop() {
      await stack?.close();
    },
  };
}

/**
 * `--files test/components/x.spec.ts` (how one runs a few specs) names the TypeScript source,
 * which no browser can import (types, decorators, bare specifiers: nodeResolve is off). The
 * browser gets a module that imports the spec's bundle instead; run with no --files, the
 * runner loads the bundles themselves.
 */
function bundledSpecs() {
  return {
    name: 's3video-bundled-specs',
    serve(context) {
      const spec = /^\/test\/components\/([\w.-]+\.spec)\.ts$/.exec(context.path);
      if (!spec) return undefined;
      if (!existsSync(join(OUT, 'specs', `${spec[1]}.js`))) return { status: 404, body: `${spec[1]}.ts was not bundled` };
      return { body: `import '/.build/wtr/specs/${spec[1]}.js';\n`, type: 'js' };
    },
  };
}

export default {
  rootDir: ROOT,
  files: ['.build/wtr/specs/*.spec.js'],
  hostname: '127.0.0.1',
  port,
  nodeResolve: false,
  concurrency: 1,
  plugins: [stackPlugin(), bundledSpecs()],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS },
    }),
  ],
  // A test's own waits (support/stack.ts REAL_WORK_MS, 2 min) end on conditions; these limits only
  // catch a hang, and must outlast those waits on 2 busy cores (a multipart test has several).
  testFramework: { config: { timeout: 600_000 } },
  testsFinishTimeout: 3_600_000,
  testRunnerHtml: (testFramework) => `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"></head>
  <body>
    <script>window.S3V_TEST = ${JSON.stringify(testEnv)};</script>
    <script type="module" src="${testFramework}"></script>
  </body>
</html>`,
};
