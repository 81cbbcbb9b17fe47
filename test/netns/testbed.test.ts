/**
 * The testbed itself, checked against an independent scanner: nmap must see on each profile
 * exactly the states the testbed promises (expected()), the WAN profile must add its 50 ms, and
 * nothing may be left behind. Skipped, with the reason printed, when not root or without netns.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import { canUseNetns, createTestbed, withLocalSlash16, type PortState, type Testbed } from '../helpers/testbed.js';
import { closedPorts } from '../helpers/loopback.js';

const can = canUseNetns();
const nmap = ((): string | undefined => {
  try {
    return execFileSync('nmap', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return undefined;
  }
})();
const skipReason = !can.ok ? can.reason : nmap === undefined ? 'nmap is not installed (apt-get install nmap)' : undefined;
if (skipReason !== undefined) console.log(`# skipping testbed tests: ${skipReason}`);

/** Skips the test with the printed reason when the testbed cannot be built; true if skipped. */
function skipped(t: TestContext): boolean {
  if (skipReason === undefined) return false;
  t.skip(skipReason);
  return true;
}

/** Ten ports of each kind. */
const OPEN = [22, 80, 443, 3306, 5432, 6379, 8080, 9200, 27017, 50000];
const SPEC = { open: OPEN, drop: [[1000, 1009]], rejectAdmin: [[2000, 2009]], rejectReset: [[3000, 3009]] } as const;
const PORTS = [...OPEN, ...[1000, 2000, 3000, 4000].flatMap((base) => Array.from({ length: 10 }, (_, k) => base + k))];

/** Port → state as nmap -sT reports it (every asked port, also those folded into extraports). */
function nmapStates(target: string, ports: readonly number[], ns?: string): Map<number, string> {
  const args = ['-sT', '-Pn', '-n', ...(target.includes(':') ? ['-6'] : []), '-p', ports.join(','), '-oX', '-', target];
  const xml = ns === undefined ? execFileSync('nmap', args, { encoding: 'utf8' }) : execFileSync('ip', ['netns', 'exec', ns, 'nmap', ...args], { encoding: 'utf8' });
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['host', 'port', 'extraports'].includes(n) }).parse(xml) as {
    nmaprun: { host?: { ports?: { port?: { portid: string; state: { state: string } }[]; extraports?: { state: string }[] } }[] };
  };
  const host = doc.nmaprun.host?.[0]?.ports;
  const out = new Map<number, string>();
  for (const p of host?.port ?? []) out.set(Number(p.portid), p.state.state);
  // With fewer than ~25 ports per state nmap lists them all; one extraports group is unambiguous.
  const extra = host?.extraports ?? [];
  assert.ok(extra.length <= 1, 'more than one extraports group: ask nmap for fewer ports');
  for (const p of ports) if (!out.has(p) && extra[0] !== undefined) out.set(p, extra[0].state);
  return out;
}

function assertMatches(tb: Testbed, states: Map<number, string>, ports: readonly number[], family: 4 | 6 = 4): void {
  const wrong = ports.filter((p) => states.get(p) !== tb.expected(p, family)).map((p) => `${p}: nmap ${states.get(p) ?? 'missing'}, expected ${tb.expected(p, family)}`);
  assert.deepEqual(wrong, []);
}

function count(states: Map<number, string>, state: PortState): number {
  return [...states.values()].filter((s) => s === state).length;
}

/** Median time of `n` TCP connects (SYN → SYN-ACK or RST) to target:port, in ms. */
async function connectRtt(target: string, port: number, n = 5): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k < n; k++) {
    times.push(
      await new Promise<number>((resolve, reject) => {
        const t0 = process.hrtime.bigint();
        const s = connect({ host: target, port });
        const done = (): void => {
          resolve(Number(process.hrtime.bigint() - t0) / 1e6);
          s.destroy();
        };
        s.once('connect', done);
        s.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? done() : reject(err)));
        s.setTimeout(2000, () => reject(new Error(`connect ${target}:${port} timed out`)));
      }),
    );
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)]!;
}

