import type { ClaimResponse, ErrorBody, Scope, VideoSummary, VideoSummaryResponse } from '../../edge/src/contract';

/**
 * The demo server's calls to the edge, doing what Moodle's PHP does: sign
 * tokens (here through the worker's dev-only endpoint, which answers loopback
 * only) and claim a receipt when the student saves.
 */

/** The assignment every demo submission belongs to, in the course every demo page shows. */
export const DEMO_COURSE = { courseid: 2, assignmentid: 10, coursename: 'Demo course: Film Studies', assignmentname: 'Final project video' };

export interface TokenRequest {
  scope: Scope;
  sub?: string;
  role?: 'student' | 'teacher' | 'admin';
  submissionid?: number;
  maxbytes?: number;
  fullname?: string;
  lifetime?: number;
  /** View tokens: may attach captions (Moodle sets it for a grader of the submission). */
  captions?: boolean;
}

export class EdgeRefusal extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

async function call<T>(edgeUrl: string, path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(`${edgeUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const json = (await res.json().catch(() => null)) as (T & Partial<ErrorBody>) | null;
  if (!res.ok) {
    throw new EdgeRefusal(res.status, json?.error?.code ?? 'UNKNOWN', json?.error?.message ?? `The edge answered ${res.status}.`);
  }
  return json as T;
}

export async function devToken(edgeUrl: string, req: TokenRequest): Promise<string> {
  const resource = req.scope === 'admin' ? {} : { courseid: DEMO_COURSE.courseid, assignmentid: DEMO_COURSE.assignmentid };
  const names = req.scope === 'upload' ? { coursename: DEMO_COURSE.coursename, assignmentname: DEMO_COURSE.assignmentname } : {};
  const { token } = await call<{ token: string }>(edgeUrl, '/dev/token', { body: { ...resource, ...names, ...req } });
  return token;
}

/** What Moodle does on "Save changes": claim the receipt with a server-only token. */
export async function claim(edgeUrl: string, submissionid: number, receipt: string): Promise<ClaimResponse> {
  const token = await devToken(edgeUrl, { scope: 'claim', submissionid });
  return call<ClaimResponse>(edgeUrl, '/api/claim', { token, body: { receipt } });
}

export async function currentVideo(edgeUrl: string, submissionid: number): Promise<VideoSummary | null> {
  const token = await devToken(edgeUrl, { scope: 'view', submissionid });
  return (await call<VideoSummaryResponse>(edgeUrl, `/api/video?submissionid=${submissionid}`, { token })).video;
}
