import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface WorkerDev {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function waitFor(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${log()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`wrangler dev did not answer at ${url} within ${timeoutMs / 1000} s:\n${log()}`);
}

export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The worker under `wrangler dev` (workerd), local D1 and KV persisted under
 * `persistTo`. Started as wrangler's own node process rather than through
 * npx, so the PID we hold is the one whose exit takes workerd down with it.
 */
export async function startWorkerDev(o: {
  root: string;
  port: number;
  inspectorPort: number;
  envFiles: string[];
  persistTo: string;
  quiet?: boolean;
}): Promise<WorkerDev> {
  const wrangler = join(o.root, 'node_modules/wrangler/bin/wrangler.js');
  const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };
  const apply = spawn(process.execPath, [wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', o.persistTo], {
    cwd: o.root, env: { ...env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let applyLog = '';
  apply.stdout!.on('data', (d) => (applyLog += d));
  apply.stderr!.on('data', (d) => (applyLog += d));
  const code = await new Promise<number | null>((r) => apply.on('exit', r));
  if (code !== 0) throw new Error(`D1 migrations failed:\n${applyLog}`);

  const args = [
    wrangler, 'dev', '--local', '--ip', '127.0.0.1', '--port', String(o.port),
    '--inspector-port', String(o.inspectorPort), '--persist-to', o.persistTo,
    '--test-scheduled', '--show-interactive-dev-session=false', '--log-level', o.quiet ? 'error' : 'info',
    ...o.envFiles.flatMap((f) => ['--env-file', f]),
  ];
  const child = spawn(process.execPath, args, { cwd: o.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d: Buffer) => {
    log = (log + d).slice(-20000);
    if (!o.quiet) process.stdout.write(d.toString().replace(/^/gm, '[worker] '));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${o.port}`;
  try {
    // wrangler bundles the worker and starts workerd first: on 2 cores busy with other work that
    // has taken over a minute. The wait ends as soon as the worker answers (or wrangler exits).
    await waitFor(`${url}/api/ping`, child, () => log, 180_000);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return { url, pid: child.pid!, stop: () => stopChild(child) };
}
