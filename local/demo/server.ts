import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_UPLOAD_BYTES } from '../../edge/src/contract';
import { claim, currentVideo, devToken, EdgeRefusal, type TokenRequest } from './edge-dev';
import { readLangFile } from './lang';
import { CORE_AJAX, CORE_STR, CORE_USER_DATE } from './moodle-standins';
import { CORE_STRINGS, userDate } from './user-dates';
import { dashboardPage, indexPage, studentPage, teacherPage, videosPage } from './pages';

/**
 * The demo: Moodle's assignment pages played by a small node:http server on
 * 127.0.0.1, hosting the real AMD build through RequireJS. It does Moodle's
 * server-side part too: tokens (via the edge's dev endpoint), the AJAX token
 * renewal, and the claim on "Save changes".
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const AMD_BUILD = join(ROOT, 'amd/build');
const REQUIRE_JS = join(ROOT, 'node_modules/requirejs/require.js');
const COMPONENT = 'assignsubmission_s3video';
/** Moodle's demo users: the student hands in, the teacher grades, the admin manages. */
const STUDENT = { sub: '3', fullname: 'Sam Student' };
const TEACHER = '2';
const ADMIN = '1';
const MAX_FORM_BYTES = 64 * 1024;
/** The demo users' Moodle timezone: what core_get_user_dates writes dates in. */
const DEMO_TIMEZONE = 'UTC';

export interface DemoOptions {
  /** 0 picks a free port. */
  port: number;
  edgeUrl: string;
}

export interface RunningDemo {
  url: string;
  close(): Promise<void>;
}

