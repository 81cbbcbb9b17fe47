import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scan } from '../../src/scan/scan.js';
import type { PortResult, HostReport, ScanSummary, ScanEvent } from '../../src/core/types.js';
import { startListeners, closedPorts } from '../helpers/loopback.js';

async function collect(it: AsyncIterable<ScanEvent>) {
  const ports: PortResult[] = [];
  const hosts: HostReport[] = [];
  let summary: ScanSummary | undefined;
  const types: string[] = [];
  for await (const e of it) {
    types.push(e.type);
    if (e.type === 'port') ports.push(e.result);
    else if (e.type === 'host') hosts.push(e.report);
    else if (e.type === 'summary') summary = e.summary;
  }
  return { ports, hosts, summary, types };
}

for (const [connector, workers] of [
  ['native', 0],
  ['native', 1],
  ['fast', 0],
  ['net', 0],
  ['fast', 2],
] as const) {
  test(`connect scan finds loopback listeners and closed ports (${connector} connector, ${workers} workers)`, async () => {
    const l = await startListeners(5);
    const closed = await closedPorts(5);
    try {
      const all = [...l.ports, ...closed];
      const { ports, hosts, summary, types } = await collect(scan({ tcpScan: 'connect', targets: ['127.0.0.1'], ports: all.join(','), connector, workers }));
      assert.equal(types[0], 'header');
      assert.equal(types.at(-1), 'summary');
      assert.equal(ports.length, 10);
      for (const p of l.ports) assert.deepEqual(pick(ports, p), ['open', 'conn-accept'], `port ${p}`);
      for (const p of closed) assert.deepEqual(pick(ports, p), ['closed', 'conn-refused'], `port ${p}`);
      assert.equal(hosts.length, 1);
      assert.equal(hosts[0]?.status, 'up');
      assert.equal(summary?.interrupted, false);
      assert.equal(summary?.hostsUp, 1);
    } finally {
      await l.close();
    }
  });
}

function pick(ports: PortResult[], port: number): [string, string] | undefined {
  const r = ports.find((x) => x.port === port);
  return r && [r.state, r.reason];
}

test('connect scan works over IPv6 loopback', async () => {
  const l = await startListeners(2, '::1');
  const closed = await closedPorts(2, '::1');
  try {
    const { ports } = await collect(scan({ tcpScan: 'connect', targets: ['::1'], ports: [...l.ports, ...closed].join(','), workers: 0 }));
    for (const p of l.ports) assert.deepEqual(pick(ports, p), ['open', 'conn-accept']);
    for (const p of closed) assert.deepEqual(pick(ports, p), ['closed', 'conn-refused']);
    assert.ok(ports.every((p) => p.host === '::1'));
  } finally {
    await l.close();
  }
});

test('connect scan of every port agrees across connectors and never reports a self-connect as open', async () => {
  const l = await startListeners(3);
  try {
    const a = await collect(scan({ tcpScan: 'connect', targets: ['127.0.0.1'], ports: '-', connector: 'fast', workers: 2 }));
    const b = await collect(scan({ tcpScan: 'connect', targets: ['127.0.0.1'], ports: '-', connector: 'net', workers: 0 }));
    const c = await collect(scan({ tcpScan: 'connect', targets: ['127.0.0.1'], ports: '-', connector: 'native', workers: 1 }));
    assert.equal(a.ports.length, 65535);
    assert.equal(b.ports.length, 65535);
    assert.equal(c.ports.length, 65535);
    const open = (r: { ports: PortResult[] }) =>
      r.ports
        .filter((p) => p.state === 'open')
        .map((p) => p.port)
        .sort((x, y) => x - y);
    for (const p of l.ports) assert.ok(open(a).includes(p));
    for (const p of l.ports) assert.ok(open(c).includes(p));
    // Listeners of other processes may come and go, but the ephemeral ports our own probes
    // use must never show up as open: compare with what the OS says listens.
    const { listeningPorts } = await import('../helpers/ss.js');
    const truth = await listeningPorts('127.0.0.1');
    assert.deepEqual(open(a).filter((p) => !truth.has(p)), []);
    assert.deepEqual(open(b).filter((p) => !truth.has(p)), []);
    assert.deepEqual(open(c).filter((p) => !truth.has(p)), []);
  } finally {
    await l.close();
  }
});

test('connect scan stops when the signal aborts and says so', async () => {
  const ac = new AbortController();
  let n = 0;
  const { summary, ports } = await collect(
    (async function* () {
      for await (const e of scan({ tcpScan: 'connect', targets: ['127.0.0.1'], ports: '-', signal: ac.signal, sequential: true, workers: 0 })) {
        if (e.type === 'port' && ++n === 1000) ac.abort();
        yield e;
      }
    })(),
  );
  assert.equal(summary?.interrupted, true);
  assert.ok(ports.length >= 1000 && ports.length < 65535);
});

test('connect scan warns about an unresolvable name and goes on', async () => {
  const l = await startListeners(1);
  try {
    const events: ScanEvent[] = [];
    for await (const e of scan({
      tcpScan: 'connect',
      targets: ['no-such-host.invalid', '127.0.0.1'],
      ports: String(l.ports[0]),
      resolver: (name) => (name === 'no-such-host.invalid' ? Promise.reject(Object.assign(new Error('nx'), { code: 'ENOTFOUND' })) : Promise.resolve([])),
      workers: 0,
    }))
      events.push(e);
    const w = events.find((e) => e.type === 'warning');
    assert.ok(w && w.type === 'warning' && w.warning.message.includes('no-such-host.invalid'));
    const s = events.at(-1);
    assert.ok(s?.type === 'summary' && s.summary.failedTargets.length === 1);
    assert.ok(events.some((e) => e.type === 'port' && e.result.state === 'open'));
  } finally {
    await l.close();
  }
});
