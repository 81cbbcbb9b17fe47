/**
 * The UDP prober against real loopback sockets (no privilege needed): a responder that answers,
 * one that keeps quiet, and closed ports. ICMP rate limits are tested in namespaces
 * (test/netns/udp-scan.test.ts): Linux does not limit ICMP errors sent over loopback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { execFileSync } from 'node:child_process';
import { udpLoopScan } from '../helpers/udp-scan-loop.js';
import { createUdpProber, REPLY_KEEP_BYTES } from '../../src/scan/udp-prober.js';
import { Outcome } from '../../src/scan/outcome.js';

/** A UDP socket on host:0 that records what it receives and answers with `reply` (or nothing). */
async function responder(host: string, reply: Buffer | null): Promise<{ port: number; got: Buffer[]; socket: Socket }> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const got: Buffer[] = [];
  socket.on('message', (msg, rinfo) => {
    got.push(msg);
    if (reply !== null) socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((res) => socket.bind(0, host, () => res()));
  return { port: socket.address().port, got, socket };
}

/** UDP ports bound by anyone on this machine (`ss -lunH`). */
function boundUdpPorts(): Set<number> {
  const out = new Set<number>();
  for (const line of execFileSync('ss', ['-lunH'], { encoding: 'utf8' }).split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    if (local !== undefined) out.add(Number(local.slice(local.lastIndexOf(':') + 1)));
  }
  return out;
}

/** `n` UDP ports below the ephemeral range that nothing is bound to. */
function closedUdpPorts(n: number, from = 21000): number[] {
  const bound = boundUdpPorts();
  const out: number[] = [];
  for (let p = from; out.length < n; p++) if (!bound.has(p)) out.push(p);
  return out;
}

for (const host of ['127.0.0.1', '::1']) {
  test(`udp prober ${host}: a reply is open (first 512 bytes kept), silence open|filtered, port-unreachable closed`, async () => {
    const talker = await responder(host, Buffer.alloc(700, 0x61));
    const quiet = await responder(host, null);
    const closed = closedUdpPorts(5);
    try {
      const payload = Buffer.from('portcullis-test');
      const r = await udpLoopScan(host, host.includes(':') ? 6 : 4, [talker.port, quiet.port, ...closed], { timeoutMs: 300, payloadFor: (p) => (p === talker.port ? payload : Buffer.alloc(0)) });
      assert.equal(r.states.get(talker.port), 'open');
      assert.equal(r.states.get(quiet.port), 'open|filtered');
      for (const p of closed) assert.equal(r.states.get(p), 'closed', `port ${p}`);
      assert.equal(r.replies.get(talker.port)?.length, REPLY_KEEP_BYTES);
      assert.deepEqual(talker.got[0], payload, 'the payload arrives as given');
      // Twice by the loop; each silence may be checked once more by the prober, because right
      // after five ICMP answers a limiter with a burst of five could have been empty.
      assert.ok(quiet.got.length >= 2 && quiet.got.length <= 4, `${quiet.got.length} datagrams to the quiet port`);
    } finally {
      talker.socket.close();
      quiet.socket.close();
    }
  });
}

test('udp prober 400 closed loopback ports come out closed, paced and unpaced', async (t) => {
  const ports = closedUdpPorts(400);
  const paced = await udpLoopScan('127.0.0.1', 4, ports, { timeoutMs: 300, window: 400 });
  const count = (s: string): number => [...paced.states.values()].filter((x) => x === s).length;
  t.diagnostic(`paced: ${count('closed')} closed, ${count('open|filtered')} open|filtered in ${paced.ms.toFixed(0)} ms`);
  assert.equal(count('closed'), 400);
  const fast = await udpLoopScan('127.0.0.1', 4, ports, { timeoutMs: 300, window: 400, pacing: false });
  const fastClosed = [...fast.states.values()].filter((x) => x === 'closed').length;
  t.diagnostic(`unpaced: ${fastClosed} closed, ${400 - fastClosed} open|filtered in ${fast.ms.toFixed(0)} ms`);
  assert.equal(fastClosed, 400);
});

test('udp prober close() reports probes still in flight as timeouts', async () => {
  const quiet = await responder('127.0.0.1', null);
  const seen: number[] = [];
  const prober = createUdpProber({ payloadFor: () => Buffer.alloc(0) }, (id, outcome) => {
    assert.equal(outcome, Outcome.Timeout);
    seen.push(id);
  });
  try {
    prober.addHost(1, '127.0.0.1', 4);
    prober.probe(7, 1, quiet.port, 60_000);
    prober.probe(8, 1, quiet.port, 60_000);
    await new Promise((res) => setTimeout(res, 50));
    await prober.close();
    assert.deepEqual(seen.sort(), [7, 8]);
  } finally {
    quiet.socket.close();
  }
});

test('udp prober an unknown host ref is a bug, reported at once', () => {
  const prober = createUdpProber({ payloadFor: () => Buffer.alloc(0) }, () => undefined);
  assert.throws(() => prober.probe(1, 99, 53, 100), /unknown host ref 99/);
});
