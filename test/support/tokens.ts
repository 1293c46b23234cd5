import { sign } from 'hono/jwt';
import { MAX_UPLOAD_BYTES, TOKEN_AUDIENCE, type Role, type Scope } from '../../edge/src/contract';

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
  lifetime?: number;
  extra?: Record<string, unknown>;
}

/** Signs a token as the Moodle shell would; options let a test forge any one claim. */
export function token(secret: string, o: TokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
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
      exp: now + (o.lifetime ?? 3600),
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
