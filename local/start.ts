/**
 * `npm start`: the whole system on 127.0.0.1 with no cloud account — the
 * local S3 (Ceph RGW), the worker under wrangler dev with local D1 and KV,
 * the CloudFront stand-in and the demo pages — until Ctrl-C, which stops
 * everything this process started and nothing else.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { playbackCorsConfig } from '../infra/playback-cors';
import { startCdn } from './cdn/server';
import { startDemo } from './demo/server';
import { ensureDevVars, formatEnvFile, parseEnvFile } from './dev-vars';
import { startWorkerDev } from './worker-dev';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface Ports {
  s3: number;
  edge: number;
  cdn: number;
  demo: number;
  /** wrangler dev's DevTools inspector: two stacks on one machine collide on its default 9229. */
  inspector: number;
}

export function portsFromEnv(env = process.env): Ports {
  const port = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name} must be a port number`);
    return value;
  };
  return {
    s3: port('S3VIDEO_S3_PORT', 7480),
    edge: port('S3VIDEO_EDGE_PORT', 8787),
    cdn: port('S3VIDEO_CDN_PORT', 8788),
    demo: port('S3VIDEO_DEMO_PORT', 8789),
    inspector: port('S3VIDEO_INSPECTOR_PORT', 9229),
  };
}

export interface Running {
  urls: { s3: string; edge: string; cdn: string; demo: string };
  pids: { worker: number };
  stop(): Promise<void>;
}

function rgw(command: string, env: NodeJS.ProcessEnv): string {
  return execFileSync('bash', [join(ROOT, 'local/s3/rgw.sh'), command], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

export async function startAll(o: { ports?: Ports; stateDir?: string; quiet?: boolean; vars?: Record<string, string> } = {}): Promise<Running> {
  const ports = o.ports ?? portsFromEnv();
  const stateDir = resolve(o.stateDir ?? process.env.S3VIDEO_STATE_DIR ?? join(ROOT, '.local'));
  // The S3 may live elsewhere than the worker's state, so a second stack can share one running RGW.
  const s3StateDir = resolve(process.env.S3VIDEO_S3_STATE_DIR ?? stateDir);
  mkdirSync(stateDir, { recursive: true });
  const say = (line: string) => { if (!o.quiet) console.log(line); };
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch((err) => console.error(err));
    stops.length = 0;
  };

  try {
    const { values, created } = ensureDevVars(ROOT);
    if (created) say('Created .dev.vars with a fresh shared secret and CloudFront key pair.');

    const rgwEnv = { ...process.env, S3VIDEO_S3_PORT: String(ports.s3), S3VIDEO_STATE_DIR: s3StateDir };
    let startedS3 = false;
    try {
      rgw('status', rgwEnv);
    } catch {
      process.stdout.write(rgw('start', rgwEnv));
      startedS3 = true;
    }
    if (startedS3) stops.push(async () => { process.stdout.write(rgw('stop', rgwEnv)); });
    const s3 = parseEnvFile(rgw('env', rgwEnv));

    const demoOrigin = `http://127.0.0.1:${ports.demo}`;
    const cdnUrl = `http://127.0.0.1:${ports.cdn}`;
    // What depends on this run's ports and local S3 overrides .dev.vars.
    const runtime = {
      MOODLE_ISSUERS: demoOrigin,
      ALLOWED_ORIGINS: demoOrigin,
      S3_ENDPOINT: s3.S3_ENDPOINT!,
      S3_BUCKET: s3.S3_BUCKET!,
      S3_REGION: s3.S3_REGION!,
      AWS_ACCESS_KEY_ID: s3.AWS_ACCESS_KEY_ID!,
      AWS_SECRET_ACCESS_KEY: s3.AWS_SECRET_ACCESS_KEY!,
      CLOUDFRONT_DOMAIN: cdnUrl,
      CLOUDFRONT_API_ENDPOINT: cdnUrl,
      ...o.vars,
    };
    const runtimeFile = join(stateDir, 'runtime.env');
    writeFileSync(runtimeFile, formatEnvFile(runtime), { mode: 0o600 });

    const cdn = await startCdn({
      port: ports.cdn,
      host: '127.0.0.1',
      keys: { [values.CLOUDFRONT_KEY_PAIR_ID!]: values.CLOUDFRONT_PUBLIC_KEY! },
      distributionId: values.CLOUDFRONT_DISTRIBUTION_ID ?? 'ELOCALDEMO',
      // The demo pages are the Moodle origin the deployed response headers policy would allow.
      cors: playbackCorsConfig([demoOrigin]),
      s3: {
        endpoint: runtime.S3_ENDPOINT,
        region: runtime.S3_REGION,
        bucket: runtime.S3_BUCKET,
        accessKeyId: runtime.AWS_ACCESS_KEY_ID,
        secretAccessKey: runtime.AWS_SECRET_ACCESS_KEY,
      },
    });
    stops.push(() => cdn.close());

    const worker = await startWorkerDev({
      root: ROOT,
      port: ports.edge,
      inspectorPort: ports.inspector,
      envFiles: [join(ROOT, '.dev.vars'), runtimeFile],
      persistTo: join(stateDir, 'wrangler'),
      quiet: o.quiet,
    });
    stops.push(() => worker.stop());

    const demo = await startDemo({ port: ports.demo, edgeUrl: worker.url });
    stops.push(() => demo.close());

    return {
      urls: { s3: runtime.S3_ENDPOINT, edge: worker.url, cdn: cdn.url, demo: demo.url },
      pids: { worker: worker.pid },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function main(): Promise<void> {
  const running = await startAll();
  const { urls } = running;
  console.log(`
s3video is running on this machine (Ctrl-C stops everything):

  Student's submission page   ${urls.demo}/student?submission=100
  Teacher's grading page      ${urls.demo}/teacher?submission=100
  Admin dashboard             ${urls.demo}/admin
  Admin video management      ${urls.demo}/admin/videos

  Edge worker (wrangler dev)  ${urls.edge}   (cron: ${urls.edge}/__scheduled)
  CloudFront stand-in         ${urls.cdn}
  Local S3 (Ceph RGW)         ${urls.s3}

  A real Moodle's "Shared secret" setting takes MOODLE_SHARED_SECRET from .dev.vars as it
  stands there (it is written without quotes).
s3video: ready (worker pid ${running.pids.worker})`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await running.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
