import { createHash } from 'node:crypto';
import type { MultipartStartResponse } from '../../edge/src/contract';
import { multipartEtag, type Stack } from './stack';

/** A multipart session through the edge: start, sign, send parts (not completed). */
export interface MultipartSession {
  start: MultipartStartResponse;
  token: string;
  ids: { assignmentid: number; submissionid: number };
  parts: Buffer[];
  /** The confirm request's body for these bytes (the composite ETag as md5). */
  confirmBody: Record<string, unknown>;
}

const contentMd5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('base64');

/**
 * Part URLs for the given parts. The body names each part with its Content-MD5 (the contract's
 * `parts`) and, for servers still on the older shape, its number (`part_numbers`).
 */
export async function signParts(stack: Stack, s: Pick<MultipartSession, 'start' | 'token' | 'ids' | 'parts'>, numbers: number[]): Promise<Record<string, string>> {
  const res = await stack.edge.fetch('/api/multipart/sign-parts', {
    token: s.token,
    body: {
      ...s.ids, s3_key: s.start.s3_key, part_numbers: numbers,
      parts: numbers.map((n) => ({ part_number: n, md5: contentMd5(s.parts[n - 1]!) })),
    },
  });
  if (res.status !== 200) throw new Error(`sign-parts: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { urls: Record<string, string> }).urls;
}

/** A part as the browser sends it: its exact bytes with their Content-MD5. */
export function putPart(url: string, bytes: Buffer): Promise<Response> {
  return fetch(url, { method: 'PUT', body: new Uint8Array(bytes), headers: { 'Content-MD5': contentMd5(bytes) } });
}

export async function startMultipart(stack: Stack, token: string, ids: MultipartSession['ids'], bytes: Buffer): Promise<MultipartSession> {
  const res = await stack.edge.fetch('/api/multipart/start', {
    token,
    body: { ...ids, filename: 'lecture.mp4', filesize: bytes.length, mimetype: 'video/mp4' },
  });
  if (res.status !== 201) throw new Error(`multipart/start: ${res.status} ${await res.text()}`);
  const start = (await res.json()) as MultipartStartResponse;
  const parts = Array.from({ length: start.part_count }, (_, i) => bytes.subarray(i * start.part_size, (i + 1) * start.part_size));
  return {
    start, token, ids, parts,
    confirmBody: { ...ids, s3_key: start.s3_key, filesize: bytes.length, md5: multipartEtag(parts) },
  };
}

/** Starts a session and sends every part; the caller completes it. */
export async function sendMultipart(stack: Stack, token: string, ids: MultipartSession['ids'], bytes: Buffer): Promise<MultipartSession> {
  const s = await startMultipart(stack, token, ids, bytes);
  const urls = await signParts(stack, s, s.parts.map((_, i) => i + 1));
  for (const [i, part] of s.parts.entries()) {
    const res = await putPart(urls[String(i + 1)]!, part);
    if (res.status !== 200) throw new Error(`part ${i + 1}: ${res.status} ${await res.text()}`);
  }
  return s;
}

export function multipartOp(stack: Stack, s: Pick<MultipartSession, 'start' | 'token' | 'ids'>, op: 'complete' | 'abort'): Promise<Response> {
  return stack.edge.fetch(`/api/multipart/${op}`, { token: s.token, body: { ...s.ids, s3_key: s.start.s3_key } });
}
