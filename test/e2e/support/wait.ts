import { E2E_WAIT_MS } from './browser';

/** Polls a condition seen from the test's side (requests recorded, rows in D1) until it holds, or fails naming it. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = E2E_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { iat: number; exp: number };

/** A token's own `exp` (seconds since the epoch), read from its payload. */
export const expiryOf = (token: string): number => claimsOf(token).exp;

/** How long a token was issued for, in seconds (`exp - iat`). */
export function lifetimeOf(token: string): number {
  const { iat, exp } = claimsOf(token);
  return exp - iat;
}

/** Waits until the token has expired as the edge judges it (`exp <= now`, the same clock on this machine). */
export async function untilExpired(token: string): Promise<void> {
  const exp = expiryOf(token);
  // A token that lives on for longer than a wait may last is the wrong token: fail, never hang.
  if (exp * 1000 - Date.now() > E2E_WAIT_MS) throw new Error(`the token expires only at ${new Date(exp * 1000).toISOString()}`);
  await until(() => Date.now() >= exp * 1000, `the token to expire (exp ${exp})`);
}