/** What Moodle keeps in its database: the video each saved submission has, and its limit. */
interface SubmissionRecord {
  maxbytes: number;
  /** The assignment setting "refuse videos no browser can play" (`?refuse_unplayable=1`). */
  refuseUnplayable: boolean;
  saved: { filename: string; filesize: number; uploaded: string } | null;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new HttpError(413, 'Request too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function positiveInt(value: string | null, name: string, fallback?: number): number {
  if (value === null || value === '') {
    if (fallback !== undefined) return fallback;
    throw new HttpError(400, `${name} is required`);
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new HttpError(400, `${name} must be a positive integer`);
  return n;
}

/** A build file by name, or 404: only [a-z0-9-] names, so no path can leave amd/build. */
async function buildFile(name: string): Promise<Buffer> {
  if (!/^[a-z0-9-]+\.min\.js(\.map)?$/.test(name)) throw new HttpError(404, 'Not found');
  try {
    return await readFile(join(AMD_BUILD, name));
  } catch {
    throw new HttpError(404, `${name} is not built: run node scripts/build-amd.mjs`);
  }
}

export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const edgeUrl = options.edgeUrl.replace(/\/+$/, '');
  const submissions = new Map<number, SubmissionRecord>();
  const record = (id: number): SubmissionRecord => {
    let r = submissions.get(id);
    if (!r) submissions.set(id, (r = { maxbytes: MAX_UPLOAD_BYTES, refuseUnplayable: false, saved: null }));
    return r;
  };
  const token = (req: TokenRequest) => devToken(edgeUrl, req);

  async function studentView(url: URL, notice: { ok: boolean; text: string } | null) {
    const submissionid = positiveInt(url.searchParams.get('submission'), 'submission');
    const r = record(submissionid);
    if (url.searchParams.has('maxbytes')) r.maxbytes = Math.min(positiveInt(url.searchParams.get('maxbytes'), 'maxbytes'), MAX_UPLOAD_BYTES);
    if (url.searchParams.has('refuse_unplayable')) r.refuseUnplayable = url.searchParams.get('refuse_unplayable') === '1';
    const lifetime = url.searchParams.get('token_lifetime');
    return studentPage({
      submissionid,
      edgeUrl,
      token: await token({
        scope: 'upload',
        ...STUDENT,
        submissionid,
        maxbytes: r.maxbytes,
        ...(lifetime ? { lifetime: positiveInt(lifetime, 'token_lifetime') } : {}),
      }),
      maxbytes: r.maxbytes,
      refuseUnplayable: r.refuseUnplayable,
      current: r.saved,
      notice,
      action: `/student?submission=${submissionid}`,
    });
  }

  /** "Save changes": what the plugin's save() does with the receipt the uploader left in the form. */
  async function save(req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
    const submissionid = positiveInt(url.searchParams.get('submission'), 'submission');
    const form = new URLSearchParams(await readBody(req));
    const receipt = form.get('s3video_receipt')?.trim() ?? '';
    const back = `/student?submission=${submissionid}`;
    // moodleform's Cancel submits the form with `cancel`; is_cancelled() leaves the submission as it was.
    if (form.has('cancel')) {
      res.writeHead(303, { Location: `${back}&notice=cancelled` }).end();
      return;
    }
    if (!receipt) {
      res.writeHead(303, { Location: `${back}&notice=unchanged` }).end();
      return;
    }
    try {
      await claim(edgeUrl, submissionid, receipt);
      const video = await currentVideo(edgeUrl, submissionid);
      if (!video) throw new EdgeRefusal(502, 'VIDEO_NOT_FOUND', 'The claimed video is not the submission’s current one.');
      record(submissionid).saved = { filename: video.filename, filesize: video.filesize, uploaded: video.uploaded_at };
      res.writeHead(303, { Location: `${back}&notice=saved` }).end();
    } catch (err) {
      if (!(err instanceof EdgeRefusal)) throw err;
      const text = `The video could not be attached to your submission: ${err.message}`;
      send(res, 400, await studentView(url, { ok: false, text }), 'text/html; charset=utf-8');
    }
  }

  /** lib/ajax/service.php: only the plugin's token function, with the "session" user of each page. */
  async function ajax(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const calls = JSON.parse(await readBody(req)) as Array<{ methodname: string; args: Record<string, unknown> }>;
    const answers = await Promise.all(
      calls.map(async ({ methodname, args }) => {
        if (methodname === 'core_get_user_dates') {
          const timestamps = args.timestamps as Array<{ timestamp: number; format: string }>;
          return { error: false, data: { dates: timestamps.map((t) => userDate(t.timestamp, t.format, DEMO_TIMEZONE)) } };
        }
        if (methodname !== `${COMPONENT}_get_token`) {
          return { error: true, exception: { message: `Unknown function ${methodname}` } };
        }
        const submissionid = Number(args.submissionid) || undefined;
        const request: TokenRequest =
          args.kind === 'uploader' ? { scope: 'upload', ...STUDENT, submissionid, maxbytes: submissions.get(submissionid ?? 0)?.maxbytes }
          : args.kind === 'player' ? { scope: 'view', sub: TEACHER, role: 'teacher', submissionid }
          : { scope: 'admin', sub: ADMIN };
        return { error: false, data: { token: await token(request) } };
      }),
    );
    send(res, 200, JSON.stringify(answers), 'application/json; charset=utf-8');
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const html = (body: string) => send(res, 200, body, 'text/html; charset=utf-8');
    const path = url.pathname;
    if (req.method === 'POST' && path === '/student') return save(req, url, res);
    if (req.method === 'POST' && path === '/lib/ajax/service.php') return ajax(req, res);
    if (req.method !== 'GET') throw new HttpError(405, 'Method not allowed');

    if (path === '/') return html(indexPage());
    if (path === '/favicon.ico') return send(res, 204, '', 'image/x-icon');
    if (path === '/student') {
      const notice = url.searchParams.get('notice');
      return html(await studentView(url,
        notice === 'saved' ? { ok: true, text: 'Your submission has been saved.' }
        : notice === 'unchanged' ? { ok: true, text: 'Nothing changed: no new video was uploaded.' }
        : notice === 'cancelled' ? { ok: true, text: 'Cancelled: your submission was not changed.' }
        : null));
    }
    if (path === '/teacher') {
      const submissionid = positiveInt(url.searchParams.get('submission'), 'submission');
      return html(teacherPage({ submissionid, edgeUrl, token: await token({ scope: 'view', sub: TEACHER, role: 'teacher', submissionid }) }));
    }
    if (path === '/admin') return html(dashboardPage({ edgeUrl, token: await token({ scope: 'admin', sub: ADMIN }) }));
    if (path === '/admin/videos') return html(videosPage({ edgeUrl, token: await token({ scope: 'admin', sub: ADMIN }) }));
    if (path === '/strings.json') return send(res, 200, JSON.stringify({ [COMPONENT]: readLangFile(), ...CORE_STRINGS }), 'application/json; charset=utf-8');
    if (path === '/lib/requirejs/require.js') return send(res, 200, await readFile(REQUIRE_JS), CONTENT_TYPES['.js']!);
    if (path === '/lib/requirejs.php/core/str.js') return send(res, 200, CORE_STR, CONTENT_TYPES['.js']!);
    if (path === '/lib/requirejs.php/core/ajax.js') return send(res, 200, CORE_AJAX, CONTENT_TYPES['.js']!);
    if (path === '/lib/requirejs.php/core/user_date.js') return send(res, 200, CORE_USER_DATE, CONTENT_TYPES['.js']!);

    // RequireJS asks for component/name.js; Moodle answers with amd/build/name.min.js, and so do we.
    const module = new RegExp(`^/lib/requirejs\\.php/${COMPONENT}/([a-z0-9-]+)(\\.js|\\.min\\.js\\.map)$`).exec(path);
    if (module) {
      const [, name, ext] = module;
      const file = ext === '.js' ? `${name}.min.js` : `${name}.min.js.map`;
      return send(res, 200, await buildFile(file), CONTENT_TYPES[file.endsWith('.map') ? '.map' : '.js']!);
    }
    const raw = /^\/amd\/build\/([^/]+)$/.exec(path);
    if (raw) return send(res, 200, await buildFile(raw[1]!), CONTENT_TYPES[raw[1]!.endsWith('.map') ? '.map' : '.js']!);
    throw new HttpError(404, 'Not found');
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : err instanceof EdgeRefusal ? 502 : 500;
      if (status >= 500) console.error('demo:', err);
      if (res.headersSent) res.destroy();
      else send(res, status, err instanceof Error ? err.message : 'Error', 'text/plain; charset=utf-8');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the pages hand out tokens to whoever asks.
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
