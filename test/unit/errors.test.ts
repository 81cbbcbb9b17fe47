import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CODES, PortcullisError, invalidTarget, isPortcullisError } from '../../src/core/errors.js';

test('errors doc lists every code with its exit code, and nothing else', () => {
  const doc = readFileSync(new URL('../../docs/reference/errors.md', import.meta.url), 'utf8');
  const documented = [...doc.matchAll(/^\| `(PC_[A-Z_]+)` \| (\d+) \|/gm)].map((m) => [m[1], Number(m[2])]);
  const inCode = Object.entries(ERROR_CODES).map(([code, v]) => [code, v.exit]);
  assert.deepEqual(documented.sort(), inCode.sort());
});

test('errors carry code, subject and exit code', () => {
  const e = invalidTarget('198.18.0.300', 'octet 300 is out of range');
  assert.ok(isPortcullisError(e, 'PC_INVALID_TARGET'));
  assert.equal(e.message, 'invalid target "198.18.0.300": octet 300 is out of range');
  assert.equal(e.subject, '198.18.0.300');
  assert.equal(e.exitCode, 2);
  assert.equal(new PortcullisError('PC_ABORTED', 'x').exitCode, 130);
  assert.equal(isPortcullisError(new Error('x')), false);
});
