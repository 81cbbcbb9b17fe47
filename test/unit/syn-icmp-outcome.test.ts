import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unreachReason } from '../../src/scan/raw/icmp-outcome.js';

const cases: { family: 4 | 6; type: number; code: number; reason: string | null }[] = [
  { family: 4, type: 3, code: 0, reason: 'net-unreach' },
  { family: 4, type: 3, code: 1, reason: 'host-unreach' },
  { family: 4, type: 3, code: 2, reason: 'proto-unreach' },
  { family: 4, type: 3, code: 3, reason: 'port-unreach' },
  { family: 4, type: 3, code: 4, reason: null },
  { family: 4, type: 3, code: 9, reason: 'net-prohibited' },
  { family: 4, type: 3, code: 10, reason: 'host-prohibited' },
  { family: 4, type: 3, code: 13, reason: 'admin-prohibited' },
  { family: 4, type: 3, code: 99, reason: null },
  { family: 4, type: 11, code: 0, reason: null },
  { family: 6, type: 1, code: 0, reason: 'no-route' },
  { family: 6, type: 1, code: 1, reason: 'admin-prohibited' },
  { family: 6, type: 1, code: 2, reason: 'beyond-scope' },
  { family: 6, type: 1, code: 3, reason: 'addr-unreach' },
  { family: 6, type: 1, code: 4, reason: 'port-unreach' },
  { family: 6, type: 1, code: 5, reason: 'failed-policy' },
  { family: 6, type: 1, code: 6, reason: 'reject-route' },
  { family: 6, type: 1, code: 42, reason: 'icmp-unreach' },
  { family: 6, type: 3, code: 0, reason: null },
  { family: 6, type: 3, code: 1, reason: null },
];
for (const c of cases) {
  test(`unreachReason names ICMP${c.family === 6 ? 'v6' : ''} type ${c.type} code ${c.code} ${c.reason ?? 'no answer'}`, () => {
    assert.equal(unreachReason(c.family, c.type, c.code), c.reason);
  });
}
