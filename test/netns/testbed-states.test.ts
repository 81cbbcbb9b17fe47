import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { canUseNetns, cleanLeftovers, createTestbed, type Testbed } from '../helpers/testbed.js';
import { runScan } from '../../src/scan/scan.js';
import type { PortResult } from '../../src/core/types.js';

const can = canUseNetns();
if (!can.ok) console.log(`# skipping namespace tests: ${can.reason}`);

async function scanPorts(target: string, ports: string): Promise<PortResult[]> {
  const out: PortResult[] = [];
  await runScan({ tcpScan: 'connect', discovery: 'off', targets: [target], ports }, (e) => {
    if (e.type === 'port') out.push(e.result);
  });
  return out;
}

function check(tb: Testbed, results: PortResult[], count: number): void {
  assert.equal(results.length, count);
  const wrong = results.filter((r) => r.state !== tb.expected(r.port)).map((r) => `${r.port}:${r.state}/${r.reason}`);
  assert.deepEqual(wrong, []);
}

const spec = { open: [22, 80, 443, 3306, 4999], drop: [[1000, 1499]] as const, rejectAdmin: [[2000, 2499]] as const, rejectReset: [[3000, 3099]] as const };

test('testbed states: LAN profile, IPv4 and IPv6, match ground truth with reasons', { skip: !can.ok && can.reason }, async () => {
  cleanLeftovers();
  const tb = await createTestbed({ profile: 'lan', index: 11, ...spec });
  try {
    for (const target of [tb.v4, tb.v6]) {
      const r = await scanPorts(target, '1-5000');
      check(tb, r, 5000);
      const reason = (p: number) => r.find((x) => x.port === p)?.reason;
      assert.equal(reason(22), 'conn-accept');
      assert.equal(reason(1200), 'no-response');
      // Linux reports ICMP admin-prohibited to connect() as EHOSTUNREACH on IPv4, but as
      // EACCES for ICMPv6's administratively-prohibited code.
      assert.equal(reason(2200), target === tb.v4 ? 'host-unreach' : 'admin-prohibited');
      assert.equal(reason(3050), 'conn-refused');
      assert.equal(reason(4000), 'conn-refused');
      // A dropped port on a host whose other ports answer gets a third probe (loss is likelier than a filter).
      assert.equal(r.find((x) => x.port === 1200)?.tries, 3);
    }
  } finally {
    await tb.close();
  }
});

test('testbed states: WAN profile (50 ms RTT, 0.2% loss each way) misses nothing', { skip: !can.ok && can.reason }, async () => {
  const tb = await createTestbed({ profile: 'wan', index: 12, ...spec });
  try {
    const r = await scanPorts(tb.v4, '1-5000');
    check(tb, r, 5000);
  } finally {
    await tb.close();
  }
});

test('testbed states: hardened host (everything dropped but the open ports)', { skip: !can.ok && can.reason }, async () => {
  const tb = await createTestbed({ profile: 'hardened', index: 13, ...spec });
  try {
    const r = await scanPorts(tb.v6, '1-3000,4999');
    check(tb, r, 3001);
    assert.ok(r.filter((x) => x.state === 'filtered').every((x) => x.tries >= 2));
  } finally {
    await tb.close();
  }
});

before(() => undefined);
after(() => {
  if (can.ok) cleanLeftovers();
});
