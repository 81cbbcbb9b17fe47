import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSynProber, synScanAvailability } from '../../src/scan/syn-prober.js';
import { loadRawSock } from '../../src/scan/raw/rawsock.js';
import { synCookie } from '../../src/core/packet/syn-cookie.js';
import { Outcome } from '../../src/scan/outcome.js';
import { closedPorts, startListeners } from '../helpers/loopback.js';
import { listeningPorts } from '../helpers/ss.js';
import { probePorts } from '../helpers/syn-run.js';

const can = synScanAvailability();
if (!can.ok) console.log(`# skipping SYN prober tests: ${can.reason}`);
const skip = !can.ok && can.reason;

for (const [host, family] of [
  ['127.0.0.1', 4],
  ['::1', 6],
] as const) {
  test(`SYN prober reports a loopback listener open with TTL 64 (${host})`, { skip }, async () => {
    const l = await startListeners(2, host);
    try {
      const r = await probePorts(host, family, l.ports);
      for (const port of l.ports) {
        const a = r.get(port);
        assert.equal(a?.outcome, Outcome.Open, `port ${port}`);
        assert.equal(a.ttl, 64);
        assert.equal(a.tries, 1);
        assert.ok(a.rttMs >= 0 && a.rttMs < 500, `rtt ${a.rttMs}`);
      }
    } finally {
      await l.close();
    }
  });

  test(`SYN prober reports a closed loopback port refused (${host})`, { skip }, async () => {
    const ports = await closedPorts(3, host);
    const r = await probePorts(host, family, ports);
    for (const port of ports) {
      assert.equal(r.get(port)?.outcome, Outcome.Refused, `port ${port}`);
      assert.equal(r.get(port)?.ttl, 64);
    }
  });
}

for (const sendHelper of [false, true]) {
  test(`SYN prober of every loopback port finds exactly what listens (send helper ${sendHelper ? 'on' : 'off'})`, { skip }, async () => {
    const l = await startListeners(3);
    try {
      const all = Array.from({ length: 65535 }, (_, i) => i + 1);
      const r = await probePorts('127.0.0.1', 4, all, { window: 65535, timeoutMs: 3000, prober: { sendHelper } });
      assert.equal(r.size, 65535);
      const open = [...r].filter(([, a]) => a.outcome === Outcome.Open).map(([p]) => p);
      const other = [...r].filter(([, a]) => a.outcome !== Outcome.Open && a.outcome !== Outcome.Refused);
      assert.deepEqual(other, []);
      for (const p of l.ports) assert.ok(open.includes(p), `listener ${p}`);
      // Other processes' listeners may come and go during the scan: compare with ss after it.
      const truth = await listeningPorts('127.0.0.1');
      const wrong = open.filter((p) => !truth.has(p));
      assert.deepEqual(wrong, [], 'open ports nothing listens on');
    } finally {
      await l.close();
    }
  });
}

test('SYN prober probes IPv4 and IPv6 hosts side by side, the second family opened mid-scan', { skip }, async () => {
  const l4 = await startListeners(1, '127.0.0.1');
  const l6 = await startListeners(1, '::1');
  const results = new Map<number, [number, number | undefined]>();
  const prober = createSynProber({}, (id, outcome, _rtt, ttl) => results.set(id, [outcome, ttl]), (err) => assert.fail(err));
  try {
    prober.addHost(1, '127.0.0.1', 4);
    prober.probe(1, 1, l4.ports[0]!, 5000);
    while (!results.has(1)) await new Promise((r) => setTimeout(r, 10));
    prober.addHost(2, '::1', 6);
    prober.addHost(3, '127.0.0.1', 4); // the same address twice: each registration gets its answers
    prober.probe(2, 2, l6.ports[0]!, 300);
    prober.probe(3, 1, l6.ports[0]!, 300);
    prober.probe(4, 3, l4.ports[0]!, 300);
    while (results.size < 4) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(Object.fromEntries(results), { 1: [Outcome.Open, 64], 2: [Outcome.Open, 64], 3: [l6.ports[0] === l4.ports[0] ? Outcome.Open : Outcome.Refused, 64], 4: [Outcome.Open, 64] });
  } finally {
    await prober.close();
    await l4.close();
    await l6.close();
  }
});

test('the packet thread computes the same SYN cookie as core/packet/syn-cookie.ts', { skip }, () => {
  const loaded = loadRawSock();
  assert.ok(loaded.ok);
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => rnd() & 0xff);
  for (let i = 0; i < 500; i++) {
    const key = bytes(16);
    const alen = i % 2 === 0 ? 4 : 16;
    const src = bytes(alen);
    const dst = bytes(alen);
    const sport = rnd() & 0xffff;
    const dport = rnd() & 0xffff;
    assert.equal(loaded.api.syn.cookie(key, src, dst, sport, dport), synCookie(key, src, dst, sport, dport), `case ${i}`);
  }
});
