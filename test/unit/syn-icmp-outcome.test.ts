import { test } from 'node:test';
import assert from 'node:assert/strict';
import { icmpOutcome, unreachReason } from '../../src/scan/raw/icmp-outcome.js';
import { Outcome } from '../../src/scan/outcome.js';

const cases: { family: 4 | 6; type: number; code: number; outcome: number | null; reason: string | null }[] = [
  { family: 4, type: 3, code: 0, outcome: Outcome.NetUnreach, reason: 'net-unreach' },
  { family: 4, type: 3, code: 1, outcome: Outcome.HostUnreach, reason: 'host-unreach' },
  { family: 4, type: 3, code: 2, outcome: Outcome.HostUnreach, reason: 'proto-unreach' },
  { family: 4, type: 3, code: 3, outcome: Outcome.HostUnreach, reason: 'port-unreach' },
  { family: 4, type: 3, code: 4, outcome: null, reason: null },
  { family: 4, type: 3, code: 9, outcome: Outcome.AdminProhibited, reason: 'net-prohibited' },
  { family: 4, type: 3, code: 10, outcome: Outcome.AdminProhibited, reason: 'host-prohibited' },
  { family: 4, type: 3, code: 13, outcome: Outcome.AdminProhibited, reason: 'admin-prohibited' },
  { family: 4, type: 3, code: 99, outcome: null, reason: null },
  { family: 4, type: 11, code: 0, outcome: null, reason: null },
  { family: 6, type: 1, code: 0, outcome: Outcome.NetUnreach, reason: 'no-route' },
  { family: 6, type: 1, code: 1, outcome: Outcome.AdminProhibited, reason: 'admin-prohibited' },
  { family: 6, type: 1, code: 2, outcome: Outcome.NetUnreach, reason: 'beyond-scope' },
  { family: 6, type: 1, code: 3, outcome: Outcome.HostUnreach, reason: 'addr-unreach' },
  { family: 6, type: 1, code: 4, outcome: Outcome.HostUnreach, reason: 'port-unreach' },
  { family: 6, type: 1, code: 5, outcome: Outcome.AdminProhibited, reason: 'failed-policy' },
  { family: 6, type: 1, code: 6, outcome: Outcome.AdminProhibited, reason: 'reject-route' },
  { family: 6, type: 1, code: 42, outcome: Outcome.HostUnreach, reason: 'icmp-unreach' },
  { family: 6, type: 3, code: 0, outcome: null, reason: null },
  { family: 6, type: 3, code: 1, outcome: null, reason: null },
];
for (const c of cases) {
  test(`icmpOutcome maps ICMP${c.family === 6 ? 'v6' : ''} type ${c.type} code ${c.code} to ${c.reason ?? 'no answer'}`, () => {
    assert.equal(icmpOutcome(c.family, c.type, c.code), c.outcome);
    assert.equal(unreachReason(c.family, c.type, c.code), c.reason);
  });
}
