import { Hono } from 'hono';
import { sign } from 'hono/jwt';
import { MAX_TOKEN_LIFETIME_SECONDS, MAX_UPLOAD_BYTES, SCOPES, TOKEN_AUDIENCE, isOneOf, type Role, type Scope } from '../contract';
import { ApiError } from '../errors';
import type { AppEnv } from '../http/app-env';
import { respond } from '../http/respond';
import { optionalInt, optionalText, readJsonObject, text } from '../http/validate';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;
const ROLE_OF: Record<Scope, Role> = { upload: 'student', view: 'teacher', admin: 'admin', claim: 'admin', server: 'admin' };
/** The lifetimes Moodle's token_issuer gives each scope. */
const LIFETIME_OF: Record<Scope, number> = { upload: 6 * 3600, view: 900, admin: 900, claim: 300, server: 300 };

/**
 * POST /dev/token plays Moodle's part for the demo pages: signs tokens as the PHP shell
 * would. It exists only with DEV_MODE on and answers only loopback callers;
 * anywhere else it is the same 404 as any unknown path, so a production
 * worker does not even reveal it.
 */
export const dev = new Hono<AppEnv>();

dev.use('*', async (c, next) => {
  const host = new URL(c.req.url).hostname.replace(/^\[|\]$/g, '');
  const caller = c.req.header('CF-Connecting-IP') ?? host;
  if (!c.var.config.devMode || !LOOPBACK.test(host) || !LOOPBACK.test(caller)) {
    throw new ApiError('NOT_FOUND', 'There is no such endpoint.');
  }
  await next();
});

dev.post('/token', async (c) => {
  const body = await readJsonObject(c);
  const scope = text(body, 'scope', 10);
  if (!isOneOf(SCOPES, scope)) throw new ApiError('INVALID_REQUEST', `scope must be one of ${SCOPES.join(', ')}.`, 'scope');
  const now = c.var.now;
  const resource = scope === 'admin' || scope === 'server' ? {} : {
    courseid: optionalInt(body, 'courseid', 1, 1e9) ?? 2,
    assignmentid: optionalInt(body, 'assignmentid', 1, 1e9) ?? 10,
    submissionid: optionalInt(body, 'submissionid', 1, 1e9) ?? 100,
  };
  const names = scope === 'upload' ? {
    maxbytes: optionalInt(body, 'maxbytes', 1, MAX_UPLOAD_BYTES) ?? MAX_UPLOAD_BYTES,
    coursename: optionalText(body, 'coursename', 200) ?? 'Demo course: Film Studies',
    assignmentname: optionalText(body, 'assignmentname', 200) ?? 'Final project video',
    fullname: optionalText(body, 'fullname', 200) ?? 'Sam Student',
  } : {};
  // Moodle's token_issuer sets it for a grader, or the owner who may still edit (ViewClaims.captions).
  const captions = scope === 'view' && body.captions === true ? { captions: true } : {};
  // Never longer than the edge accepts: a demo token must work like one from Moodle.
  const lifetime = optionalInt(body, 'lifetime', 1, MAX_TOKEN_LIFETIME_SECONDS[scope]) ?? LIFETIME_OF[scope];
  const token = await sign(
    {
      iss: c.var.config.issuers[0]!,
      aud: TOKEN_AUDIENCE,
      sub: optionalText(body, 'sub', 18) ?? (scope === 'upload' ? '3' : '2'),
      role: (optionalText(body, 'role', 10) as Role | undefined) ?? ROLE_OF[scope],
      scope,
      iat: now,
      exp: now + lifetime,
      ...resource,
      ...names,
      ...captions,
    },
    c.var.config.secret,
    'HS256',
  );
  return respond<'POST /dev/token'>(c, { token });
});
