import { sign } from 'hono/jwt';
import { MAX_TOKEN_LIFETIME_SECONDS, MAX_UPLOAD_BYTES, TOKEN_AUDIENCE, type Role, type Scope } from '../../edge/src/contract';

export const SITE = 'http://moodle.test';

export interface TokenOptions {
  scope: Scope;
  sub?: string;
  role?: Role;
  courseid?: number;
  assignmentid?: number;
  submissionid?: number;
  maxbytes?: number;
  iss?: string;
  aud?: string;
  /** Seconds from iat to exp; by default an hour, or the scope's maximum if that is shorter. */
  lifetime?: number;
  /** The issue time, Unix seconds; now by default. */
  iat?: number;
  extra?: Record<string, unknown>;
}

/** Signs a token as the Moodle shell would; options let a test forge any one claim. */
export function token(secret: string, o: TokenOptions): Promise<string> {
  const now = o.iat ?? Math.floor(Date.now() / 1000);
  const resource = o.scope === 'admin' ? {} : {
    courseid: o.courseid ?? 2,
    assignmentid: o.assignmentid ?? 10,
    submissionid: o.submissionid ?? 100,
  };
  return sign(
    {
      iss: o.iss ?? SITE,
      aud: o.aud ?? TOKEN_AUDIENCE,
      sub: o.sub ?? '42',
      role: o.role ?? (o.scope === 'admin' ? 'admin' : o.scope === 'view' ? 'teacher' : 'student'),
      scope: o.scope,
      iat: now,
      exp: now + (o.lifetime ?? Math.min(3600, MAX_TOKEN_LIFETIME_SECONDS[o.scope])),
      ...resource,
      ...(o.scope === 'upload'
        ? { maxbytes: o.maxbytes ?? MAX_UPLOAD_BYTES, coursename: 'Film 101', assignmentname: 'Final cut', fullname: 'Ada Student' }
        : {}),
      ...o.extra,
    },
    secret,
    'HS256',
  );
}
