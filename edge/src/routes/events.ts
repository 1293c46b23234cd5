import { Hono } from 'hono';
import { CLIENT_EVENT_TYPES, isOneOf } from '../contract';
import { ApiError } from '../errors';
import type { AppEnv } from '../http/app-env';
import { assertOwnIds, requireToken } from '../http/auth';
import { respond } from '../http/respond';
import { optionalInt, optionalNumber, optionalText, readJsonObject, text } from '../http/validate';
import { logEventWithinQuota, reportQuota } from '../services/events';
import { rateLimited, refuseIfBraked } from '../services/rate-limit';

/** Room for a browser's user agent and a few diagnostics; beyond that it is noise or abuse. */
const MAX_CONTEXT_BYTES = 4096;

export const events = new Hono<AppEnv>();

/**
 * POST /api/events: failures only the browser sees (S3 refusing a POST, a player error). The
 * identity comes from the token; everything in the body is stored as the
 * browser's report and trusted for nothing else.
 */
events.post('/', requireToken('upload', 'view', 'admin'), async (c) => {
  const { config, now, claims } = c.var;
  const quota = reportQuota(claims, config.limits.eventsPerHour, now);
  await refuseIfBraked(c.env.RATE_LIMITS, quota);
  const body = await readJsonObject(c);
  const eventType = text(body, 'event_type', 40);
  if (!isOneOf(CLIENT_EVENT_TYPES, eventType)) {
    throw new ApiError('INVALID_REQUEST', `event_type must be one of ${CLIENT_EVENT_TYPES.join(', ')}.`, 'event_type');
  }
  const assignmentid = optionalInt(body, 'assignmentid', 1, Number.MAX_SAFE_INTEGER);
  const submissionid = optionalInt(body, 'submissionid', 1, Number.MAX_SAFE_INTEGER);
  assertOwnIds(claims, { assignmentid, submissionid });
  const errorCode = optionalText(body, 'error_code', 64);
  if (errorCode !== undefined && !/^[A-Za-z0-9_.:-]+$/.test(errorCode)) {
    throw new ApiError('INVALID_REQUEST', 'error_code may hold only letters, digits and _.:-', 'error_code');
  }
  const context = body.error_context;
  if (context !== undefined && context !== null && (typeof context !== 'object' || Array.isArray(context))) {
    throw new ApiError('INVALID_REQUEST', 'error_context must be a JSON object.', 'error_context');
  }
  if (context && JSON.stringify(context).length > MAX_CONTEXT_BYTES) {
    throw new ApiError('INVALID_REQUEST', `error_context must be at most ${MAX_CONTEXT_BYTES} bytes of JSON.`, 'error_context');
  }
  const event = {
    site: claims.iss,
    userid: claims.sub,
    user_role: claims.role,
    event_type: eventType,
    assignmentid: assignmentid ?? ('assignmentid' in claims ? claims.assignmentid : null),
    submissionid: submissionid ?? ('submissionid' in claims ? claims.submissionid : null),
    s3_key: optionalText(body, 's3_key', 1024) ?? null,
    error_code: errorCode ?? null,
    error_message: optionalText(body, 'error_message', 1000) ?? null,
    error_context: (context as Record<string, unknown> | undefined) ?? null,
    file_size: optionalInt(body, 'file_size', 0, Number.MAX_SAFE_INTEGER) ?? null,
    duration: optionalNumber(body, 'duration', 0, 86400) ?? null,
    retry_count: optionalInt(body, 'retry_count', 0, 1000) ?? null,
    timestamp: now,
  };
  const logged = await logEventWithinQuota(c.env.DB, c.env.RATE_LIMITS, quota, event);
  if (!logged.won) throw rateLimited('event', logged.retryAfter);
  return respond<'POST /api/events'>(c, { success: true }, 201);
});
