/**
 * The addon's connect prober (native/rawsock/connect.c) against real loopback sockets: every
 * outcome it can report, each probe reported exactly once, its own timeouts, and close().
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect as netConnect, type Socket } from 'node:net';
import { createConnector, type Connector } from '../../src/scan/tcp-connector.js';
import { Outcome, type OutcomeCode } from '../../src/scan/outcome.js';
import { loadNativeConnect } from '../../src/scan/raw/rawsock.js';
import { closedPorts, startListeners } from '../helpers/loopback.js';

const loaded = loadNativeConnect();
const skip = loaded.ok ? false : `native connector unavailable: ${loaded.reason}`;
if (skip !== false) console.log(`# skipped: ${skip}`);

interface Got {
  readonly outcome: OutcomeCode;
  readonly rtt: number;
}

/** A native connector whose outcomes land in a map; `wait(n)` resolves once n have arrived. */
function recorder(threads: number): { connector: Connector; got: Map<number, Got>; dupes: number[]; wait(n: number): Promise<void> } {
  const got = new Map<number, Got>();
  const dupes: number[] = [];
  let want = Infinity;
  let wake: () => void = () => undefined;
  const connector = createConnector(
    'native',
    (id, outcome, rtt) => {
      if (got.has(id)) dupes.push(id);
      got.set(id, { outcome, rtt });
      if (got.size >= want) wake();
    },
    threads,
  );
  assert.equal(connector.kind, 'native');
  return {
    connector,
    got,
    dupes,
    wait: (n) =>
      new Promise<void>((resolve) => {
        want = n;
        wake = resolve;
        if (got.size >= n) resolve();
      }),
  };
}

test('native connector: open and closed ports over IPv4 and IPv6, each probe reported once', { skip }, async () => {
  const l4 = await startListeners(4);
  const l6 = await startListeners(2, '::1');
  const c4 = await closedPorts(300);
  const c6 = await closedPorts(300, '::1');
  const r = recorder(2);
  try {
    const expect = new Map<number, OutcomeCode>();
    let id = 1;
    for (const [addr, fam, open, closed] of [
      ['127.0.0.1', 4, l4.ports, c4],
      ['::1', 6, l6.ports, c6],
    ] as const) {
      for (const p of open) {
        expect.set(id, Outcome.Open);
        r.connector.connect(id++, addr, fam, p, 2000);
      }
      for (const p of closed) {
        expect.set(id, Outcome.Refused);
        r.connector.connect(id++, addr, fam, p, 2000);
      }
    }
    assert.equal(r.got.size, 0, 'no outcome is reported synchronously');
    assert.equal(r.connector.inFlight, expect.size);
    await r.wait(expect.size);
    assert.equal(r.connector.inFlight, 0);
    assert.deepEqual(r.dupes, []);
    for (const [k, want] of expect) assert.equal(r.got.get(k)?.outcome, want, `probe ${k}`);
    for (const g of r.got.values()) assert.ok(g.rtt >= 0 && g.rtt < 2000, `rtt ${g.rtt}`);
  } finally {
    r.connector.close();
    await l4.close();
    await l6.close();
  }
});

test('native connector: a port that never answers times out after the probe timeout, and close() settles what is pending', { skip }, async () => {
  // A listener with a backlog of 0 that never accepts: once one connection waits in its queue,
  // the kernel drops further SYNs silently, like a filtering firewall.
  const py = spawn('python3', ['-c', "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)"], { stdio: ['ignore', 'pipe', 'inherit'] });
  const held: Socket[] = [];
  const r = recorder(1);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      py.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
      py.once('error', reject);
    });
    await new Promise<void>((resolve, reject) => {
      const s = netConnect(port, '127.0.0.1', () => resolve());
      s.once('error', reject);
      held.push(s);
    });
    const t0 = performance.now();
    r.connector.connect(1, '127.0.0.1', 4, port, 300);
    r.connector.connect(2, '127.0.0.1', 4, port, 60_000);
    await r.wait(1);
    const waited = performance.now() - t0;
    assert.deepEqual([...r.got.keys()], [1]);
    assert.equal(r.got.get(1)?.outcome, Outcome.Timeout);
    assert.ok(r.got.get(1)!.rtt >= 295, `timed out after ${r.got.get(1)!.rtt} ms`);
    assert.ok(waited >= 295, `waited ${waited} ms`);
    assert.equal(r.connector.inFlight, 1);
    r.connector.close();
    assert.equal(r.got.get(2)?.outcome, Outcome.Timeout, 'close() reports the pending probe at once');
    assert.equal(r.connector.inFlight, 0);
    // A probe asked for after close is not sent and still gets its outcome.
    r.connector.connect(3, '127.0.0.1', 4, port, 300);
    await r.wait(3);
    assert.equal(r.got.get(3)?.outcome, Outcome.Timeout);
    assert.deepEqual(r.dupes, []);
  } finally {
    r.connector.close();
    for (const s of held) s.destroy();
    py.kill();
  }
});

test('native connector: an address the addon cannot use is a local error, not an answer', { skip }, async () => {
  const r = recorder(1);
  try {
    r.connector.connect(1, 'fe80::1%no-such-interface-0', 6, 80, 1000);
    r.connector.connect(2, 'not an address', 4, 80, 1000);
    await r.wait(2);
    assert.equal(r.got.get(1)?.outcome, Outcome.LocalError);
    assert.equal(r.got.get(2)?.outcome, Outcome.LocalError);
  } finally {
    r.connector.close();
  }
});

test('native connector: the address helper and the thread count are checked', { skip }, () => {
  if (!loaded.ok) return;
  const api = loaded.api;
  assert.equal(api.address(4, '127.0.0.1').length, 16);
  assert.equal(api.address(6, '::1').length, 28);
  assert.throws(() => api.address(4, '::1'), { code: 'EINVAL' });
  assert.throws(() => api.address(6, 'fe80::1%no-such-interface-0'), { code: 'EINVAL' });
  assert.throws(() => api.create(() => undefined, new Float64Array(3 * api.maxResults), 0), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => api.create(() => undefined, new Float64Array(10), 1), { code: 'ERR_INVALID_ARG_TYPE' });
});
