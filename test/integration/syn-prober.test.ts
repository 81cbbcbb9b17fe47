import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SynProber, createSynProber, synScanAvailability } from '../../src/scan/syn-prober.js';
import { loadRawSock, type RawSockApi } from '../../src/scan/raw/rawsock.js';
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

test('SYN prober of every loopback port finds exactly what listens', { skip }, async () => {
  const l = await startListeners(3);
  try {
    const all = Array.from({ length: 65535 }, (_, i) => i + 1);
    const r = await probePorts('127.0.0.1', 4, all, { window: 65535, timeoutMs: 3000 });
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

test('SYN prober reports Resource for what a full send queue refused, and a refused packet alone', { skip }, async () => {
  const loaded = loadRawSock();
  assert.ok(loaded.ok);
  const real = loaded.api;
  // The real addon, except that sendMany sends one packet and then refuses the 2nd (EPERM, as
  // a local firewall would), then sends one more and stops with ENOBUFS (a full device queue).
  let call = 0;
  const api: RawSockApi = {
    ...real,
    sendMany(fd, family, batch, count) {
      call++;
      if (call > 2) return real.sendMany(fd, family, batch, count);
      const r = real.sendMany(fd, family, batch, Math.min(count, 1));
      return { sent: r.sent, code: r.code ?? (call === 1 ? 'EPERM' : 'ENOBUFS') };
    },
  };
  const ports = await closedPorts(6);
  const results = new Map<number, number>();
  const prober = new SynProber(api, {}, (id, outcome) => results.set(id, outcome), (err) => assert.fail(err));
  try {
    prober.addHost(1, '127.0.0.1', 4);
    // Wait until the receive thread reads (the prober holds SYNs until then).
    prober.probe(100, 1, ports[5]!, 5000);
    while (!results.has(100)) await new Promise((r) => setTimeout(r, 10));
    call = 0;
    for (let i = 0; i < 5; i++) prober.probe(i, 1, ports[i]!, 5000);
    while (results.size < 6) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((i) => results.get(i)),
      [Outcome.Refused, Outcome.AdminProhibited, Outcome.Refused, Outcome.Resource, Outcome.Resource],
    );
  } finally {
    await prober.close();
  }
});
