import type { ConfirmUploadResponse, PlaybackUrlResponse, Scope, UploadUrlResponse } from '../../../edge/src/contract';
import { fromBase64, md5Of, toHex } from '../../../components/uploader/md5';

/**
 * The browser's view of the stack the runner started (see
 * web-test-runner.config.mjs): where the edge is, tokens from its dev
 * endpoint, and a real video to upload.
 */

interface TestEnv {
  edgeUrl: string;
  cdnUrl: string;
  fixtureUrl: string;
}

declare global {
  interface Window {
    S3V_TEST: TestEnv;
  }
}

export const env = (): TestEnv => window.S3V_TEST;

let counter = 0;
/** Ids no other test uses: tests share one edge, and a user's rate limit is per user. */
export function unique(): number {
  counter += 1;
  return (Date.now() % 1_000_000) * 100 + counter;
}

export interface TokenOptions {
  scope: Scope;
  sub?: string;
  role?: 'student' | 'teacher' | 'admin';
  courseid?: number;
  assignmentid?: number;
  submissionid?: number;
  maxbytes?: number;
  fullname?: string;
  coursename?: string;
  assignmentname?: string;
  lifetime?: number;
  /** View tokens: may attach captions, as Moodle's token for a grader. */
  captions?: boolean;
}

/** A token signed by the edge's dev endpoint, as Moodle would sign it. */
export async function devToken(o: TokenOptions): Promise<string> {
  const res = await fetch(`${env().edgeUrl}/dev/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(o),
  });
  if (!res.ok) throw new Error(`dev/token answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export async function clip(name = 'clip.mp4', type = 'video/mp4'): Promise<File> {
  const res = await fetch(env().fixtureUrl);
  return new File([await res.blob()], name, { type });
}

/** The same six seconds remuxed into Matroska (web-test-runner.config.mjs makes it). */
export async function mkvClip(name = 'clip.mkv', type = 'video/matroska'): Promise<File> {
  const res = await fetch(env().fixtureUrl.replace(/\.mp4$/, '.mkv'));
  return new File([await res.blob()], name, { type });
}

/**
 * An ISO-BMFF `ftyp` box (size 24, brand `isom`): the first bytes of an MP4. Generated
 * test bytes put behind it pass the uploader's content check, as a real video's would.
 */
export const MP4_HEAD = new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode('ftypisom'), 0, 0, 2, 0, ...new TextEncoder().encode('isomiso2')]);

export async function api<T>(token: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${env().edgeUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { Authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** An upload done the way the uploader does it, for tests that need a video to exist. */
export async function uploadThroughApi(
  file: File,
  ids: { submissionid: number; assignmentid?: number; courseid?: number; sub?: string; fullname?: string; coursename?: string; assignmentname?: string },
  extras: { poster?: Blob; duration?: number } = {},
): Promise<ConfirmUploadResponse & { s3_key: string; token: string }> {
  const assignmentid = ids.assignmentid ?? 10;
  const token = await devToken({ scope: 'upload', sub: String(unique()), ...ids, assignmentid });
  const presign = await api<UploadUrlResponse>(token, '/api/upload-url', {
    body: { assignmentid, submissionid: ids.submissionid, filename: file.name, filesize: file.size, mimetype: file.type },
  });
  if (presign.status !== 201) throw new Error(`upload-url: ${presign.status} ${JSON.stringify(presign.body)}`);
  const form = new FormData();
  for (const [k, v] of Object.entries(presign.body.fields)) form.append(k, v);
  form.append('file', file);
  const s3 = await fetch(presign.body.presigned_url, { method: 'POST', body: form });
  if (!s3.ok) throw new Error(`S3: ${s3.status} ${await s3.text()}`);
  if (extras.poster) {
    // As the uploader does: the poster goes while the upload is still pending.
    const query = new URLSearchParams({ submissionid: String(ids.submissionid), s3_key: presign.body.s3_key });
    const poster = await fetch(`${env().edgeUrl}/api/poster?${query}`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/jpeg' }, body: extras.poster,
    });
    if (!poster.ok) throw new Error(`poster: ${poster.status} ${await poster.text()}`);
  }
  const confirm = await api<ConfirmUploadResponse>(token, '/api/confirm-upload', {
    body: { assignmentid, submissionid: ids.submissionid, s3_key: presign.body.s3_key, filesize: file.size, md5: toHex(await md5Of(file)), duration: extras.duration ?? 6 },
  });
  if (confirm.status !== 200) throw new Error(`confirm: ${confirm.status} ${JSON.stringify(confirm.body)}`);
  return { ...confirm.body, s3_key: presign.body.s3_key, token };
}

/**
 * The checksum the edge confirmed for the submission's video: confirm compared it with S3's own
 * ETag of the stored upload and refuses a mismatch (test/edge/upload-flow.test.ts), so equal to
 * the browser's means S3 computed the same from what it stored. (The played object's own ETag is
 * not readable here: the CDN's CORS policy does not expose it, nor does the browser need it.)
 */
export async function edgeConfirmedMd5(submissionid: number): Promise<string> {
  const view = await devToken({ scope: 'view', submissionid });
  const play = await api<PlaybackUrlResponse>(view, `/api/playback-url?submissionid=${submissionid}`);
  return play.body.md5 ?? '';
}

/** A Content-MD5 (base64) as the hex S3 writes in ETags. */
export const base64ToHex = (b64: string): string => toHex(fromBase64(b64));

/** A real JPEG, as the uploader draws from an early frame (320 px wide). */
export async function jpeg(width = 320, height = 180): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#2a6';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#fff';
  g.fillRect(width / 4, height / 4, width / 2, height / 2);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no JPEG'))), 'image/jpeg', 0.8));
}

/**
 * How long a test waits for real work (an upload of tens of MiB, a player's first frame, the
 * edge's answer) before calling it lost: generous for 2 cores shared with other suites. A wait
 * ends as soon as its condition holds, so a long limit costs nothing on a fast machine.
 */
export const REAL_WORK_MS = 120_000;

/** Polls until the check returns a truthy value, or fails with the message. */
export async function until<T>(check: () => T | Promise<T>, message: string, timeoutMs = REAL_WORK_MS): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** All visible text of an element's shadow root, whitespace collapsed. */
export function textOf(el: Element): string {
  return (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * Waits until a token has expired by its own `exp` (seconds), as the edge judges it (`exp <= now`):
 * the condition the test needs, not a guessed delay that a slow token request could outlast.
 */
export async function untilExpired(token: string): Promise<void> {
  const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
  const { exp } = JSON.parse(atob(payload)) as { exp: number };
  // A token that lives on for longer than a wait may last is the wrong token: fail, never hang.
  if (exp * 1000 - Date.now() > REAL_WORK_MS) throw new Error(`the token expires only at ${new Date(exp * 1000).toISOString()}`);
  await until(() => Date.now() >= exp * 1000, `the token to expire (exp ${exp})`);
}
