import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_CODES, type ErrorBody, type ErrorCode } from './contract';

/**
 * The edge's one error vocabulary, below every layer: services refuse with an ApiError, and
 * app.ts's onError turns it into the one JSON envelope (`ErrorBody`). It lives outside http/ so
 * that services, which know nothing of requests, can still name what went wrong.
 */

/** An expected refusal: its code fixes the status, so the two never disagree. */
export class ApiError extends HTTPException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(ERROR_CODES[code] as ContentfulStatusCode, { message });
  }

  body(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

export function errorResponse(err: ApiError): Response {
  return new Response(JSON.stringify(err.body()), {
    status: err.status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...err.headers },
  });
}
