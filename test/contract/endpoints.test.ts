import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { app } from '../../edge/src/app';
import { ENDPOINT_SCOPES, SCOPES, isOneOf, type Endpoint, type Scope } from '../../edge/src/contract';

const README = new URL('../../README.md', import.meta.url);
const table = ENDPOINT_SCOPES as Record<Endpoint, readonly Scope[]>;
const endpoints = Object.keys(table).sort();

/** `METHOD /path` → the scopes of the requireToken middleware on that route (none: no middleware). */
function servedRoutes(): Map<string, Array<readonly Scope[]>> {
  const served = new Map<string, Array<readonly Scope[]>>();
  for (const route of app.routes) {
    const scopes = (route.handler as { scopes?: readonly Scope[] }).scopes;
    if (route.method === 'ALL') {
      // Middleware for a whole prefix (CORS, the dev guard) may not admit tokens: scopes belong on each route.
      assert.equal(scopes, undefined, `${route.path}: requireToken must sit on each route, not on a prefix`);
      continue;
    }
    const key = `${route.method} ${route.path}`;
    const list = served.get(key) ?? [];
    if (scopes) list.push(scopes);
    served.set(key, list);
  }
  return served;
}

/**
 * The README's endpoint table (under "## The edge API"): `METHOD /path?query` → the scopes in
 * its token column, with parenthesised notes dropped; `none` is no token.
 */
function readmeEndpoints(): Map<string, string[]> {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## The edge API'));
  const rows = section.slice(0, section.indexOf('\n## ')).split('\n').filter((line) => /^\| `[A-Z]+ \//.test(line));
  const listed = new Map<string, string[]>();
  for (const row of rows) {
    const [, endpoint, token] = row.split(/(?<!\\)\|/).map((cell) => cell.trim());
    const key = endpoint!.replace(/`/g, '').replace(/\?.*$/, '');
    assert.ok(!listed.has(key), `README lists ${key} twice`);
    const scopes = token!.replace(/\([^)]*\)/g, '').split(',').map((s) => s.trim()).filter((s) => s !== 'none');
    listed.set(key, scopes);
  }
  return listed;
}

describe('the endpoint table (contract.ts) is what the edge serves and what the README says', () => {
  it('the worker serves exactly the endpoints of the table', () => {
    assert.deepEqual([...servedRoutes().keys()].sort(), endpoints);
  });

  it('each route admits exactly the scopes the table gives it', () => {
    const served = servedRoutes();
    for (const endpoint of endpoints) {
      const wanted = table[endpoint as Endpoint];
      const guards = served.get(endpoint) ?? [];
      assert.deepEqual(guards, wanted.length === 0 ? [] : [wanted], `${endpoint} is guarded by ${JSON.stringify(guards)}`);
    }
  });

  it("the README's endpoint table lists the same endpoints with the same token scopes", () => {
    const listed = readmeEndpoints();
    assert.deepEqual([...listed.keys()].sort(), endpoints);
    for (const [endpoint, scopes] of listed) {
      for (const scope of scopes) assert.ok(isOneOf(SCOPES, scope), `README: ${endpoint} names "${scope}", which is not a scope`);
      assert.deepEqual([...scopes].sort(), [...table[endpoint as Endpoint]].sort(), `README: ${endpoint}`);
    }
  });
});
