import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { sign } from 'hono/jwt';
import { MAX_TOKEN_LIFETIME_SECONDS, MAX_UPLOAD_BYTES, type Scope } from '../../edge/src/contract';
import { countRows, errorOf, uploadVideo } from '../support/stack';
import { stackPerFile, emptyStack } from '../support/stack-per-file';
import { SITE, token } from '../support/tokens';

const stack = stackPerFile();
beforeEach(async () => {
  // Each case must leave nothing behind; start from empty tables and limits.
  await emptyStack(stack);
});

const valid = { assignmentid: 10, submissionid: 100, filename: 'clip.mp4', filesize: 1000, mimetype: 'video/mp4' };

async function expectRefusal(
  res: Response,
  status: number,
  code: string,
  field?: string,
): Promise<void> {
  const err = await errorOf(res);
  assert.equal(err.status, status, JSON.stringify(err));
  assert.equal(err.code, code, JSON.stringify(err));
  assert.ok(err.message.length > 10, 'a message a person can read');
  if (field) assert.equal(err.field, field);
  assert.deepEqual(await countRows(stack.edge.db), { videos: 0, events: 0 }, 'nothing written');
}

describe('tokens: every forgery is refused and nothing is written', () => {
  const upload = (init: { token?: string; headers?: Record<string, string> }) =>
    stack.edge.fetch('/api/upload-url', { body: valid, ...init });

  it('no token → 401 MISSING_TOKEN', async () => {
    await expectRefusal(await upload({}), 401, 'MISSING_TOKEN');
  });
  it('not a Bearer header → 401 MISSING_TOKEN', async () => {
    await expectRefusal(await upload({ headers: { Authorization: 'Basic abc' } }), 401, 'MISSING_TOKEN');
  });
  it('garbage token → 401 INVALID_TOKEN', async () => {
    await expectRefusal(await upload({ token: 'not.a.jwt' }), 401, 'INVALID_TOKEN');
  });
  it('signed with another secret → 401 INVALID_TOKEN', async () => {
    await expectRefusal(await upload({ token: await token('x'.repeat(40), { scope: 'upload' }) }), 401, 'INVALID_TOKEN');
  });
  it('payload edited after signing → 401 INVALID_TOKEN', async () => {
    const good = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '5' });
    const [h, p, s] = good.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims.sub = '6';
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    await expectRefusal(await upload({ token: forged }), 401, 'INVALID_TOKEN');
  });
  it('alg none → 401 INVALID_TOKEN', async () => {
    const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
    const body = Buffer.from(JSON.stringify({ iss: SITE, aud: 's3video', sub: '1', scope: 'upload', role: 'student', exp: 9e9, iat: 1 })).toString('base64url');
    await expectRefusal(await upload({ token: `${header}.${body}.` }), 401, 'INVALID_TOKEN');
  });
  it('expired → 401 TOKEN_EXPIRED', async () => {
    await expectRefusal(await upload({ token: await token(stack.secrets.sharedSecret, { scope: 'upload', lifetime: -10 }) }), 401, 'TOKEN_EXPIRED');
  });
  it('wrong audience → 401 INVALID_TOKEN', async () => {
    await expectRefusal(await upload({ token: await token(stack.secrets.sharedSecret, { scope: 'upload', aud: 's3video-receipt' }) }), 401, 'INVALID_TOKEN');
  });
  it('a site the edge does not serve → 401 INVALID_TOKEN', async () => {
    await expectRefusal(await upload({ token: await token(stack.secrets.sharedSecret, { scope: 'upload', iss: 'https://evil.example' }) }), 401, 'INVALID_TOKEN');
  });
  it('issued in the future → 401 INVALID_TOKEN', async () => {
    const now = Math.floor(Date.now() / 1000);
    const t = await sign({ iss: SITE, aud: 's3video', sub: '1', role: 'student', scope: 'upload', courseid: 2, assignmentid: 10, submissionid: 100, maxbytes: 10, iat: now + 3600, exp: now + 7200 }, stack.secrets.sharedSecret, 'HS256');
    await expectRefusal(await upload({ token: t }), 401, 'INVALID_TOKEN');
  });
  it('upload token without maxbytes → 401 INVALID_TOKEN', async () => {
    await expectRefusal(await upload({ token: await token(stack.secrets.sharedSecret, { scope: 'upload', extra: { maxbytes: undefined } }) }), 401, 'INVALID_TOKEN');
  });
  it('a view token cannot start an upload → 403 WRONG_SCOPE', async () => {
    await expectRefusal(await upload({ token: await token(stack.secrets.sharedSecret, { scope: 'view' }) }), 403, 'WRONG_SCOPE');
  });
  it('an upload token cannot read admin data → 403 WRONG_SCOPE', async () => {
    const res = await stack.edge.fetch('/api/admin/videos', { token: await token(stack.secrets.sharedSecret, { scope: 'upload' }) });
    await expectRefusal(res, 403, 'WRONG_SCOPE');
  });
  it("another submission than the token's → 403 FORBIDDEN", async () => {
    const t = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 100 });
    await expectRefusal(await stack.edge.fetch('/api/upload-url', { token: t, body: { ...valid, submissionid: 101 } }), 403, 'FORBIDDEN', 'submissionid');
    await expectRefusal(await stack.edge.fetch('/api/upload-url', { token: t, body: { ...valid, assignmentid: 11 } }), 403, 'FORBIDDEN', 'assignmentid');
  });
  it("playback of another submission → 403 FORBIDDEN", async () => {
    const t = await token(stack.secrets.sharedSecret, { scope: 'view', submissionid: 100 });
    await expectRefusal(await stack.edge.fetch('/api/playback-url?submissionid=101', { token: t }), 403, 'FORBIDDEN');
  });
});

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Spellings of a JWS's signature that decode to the same bytes but are not its canonical
 * base64url (RFC 7515 §2): padded, non-zero unused trailing bits, the `+`/`/` alphabet.
 */
