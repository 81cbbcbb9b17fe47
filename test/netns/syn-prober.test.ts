import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { canUseNetns, createTestbed, type Testbed } from '../helpers/testbed.js';
import { createSynProber, synScanAvailability } from '../../src/scan/syn-prober.js';
import { Outcome, type OutcomeCode } from '../../src/scan/outcome.js';
import { parseIp } from '../../src/core/ip.js';
import { addressBytes } from '../../src/core/packet/address.js';
import { synCookie } from '../../src/core/packet/syn-cookie.js';
import { TcpFlag } from '../../src/core/packet/tcp.js';
import { craftTcp4, probePorts, rawIpv4Sender, type PortAnswer } from '../helpers/syn-run.js';

const ns = canUseNetns();
const syn = synScanAvailability();
const why = !ns.ok ? ns.reason : !syn.ok ? syn.reason : undefined;
if (why !== undefined) console.log(`# skipping SYN prober namespace tests: ${why}`);
const skip = why ?? false;

const spec = { profile: 'lan', open: [22, 80, 443, 1500], drop: [[1000, 1199]], rejectAdmin: [[1200, 1399]], rejectReset: [[1400, 1499]] } as const;

/** What the prober should have said for each ground-truth state. */
function agrees(tb: Testbed, port: number, a: PortAnswer): boolean {
  const truth = tb.expected(port);
  if (truth === 'open') return a.outcome === Outcome.Open;
  if (truth === 'closed') return a.outcome === Outcome.Refused;
  return a.outcome === (port >= 1200 && port <= 1399 ? Outcome.Icmp : Outcome.Timeout);
}

for (const sendHelper of [false, true]) {
  test(`SYN prober matches testbed ground truth over 2000 ports, IPv4 and IPv6, with ICMP codes (send helper ${sendHelper ? 'on' : 'off'})`, { skip }, async () => {
    const tb = await createTestbed(spec);
    try {
      const ports = Array.from({ length: 2000 }, (_, i) => i + 1);
      for (const [target, family] of [
        [tb.v4, 4],
        [tb.v6, 6],
      ] as const) {
        const r = await probePorts(target, family, ports, { window: 64, timeoutMs: 300, tries: 3, prober: { sendHelper } });
        assert.equal(r.size, 2000);
        const wrong = [...r].filter(([p, a]) => !agrees(tb, p, a)).map(([p, a]) => `${p}:${a.outcome}`);
        assert.deepEqual(wrong, [], `IPv${family}`);
        const open = r.get(80)!;
        assert.equal(open.ttl, 64);
        assert.equal(r.get(1600)!.ttl, 64);
        const admin = r.get(1300)!;
        assert.equal(admin.reason, 'admin-prohibited');
        assert.deepEqual(admin.icmp, family === 4 ? { type: 3, code: 13, from: tb.v4 } : { type: 1, code: 1, from: tb.v6 });
        assert.equal(admin.ttl, 64);
        // A dropped port stays silent through every try.
        assert.equal(r.get(1100)!.tries, 3);
      }
    } finally {
      await tb.close();
    }
  });
}

test('SYN prober ignores forged, duplicate and late SYN-ACKs', { skip }, async () => {
  const tb = await createTestbed({ profile: 'lan', open: [22], drop: [[1000, 1199]], ipv6: false });
  const sender = rawIpv4Sender();
  const key = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
  const results: { id: number; outcome: OutcomeCode; ttl: number | undefined }[] = [];
  const prober = createSynProber({ key }, (id, outcome, _rtt, ttl) => results.push({ id, outcome, ttl }), (err) => assert.fail(err));
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  try {
    const target = addressBytes(parseIp(tb.v4)!);
    const us = addressBytes(parseIp(tb.v4.replace(/\.2$/, '.1'))!);
    const cookie = synCookie(key, us, target, prober.sourcePort, 1100);
    // A SYN-ACK "from" the target, made here and sent to our own address over loopback.
    const synAck = (ack: number, port = 1100): Uint8Array => craftTcp4({ src: target, dst: us, sport: port, dport: prober.sourcePort, seq: 12345, ack, flags: TcpFlag.SYN | TcpFlag.ACK, ttl: 99 });

    prober.addHost(1, tb.v4, 4);
    // A closed port first: once it answers, the prober's receive thread is surely reading.
    prober.probe(100, 1, 7, 5000);
    while (results.length === 0) await sleep(20);
    assert.deepEqual(results.splice(0), [{ id: 100, outcome: Outcome.Refused, ttl: 64 }]);
    prober.probe(1, 1, 1100, 5000); // a dropped port: nothing real will answer
    await sleep(200);
    sender.send(synAck(cookie + 2), us);
    sender.send(synAck(cookie), us);
    sender.send(synAck(cookie + 1, 1101), us);
    await sleep(200);
    assert.deepEqual(results, [], 'forged SYN-ACKs were taken as answers');

    sender.send(synAck(cookie + 1), us);
    await sleep(200);
    assert.deepEqual(results, [{ id: 1, outcome: Outcome.Open, ttl: 99 }], 'the right ack was not taken');

    sender.send(synAck(cookie + 1), us);
    await sleep(200);
    assert.equal(results.length, 1, 'a duplicate answer was reported again');

    prober.probe(2, 1, 1101, 100);
    await sleep(400);
    assert.deepEqual(results[1], { id: 2, outcome: Outcome.Timeout, ttl: undefined });
    sender.send(synAck(synCookie(key, us, target, prober.sourcePort, 1101) + 1, 1101), us);
    await sleep(200);
    assert.equal(results.length, 2, 'an answer after the timeout was reported');
  } finally {
    sender.close();
    await prober.close();
    await tb.close();
  }
});

for (const sendHelper of [false, true]) {
  test(`SYN prober reports a send the local routing refuses as admin-prohibited, at once, and goes on (send helper ${sendHelper ? 'on' : 'off'})`, { skip }, async () => {
    const tb = await createTestbed({ profile: 'lan', open: [80], ipv6: false });
    const results: { id: number; outcome: OutcomeCode }[] = [];
    const prober = createSynProber({ sendHelper }, (id, outcome) => results.push({ id, outcome }), (err) => assert.fail(err));
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    // The host is registered while its route exists; then a prohibit route for it alone (more
    // specific than the testbed's, removed at the end) makes every send to it fail with EACCES.
    const prohibit = ['route', 'add', 'prohibit', `${tb.v4}/32`];
    let routeAdded = false;
    try {
      prober.addHost(1, tb.v4, 4);
      execFileSync('ip', prohibit);
      routeAdded = true;
      prober.probe(1, 1, 80, 5000);
      prober.probe(2, 1, 81, 5000);
      const t0 = Date.now();
      while (results.length < 2 && Date.now() - t0 < 3000) await sleep(10);
      assert.deepEqual(
        results.sort((a, b) => a.id - b.id),
        [
          { id: 1, outcome: Outcome.AdminProhibited },
          { id: 2, outcome: Outcome.AdminProhibited },
        ],
      );
      assert.ok(Date.now() - t0 < 2000, 'the failures came as timeouts');
      execFileSync('ip', ['route', 'del', 'prohibit', `${tb.v4}/32`]);
      routeAdded = false;
      prober.probe(3, 1, 80, 5000);
      while (results.length < 3 && Date.now() - t0 < 8000) await sleep(10);
      assert.deepEqual(results[2], { id: 3, outcome: Outcome.Open });
    } finally {
      if (routeAdded) execFileSync('ip', ['route', 'del', 'prohibit', `${tb.v4}/32`]);
      await prober.close();
      await tb.close();
    }
  });
}
