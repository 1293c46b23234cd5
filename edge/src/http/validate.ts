import type { Context } from 'hono';
import { ApiError } from '../errors';

export type Fields = Record<string, unknown>;

/** Bodies are a few hundred bytes; anything much larger is not a client of ours. */
const MAX_BODY_BYTES = 16 * 1024;

/** `maxBytes` is for the few server-to-server bodies that carry a list (video-status: ≤ 1000 ids). */
export async function readJsonObject(c: Context, maxBytes = MAX_BODY_BYTES): Promise<Fields> {
  const text = await c.req.text();
  if (text.length > maxBytes) {
    throw new ApiError('REQUEST_TOO_LARGE', `The request body is over ${maxBytes} bytes.`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError('INVALID_JSON', 'The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError('INVALID_JSON', 'The request body must be a JSON object.');
  }
  return body as Fields;
}

function invalid(field: string, message: string): never {
  throw new ApiError('INVALID_REQUEST', message, field);
}

export function int(fields: Fields, name: string, min: number, max: number): number {
  const value = fields[name];
  if (value === undefined || value === null) invalid(name, `${name} is required.`);
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) invalid(name, `${name} must be a whole number.`);
  if (value < min || value > max) invalid(name, `${name} must be from ${min} to ${max}.`);
  return value;
}

export function optionalInt(fields: Fields, name: string, min: number, max: number): number | undefined {
  return fields[name] === undefined || fields[name] === null ? undefined : int(fields, name, min, max);
}

export function optionalNumber(fields: Fields, name: string, min: number, max: number): number | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    invalid(name, `${name} must be a number from ${min} to ${max}.`);
  }
  return value;
}

export function text(fields: Fields, name: string, maxLength: number): string {
  const value = fields[name];
  if (value === undefined || value === null) invalid(name, `${name} is required.`);
  if (typeof value !== 'string' || value.trim() === '') invalid(name, `${name} must be a non-empty string.`);
  if (value.length > maxLength) invalid(name, `${name} must be at most ${maxLength} characters.`);
  return value;
}

export function optionalText(fields: Fields, name: string, maxLength: number): string | undefined {
  return fields[name] === undefined || fields[name] === null ? undefined : text(fields, name, maxLength);
}

/** Query parameters arrive as strings; ids must still be plain positive integers. */
export function queryInt(raw: string | undefined, name: string, min: number, max: number, fallback?: number): number {
  if (raw === undefined || raw === '') {
    if (fallback !== undefined) return fallback;
    invalid(name, `${name} is required.`);
  }
  if (!/^\d{1,16}$/.test(raw)) invalid(name, `${name} must be a whole number.`);
  return int({ [name]: Number(raw) }, name, min, max);
}