function nonCanonicalVariants(jws: string): Array<[string, string]> {
  const [h, p, sig] = jws.split('.') as [string, string, string];
  // HS256: 32 bytes → 43 characters, the last carrying 4 bits of data and 2 unused ones.
  assert.equal(sig.length, 43);
  const last = BASE64URL.indexOf(sig.at(-1)!);
  const out: Array<[string, string]> = [['padded with =', `${sig}=`], ['padded with ==', `${sig}==`]];
  for (let bits = 1; bits < 4; bits++) out.push([`unused bits ${bits}`, sig.slice(0, -1) + BASE64URL[(last & ~3) | bits]!]);
  if (/[-_]/.test(sig)) out.push(['+/ alphabet', sig.replace(/-/g, '+').replace(/_/g, '/')]);
  return out.map(([name, variant]) => [name, `${h}.${p}.${variant}`]);
}

/** A token whose signature holds a `-` or `_`, so its `+`/`/` spelling can be tried too. */
async function tokenWithUrlSafeChars(secret: string, o: Parameters<typeof token>[1]): Promise<string> {
  for (let i = 0; ; i++) {
    const t = await token(secret, { ...o, extra: { ...o.extra, jti: String(i) } });
    if (/[-_]/.test(t.split('.')[2]!)) return t;
  }
}

describe('tokens and receipts verify only in their canonical encoding', () => {
  it('every non-canonical spelling of a valid signature → 401 INVALID_TOKEN', async () => {
    const good = await tokenWithUrlSafeChars(stack.secrets.sharedSecret, { scope: 'upload' });
    const variants = nonCanonicalVariants(good);
    assert.equal(variants.length, 6);
    for (const [name, forged] of variants) {
      const err = await errorOf(await stack.edge.fetch('/api/upload-url', { token: forged, body: valid }));
      assert.deepEqual([err.status, err.code], [401, 'INVALID_TOKEN'], name);
    }
    assert.deepEqual(await countRows(stack.edge.db), { videos: 0, events: 0 }, 'nothing written');
    // The canonical spelling itself still verifies.
    assert.equal((await stack.edge.fetch('/api/upload-url', { token: good, body: valid })).status, 201);
  });

  it('every non-canonical spelling of a receipt → 401 INVALID_TOKEN; the canonical one claims', async () => {
    let { receipt } = await uploadVideo(stack, { submissionid: 100 });
    while (!/[-_]/.test(receipt.split('.')[2]!)) {
      await stack.edge.db.batch([stack.edge.db.prepare('DELETE FROM videos'), stack.edge.db.prepare('DELETE FROM events')]);
      ({ receipt } = await uploadVideo(stack, { submissionid: 100 }));
    }
    const claimToken = await token(stack.secrets.sharedSecret, { scope: 'claim', submissionid: 100 });
    for (const [name, forged] of nonCanonicalVariants(receipt)) {
      const err = await errorOf(await stack.edge.fetch('/api/claim', { token: claimToken, body: { receipt: forged } }));
      assert.deepEqual([err.status, err.code], [401, 'INVALID_TOKEN'], name);
    }
    assert.equal((await stack.edge.fetch('/api/claim', { token: claimToken, body: { receipt } })).status, 200);
  });
});

