import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveDiscoveryOptions, type DiscoveryOptions } from '../../src/scan/discovery/options.js';
import { connectEvidence } from '../../src/scan/discovery/connect-pinger.js';
import { Outcome } from '../../src/scan/outcome.js';
import { isPortcullisError } from '../../src/core/errors.js';

test('resolveDiscoveryOptions fills in nmap-like defaults and freezes the result', () => {
  const r = resolveDiscoveryOptions({ privileged: true });
  assert.deepEqual({ ...r }, {
    signal: undefined,
    privileged: true,
    timeoutMs: 1000,
    tries: 2,
    window: 256,
    maxRate: 0,
    icmpEcho: true,
    icmpTimestamp: true,
    synPorts: [443],
    ackPorts: [80],
    connectPorts: [80, 443],
  });
  assert.ok(Object.isFrozen(r) && Object.isFrozen(r.synPorts));
  assert.deepEqual(resolveDiscoveryOptions({ privileged: false, synPorts: [22, 22, 443], retries: 0 }).synPorts, [22, 443]);
});

const bad: { name: string; input: unknown; subject: string }[] = [
  { name: 'a missing privileged flag', input: {}, subject: 'privileged' },
  { name: 'a zero timeout', input: { privileged: true, timeoutMs: 0 }, subject: 'timeoutMs' },
  { name: 'a fractional retry count', input: { privileged: true, retries: 1.5 }, subject: 'retries' },
  { name: 'a window of zero', input: { privileged: true, window: 0 }, subject: 'window' },
  { name: 'a negative rate', input: { privileged: true, maxRate: -1 }, subject: 'maxRate' },
  { name: 'a string timeout', input: { privileged: true, timeoutMs: '100' }, subject: 'timeoutMs' },
  { name: 'port 0', input: { privileged: true, synPorts: [0] }, subject: 'synPorts' },
  { name: 'a port list that is not a list', input: { privileged: true, ackPorts: 80 }, subject: 'ackPorts' },
  { name: 'no connect ports', input: { privileged: false, connectPorts: [] }, subject: 'connectPorts' },
  { name: 'a non-boolean echo switch', input: { privileged: true, icmpEcho: 'yes' }, subject: 'icmpEcho' },
  { name: 'every raw probe off', input: { privileged: true, icmpEcho: false, icmpTimestamp: false, synPorts: [], ackPorts: [] }, subject: 'icmpEcho' },
];
for (const c of bad) {
  test(`resolveDiscoveryOptions names the field for ${c.name}`, () => {
    assert.throws(
      () => resolveDiscoveryOptions(c.input as DiscoveryOptions),
      (err) => isPortcullisError(err, 'PC_INVALID_OPTION') && err.subject === c.subject,
    );
  });
}

const outcomes: { outcome: (typeof Outcome)[keyof typeof Outcome]; want: ReturnType<typeof connectEvidence> }[] = [
  { outcome: Outcome.Open, want: { up: true, reason: 'conn-accept', rttMs: 3 } },
  { outcome: Outcome.Refused, want: { up: true, reason: 'conn-refused', rttMs: 3 } },
  { outcome: Outcome.HostUnreach, want: { up: false, reason: 'host-unreach' } },
  { outcome: Outcome.NetUnreach, want: { up: false, reason: 'net-unreach' } },
  { outcome: Outcome.AdminProhibited, want: { up: false, reason: 'admin-prohibited' } },
  { outcome: Outcome.Timeout, want: undefined },
  { outcome: Outcome.Resource, want: undefined },
  { outcome: Outcome.Unverified, want: undefined },
  { outcome: Outcome.LocalError, want: undefined },
];
for (const c of outcomes) {
  test(`connectEvidence for outcome ${c.outcome}`, () => {
    assert.deepEqual(connectEvidence(c.outcome, 3), c.want);
  });
}
