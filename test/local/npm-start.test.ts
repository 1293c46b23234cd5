import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ConfirmUploadResponse, PlaybackUrlResponse, UploadUrlResponse } from '../../edge/src/contract';
import { md5Hex, postToS3 } from '../support/stack';
import { holdFreePort } from '../support/ports';
import { videoBytes } from '../support/video-bytes';

const ROOT = new URL('../../', import.meta.url).pathname;
// Ports of their own, chosen free for each run (wrangler's inspector too): a developer's `npm
// start` on the defaults, or another checkout's test run on this machine, can keep running.
const PORTS = { edge: 0, cdn: 0, demo: 0, inspector: 0 };

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** A zombie waiting to be reaped has already stopped: only a running process counts. */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
}

/** Waits until the process has exited (a busy machine may take seconds to reap a tree of them). */
async function gone(pid: number, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

describe('npm start: the whole system on one machine', () => {
  let child: ChildProcess;
  let output = '';
  let workerPid = 0;
  const state = mkdtempSync(join(tmpdir(), 's3v-start-'));

  before(async () => {
    // Held together while chosen, so the four are distinct; released for npm start to bind.
    const held = await Promise.all(Object.keys(PORTS).map(() => holdFreePort()));
    (Object.keys(PORTS) as Array<keyof typeof PORTS>).forEach((name, i) => (PORTS[name] = held[i]!.port));
    await Promise.all(held.map((h) => h.release()));
    for (const port of Object.values(PORTS)) assert.equal(await portOpen(port), false, `port ${port} is free`);
    // The same entry point `npm start` runs, sharing the test run's local S3.
    child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        S3VIDEO_EDGE_PORT: String(PORTS.edge),
        S3VIDEO_CDN_PORT: String(PORTS.cdn),
        S3VIDEO_DEMO_PORT: String(PORTS.demo),
        S3VIDEO_INSPECTOR_PORT: String(PORTS.inspector),
        S3VIDEO_S3_PORT: new URL(process.env.S3_ENDPOINT!).port,
        S3VIDEO_S3_STATE_DIR: join(ROOT, '.local'),
        S3VIDEO_STATE_DIR: state,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    // Longer than local/worker-dev.ts allows wrangler (180 s), so its own error, with wrangler's log, is what a failure shows.
    const deadline = Date.now() + 240_000;
    while (!/s3video: ready \(worker pid (\d+)\)/.test(output)) {
      if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm start not ready after 240 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    workerPid = Number(/worker pid (\d+)/.exec(output)![1]);
  });

  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(state, { recursive: true, force: true });
  });

  it('prints the URLs of every part', () => {
    for (const path of [`127.0.0.1:${PORTS.demo}/student?submission=100`, `127.0.0.1:${PORTS.demo}/teacher?submission=100`, `127.0.0.1:${PORTS.demo}/admin`, `127.0.0.1:${PORTS.edge}`, `127.0.0.1:${PORTS.cdn}`]) {
      assert.ok(output.includes(path), `${path} printed`);
    }
  });

  it('serves the demo pages with the AMD build', async () => {
    const page = await fetch(`http://127.0.0.1:${PORTS.demo}/student?submission=100`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /s3v-uploader/);
    const loader = await fetch(`http://127.0.0.1:${PORTS.demo}/amd/build/loader.min.js`);
    assert.equal(loader.status, 200);
    assert.match(await loader.text(), /define\(/);
  });

  it('carries a real upload from the dev token to a ranged GET through the CDN stand-in', async () => {
    const edge = `http://127.0.0.1:${PORTS.edge}`;
    const tokenFor = async (body: object) => {
      const res = await fetch(`${edge}/dev/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(res.status, 200, await res.clone().text());
      return ((await res.json()) as { token: string }).token;
    };
    const api = (path: string, token: string, body?: object) =>
      fetch(`${edge}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });

    const submissionid = 900 + Math.floor(Math.random() * 1000);
    const upload = await tokenFor({ scope: 'upload', submissionid });
    const bytes = videoBytes(64 * 1024);
    const presign = (await (await api('/api/upload-url', upload, { assignmentid: 10, submissionid, filename: 'demo.mp4', filesize: bytes.length, mimetype: 'video/mp4' })).json()) as UploadUrlResponse;
    const posted = await postToS3(presign.presigned_url, presign.fields, bytes);
    assert.ok(posted.ok, `S3 POST ${posted.status}`);
    const confirm = await api('/api/confirm-upload', upload, { assignmentid: 10, submissionid, s3_key: presign.s3_key, filesize: bytes.length, md5: md5Hex(bytes) });
    assert.equal(confirm.status, 200, await confirm.clone().text());
    assert.ok(((await confirm.json()) as ConfirmUploadResponse).receipt);

    const view = await tokenFor({ scope: 'view', submissionid });
    const play = (await (await api(`/api/playback-url?submissionid=${submissionid}`, view)).json()) as PlaybackUrlResponse;
    assert.ok(play.signed_url.startsWith(`http://127.0.0.1:${PORTS.cdn}/`));
    const ranged = await fetch(play.signed_url, { headers: { Range: 'bytes=1000-1999' } });
    assert.equal(ranged.status, 206);
    assert.deepEqual(Buffer.from(await ranged.arrayBuffer()), bytes.subarray(1000, 2000));
    const tampered = await fetch(play.signed_url.replace(/Expires=(\d+)/, (_, n) => `Expires=${Number(n) + 1}`));
    assert.equal(tampered.status, 403);
  });

  it('stops everything it started on Ctrl-C, and nothing else', async () => {
    // wrangler's own children (workerd) must go with it, not linger as orphans.
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(workerPid)], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean).map(Number);
    assert.ok(children.length > 0, 'wrangler runs workerd');
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    assert.equal(await exited, 0, output);
    assert.ok(await gone(workerPid), 'wrangler is gone');
    for (const pid of children) assert.ok(await gone(pid), `child ${pid} is gone`);
    for (const port of Object.values(PORTS)) assert.equal(await portOpen(port), false, `port ${port} closed`);
    assert.equal(await portOpen(Number(new URL(process.env.S3_ENDPOINT!).port)), true, 'the S3 it did not start still runs');
  });
});