describe('token lifetime: no scope may outlive MAX_TOKEN_LIFETIME_SECONDS', () => {
  /** A request each scope may make that needs nothing else to exist; 401 means the token was refused. */
  const probe: Record<Scope, (t: string) => Promise<Response>> = {
    upload: (t) => stack.edge.fetch('/api/video?submissionid=100', { token: t }),
    view: (t) => stack.edge.fetch('/api/video?submissionid=100', { token: t }),
    admin: (t) => stack.edge.fetch('/api/ping', { token: t }),
    claim: (t) => stack.edge.fetch('/api/claim', { token: t, body: {} }),
    server: (t) => stack.edge.fetch('/api/video-status', { token: t, body: {} }),
  };
  const accepted: Record<Scope, number> = { upload: 200, view: 200, admin: 200, claim: 400, server: 400 };

  for (const scope of Object.keys(MAX_TOKEN_LIFETIME_SECONDS) as Scope[]) {
    const max = MAX_TOKEN_LIFETIME_SECONDS[scope];
    it(`${scope}: ${max} s is accepted, ${max + 1} s → 401 INVALID_TOKEN`, async () => {
      // Issued a little in the past so the longest token is not also at the edge of "from the future".
      const iat = Math.floor(Date.now() / 1000) - 5;
      const atMax = await token(stack.secrets.sharedSecret, { scope, iat, lifetime: max });
      assert.equal((await probe[scope](atMax)).status, accepted[scope]);
      const over = await token(stack.secrets.sharedSecret, { scope, iat, lifetime: max + 1 });
      const err = await errorOf(await probe[scope](over));
      assert.deepEqual([err.status, err.code], [401, 'INVALID_TOKEN'], err.message);
    });
  }

  it('a 100-year admin token → 401 INVALID_TOKEN', async () => {
    const t = await token(stack.secrets.sharedSecret, { scope: 'admin', lifetime: 100 * 365 * 86400 });
    const err = await errorOf(await stack.edge.fetch('/api/admin/videos', { token: t }));
    assert.deepEqual([err.status, err.code], [401, 'INVALID_TOKEN']);
  });
});

