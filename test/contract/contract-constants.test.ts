import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as contract from '../../edge/src/contract';
import { phpJson } from './php';

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

  it('has the same roles and scopes, in the same order', () => {
    assert.deepEqual(php.ROLES, [...contract.ROLES]);
    assert.deepEqual(php.SCOPES, [...contract.SCOPES]);
  });

  it('has the same error codes with the same statuses, in the same order', () => {
    assert.deepEqual(Object.entries(php.ERROR_CODES as object), Object.entries(contract.ERROR_CODES));
  });

  it('has the same video statuses', () => {
    assert.deepEqual(php.VIDEO_STATUSES, [...contract.VIDEO_STATUSES]);
  });

  it('has nothing contract.ts lacks', () => {
    const mirrored = ['MAX_UPLOAD_BYTES', 'VIDEO_TYPES', 'TOKEN_AUDIENCE', 'RECEIPT_AUDIENCE', 'RECEIPT_ISSUER', 'ROLES', 'SCOPES', 'ERROR_CODES', 'VIDEO_STATUSES'];
    assert.deepEqual(Object.keys(php).sort(), mirrored.sort());
  });
});
