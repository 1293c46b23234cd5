import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import ts from 'typescript';
import * as contract from '../../edge/src/contract';
import { phpJson } from './php';

const CONTRACT_TS = new URL('../../edge/src/contract.ts', import.meta.url);

/** The members of a union of string literals, read from contract.ts itself (they are types, not values). */
function unionMembers(typeName: string): string[] {
  const source = ts.createSourceFile('contract.ts', readFileSync(CONTRACT_TS, 'utf8'), ts.ScriptTarget.Latest, true);
  for (const statement of source.statements) {
    if (ts.isTypeAliasDeclaration(statement) && statement.name.text === typeName && ts.isUnionTypeNode(statement.type)) {
      return statement.type.types.map((member) => {
        if (!ts.isLiteralTypeNode(member) || !ts.isStringLiteral(member.literal)) throw new Error(`${typeName} has a non-literal member`);
        return member.literal.text;
      });
    }
  }
  throw new Error(`contract.ts has no union type ${typeName}`);
}

describe('moodle-plugin/classes/contract.php mirrors edge/src/contract.ts', async () => {
  const php = await phpJson('contract');

  it('has the same upload limit and video types', () => {
    assert.equal(php.MAX_UPLOAD_BYTES, contract.MAX_UPLOAD_BYTES);
    assert.deepEqual(php.VIDEO_TYPES, contract.VIDEO_TYPES);
  });

  it('has the same audiences and receipt issuer', () => {
    assert.equal(php.TOKEN_AUDIENCE, contract.TOKEN_AUDIENCE);
    assert.equal(php.RECEIPT_AUDIENCE, contract.RECEIPT_AUDIENCE);
    assert.equal(php.RECEIPT_ISSUER, contract.RECEIPT_ISSUER);
  });

  it('has the same roles and scopes', () => {
    assert.deepEqual([...(php.ROLES as string[])].sort(), unionMembers('Role').sort());
    assert.deepEqual([...(php.SCOPES as string[])].sort(), unionMembers('Scope').sort());
  });

  it('has the same error codes with the same statuses, in the same order', () => {
    assert.deepEqual(Object.entries(php.ERROR_CODES as object), Object.entries(contract.ERROR_CODES));
  });

  it('has the same video statuses', () => {
    assert.deepEqual(php.VIDEO_STATUSES, [...contract.VIDEO_STATUSES]);
    assert.deepEqual([...contract.VIDEO_STATUSES].sort(), unionMembers('VideoStatus').sort());
  });

  it('has nothing contract.ts lacks', () => {
    const mirrored = ['MAX_UPLOAD_BYTES', 'VIDEO_TYPES', 'TOKEN_AUDIENCE', 'RECEIPT_AUDIENCE', 'RECEIPT_ISSUER', 'ROLES', 'SCOPES', 'ERROR_CODES', 'VIDEO_STATUSES'];
    assert.deepEqual(Object.keys(php).sort(), mirrored.sort());
  });
});