describe('upload-url: every malformed field gets its status and code, and nothing is written', () => {
  const post = async (body: unknown) =>
    stack.edge.fetch('/api/upload-url', { token: await token(stack.secrets.sharedSecret, { scope: 'upload', maxbytes: 10_000 }), body });

  it('malformed JSON → 400 INVALID_JSON', async () => {
    await expectRefusal(await post('{"assignmentid": 10,'), 400, 'INVALID_JSON');
  });
  it('a JSON array → 400 INVALID_JSON', async () => {
    await expectRefusal(await post('[1,2]'), 400, 'INVALID_JSON');
  });
  it('an oversized body → 413 REQUEST_TOO_LARGE', async () => {
    await expectRefusal(await post({ ...valid, filename: `${'a'.repeat(20000)}.mp4` }), 413, 'REQUEST_TOO_LARGE');
  });
  const cases: Array<[string, Record<string, unknown>, number, string, string]> = [
    ['missing assignmentid', { assignmentid: undefined }, 400, 'INVALID_REQUEST', 'assignmentid'],
    ['string submissionid', { submissionid: '100' }, 400, 'INVALID_REQUEST', 'submissionid'],
    ['fractional filesize', { filesize: 10.5 }, 400, 'INVALID_REQUEST', 'filesize'],
    ['negative filesize', { filesize: -1 }, 400, 'INVALID_REQUEST', 'filesize'],
    ['empty file', { filesize: 0 }, 400, 'INVALID_REQUEST', 'filesize'],
    ['missing filename', { filename: undefined }, 400, 'INVALID_REQUEST', 'filename'],
    ['blank filename', { filename: '   ' }, 400, 'INVALID_REQUEST', 'filename'],
    ['filename too long', { filename: `${'a'.repeat(300)}.mp4` }, 400, 'INVALID_REQUEST', 'filename'],
    ['missing mimetype', { mimetype: undefined }, 400, 'INVALID_REQUEST', 'mimetype'],
    ["over the token's limit", { filesize: 10_001 }, 413, 'FILE_TOO_LARGE', 'filesize'],
    ['not a video extension', { filename: 'notes.pdf', mimetype: 'application/pdf' }, 415, 'UNSUPPORTED_TYPE', 'filename'],
    ['no extension', { filename: 'clip' }, 415, 'UNSUPPORTED_TYPE', 'filename'],
    ['video extension, other type', { filename: 'clip.mp4', mimetype: 'application/x-msdownload' }, 415, 'UNSUPPORTED_TYPE', 'mimetype'],
    ['type of another container', { filename: 'clip.mov', mimetype: 'video/mp4' }, 415, 'UNSUPPORTED_TYPE', 'mimetype'],
  ];
  for (const [name, change, status, code, field] of cases) {
    it(`${name} → ${status} ${code}`, async () => {
      await expectRefusal(await post({ ...valid, ...change }), status, code, field);
    });
  }

  it('accepts every allowed container with its browser MIME types', async () => {
    const t = await token(stack.secrets.sharedSecret, { scope: 'upload', maxbytes: 10_000 });
    for (const [filename, mimetype] of [['a.MP4', 'video/mp4'], ['b.mov', 'video/quicktime'], ['c.avi', 'video/x-msvideo'], ['d.mkv', 'video/x-matroska'], ['e.webm', 'video/webm'], ['f.avi', 'video/avi']]) {
      const res = await stack.edge.fetch('/api/upload-url', { token: t, body: { ...valid, filename, mimetype } });
      assert.equal(res.status, 201, `${filename} ${mimetype}: ${await res.text()}`);
    }
  });

  it('never presigns more than 5 GiB, whatever the token claims', async () => {
    const t = await token(stack.secrets.sharedSecret, { scope: 'upload', maxbytes: MAX_UPLOAD_BYTES * 2 });
    const res = await stack.edge.fetch('/api/upload-url', { token: t, body: { ...valid, filesize: MAX_UPLOAD_BYTES + 1 } });
    await expectRefusal(res, 413, 'FILE_TOO_LARGE', 'filesize');
  });
});

describe('rate limits', () => {
  it('the 11th upload session in an hour → 429 with Retry-After, and no 11th record', async () => {
    const t = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '77' });
    for (let i = 0; i < 10; i++) {
      const res = await stack.edge.fetch('/api/upload-url', { token: t, body: valid });
      assert.equal(res.status, 201);
    }
    const eleventh = await stack.edge.fetch('/api/upload-url', { token: t, body: valid });
    const retryAfter = Number(eleventh.headers.get('Retry-After'));
    assert.ok(retryAfter > 3500 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
    const err = await errorOf(eleventh);
    assert.equal(err.status, 429);
    assert.equal(err.code, 'RATE_LIMITED');
    assert.equal((await countRows(stack.edge.db)).videos, 10);
    // Another user is not held back by the first one's limit.
    const other = await token(stack.secrets.sharedSecret, { scope: 'upload', sub: '78' });
    assert.equal((await stack.edge.fetch('/api/upload-url', { token: other, body: valid })).status, 201);
  });
});

describe('unknown routes and the error envelope', () => {
  it('an unknown path → 404 NOT_FOUND in the envelope', async () => {
    const err = await errorOf(await stack.edge.fetch('/api/nothing-here'));
    assert.equal(err.status, 404);
    assert.equal(err.code, 'NOT_FOUND');
  });
  it('CORS: the configured origin may call, another may not', async () => {
    const pre = await stack.edge.fetch('/api/upload-url', { method: 'OPTIONS', headers: { Origin: 'http://127.0.0.1:8789', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(pre.headers.get('Access-Control-Allow-Origin'), 'http://127.0.0.1:8789');
    const evil = await stack.edge.fetch('/api/upload-url', { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(evil.headers.get('Access-Control-Allow-Origin'), null);
  });
});
