import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Endpoint, EndpointResponse } from '../contract';

/**
 * Answers `endpoint` with `body`, typed by the contract's endpoint table:
 * `respond<'GET /api/ping'>(c, {…})`. The endpoint must be named (it defaults to none, whose
 * answer is `never`), so an answer cannot drift from the table without the compiler noticing.
 */
export function respond<K extends Endpoint = never>(c: Context, body: NoInfer<EndpointResponse<K>>, status?: ContentfulStatusCode) {
  return c.json(body as EndpointResponse<K>, status);
}