function gone(tb: Testbed): void {
  const n = tb.ns;
  assert.ok(!execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').some((l) => l.split(' ')[0] === n), `${n} still exists`);
  const idx = /^198\.18\.(\d+)\.2$/.exec(tb.v4)?.[1];
  assert.ok(!execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).includes(`pcx${idx}a@`), `veth pcx${idx}a still exists`);
}

test('testbed lan: nmap sees every state as promised, IPv4 and IPv6, and close() leaves nothing', async (t) => {
  if (skipped(t)) return;
  const tb = await createTestbed({ profile: 'lan', ...SPEC });
  try {
    const s4 = nmapStates(tb.v4, PORTS);
    assertMatches(tb, s4, PORTS);
    assert.deepEqual([count(s4, 'open'), count(s4, 'closed'), count(s4, 'filtered')], [10, 20, 20]);
    assertMatches(tb, nmapStates(tb.v6, PORTS), PORTS);
    const rtt = await connectRtt(tb.v4, 4000);
    t.diagnostic(`lan connect RTT ${rtt.toFixed(2)} ms`);
    assert.ok(rtt >= 0.9 && rtt < 15, `lan RTT ${rtt} ms`);
  } finally {
    await tb.close();
  }
  gone(tb);
});

test('testbed wan: 50 ms RTT to open and closed ports, IPv4 and IPv6; nmap sees the states', async (t) => {
  if (skipped(t)) return;
  const tb = await createTestbed({ profile: 'wan', ...SPEC });
  try {
    const [open, closed] = [await connectRtt(tb.v4, 22), await connectRtt(tb.v6, 4000)];
    t.diagnostic(`wan connect RTT open ${open.toFixed(1)} ms, closed (IPv6) ${closed.toFixed(1)} ms`);
    for (const rtt of [open, closed]) assert.ok(rtt >= 49 && rtt < 80, `wan RTT ${rtt} ms`);
    assertMatches(tb, nmapStates(tb.v4, PORTS), PORTS);
  } finally {
    await tb.close();
  }
  gone(tb);
});

test('testbed hardened: only the open ports answer', async (t) => {
  if (skipped(t)) return;
  const tb = await createTestbed({ profile: 'hardened', ...SPEC, ipv6: false });
  try {
    assert.equal(tb.v6, undefined);
    const s = nmapStates(tb.v4, PORTS);
    assertMatches(tb, s, PORTS);
    assert.deepEqual([count(s, 'open'), count(s, 'filtered')], [10, 40]);
  } finally {
    await tb.close();
  }
  gone(tb);
});

test('testbed loopback: ground truth is what ss shows on 127.0.0.1', async (t) => {
  if (skipped(t)) return;
  const free = await closedPorts(6);
  const tb = await createTestbed({ profile: 'loopback', open: free.slice(0, 3) });
  try {
    for (const p of free.slice(0, 3)) assert.equal(tb.expected(p), 'open');
    assertMatches(tb, nmapStates(tb.v4, free), free);
  } finally {
    await tb.close();
  }
});

test('testbed two at once get different subnets; a taken index is refused', async (t) => {
  if (skipped(t)) return;
  const [a, b] = await Promise.all([createTestbed({ profile: 'lan', open: [22], ipv6: false }), createTestbed({ profile: 'lan', open: [22], ipv6: false })]);
  try {
    assert.notEqual(a.v4, b.v4);
    const idx = Number(/^198\.18\.(\d+)\.2$/.exec(a.v4)?.[1]);
    await assert.rejects(createTestbed({ profile: 'lan', open: [], index: idx }), /in use/);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('withLocalSlash16: every address of 198.18.0.0/16 is local inside the namespace', async (t) => {
  if (skipped(t)) return;
  let name = '';
  await withLocalSlash16((ns) => {
    name = ns;
    const s = nmapStates('198.18.200.7', [22, 9], ns);
    assert.equal(s.get(22), 'closed');
    return Promise.resolve();
  });
  assert.ok(!execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).includes(name));
});
