import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK_LENGTH, ackProbeAck, classifyTcpPing, quotedTcpIsOurs, writeAck } from '../../src/core/discovery/tcp-ping.js';
import { transportChecksumValid } from '../../src/core/packet/checksum.js';
import { parseIcmpv4Error } from '../../src/core/packet/icmp.js';
import { synCookie } from '../../src/core/packet/syn-cookie.js';
import { parseTcp, TcpFlag } from '../../src/core/packet/tcp.js';
import { CLOSED_HOST, DEAD_HOST, KEY, OUR_PORT, US, packets as p } from '../fixtures/discovery/captured.js';

test('writeAck builds a bare ACK carrying the cookie, checksummed', () => {
  const b = new Uint8Array(ACK_LENGTH);
  writeAck(b, 0, US, CLOSED_HOST, OUR_PORT, 80, KEY);
  const tcp = parseTcp(b)!;
  assert.deepEqual([tcp.sport, tcp.dport, tcp.flags, tcp.headerLength, tcp.window], [OUR_PORT, 80, TcpFlag.ACK, 20, 1024]);
  assert.equal(tcp.seq, synCookie(KEY, US, CLOSED_HOST, OUR_PORT, 80));
  assert.equal(tcp.ack, ackProbeAck(KEY, US, CLOSED_HOST, OUR_PORT, 80));
  assert.ok(transportChecksumValid(US, CLOSED_HOST, 6, b));
});

/** The TCP segment of an IPv4 packet and its addresses, as classifyTcpPing takes them. */
const seg = (pkt: Uint8Array): [Uint8Array, number, number, Uint8Array, Uint8Array] => [pkt, 20, pkt.length, pkt.subarray(12, 16), pkt.subarray(16, 20)];
const withFlags = (pkt: Uint8Array, flags: number): Uint8Array => {
  const c = pkt.slice();
  c[33] = flags;
  return c;
};

const cases: { name: string; input: [Uint8Array, number, number, Uint8Array, Uint8Array]; port?: number; want: ReturnType<typeof classifyTcpPing> }[] = [
  { name: 'a captured RST+ACK to our SYN', input: seg(p.rstToSyn), want: { reason: 'reset', port: 443 } },
  { name: 'a captured RST to our ACK', input: seg(p.rstToAck), want: { reason: 'reset', port: 80 } },
  { name: 'a captured SYN-ACK to our SYN', input: seg(p.synAck), want: { reason: 'syn-ack', port: 443 } },
  { name: 'a reply to another source port', input: seg(p.synAck), port: OUR_PORT + 1, want: null },
  { name: 'a SYN-ACK acking something else', input: seg(Uint8Array.from([...p.synAck.subarray(0, 31), p.synAck[31]! ^ 1, ...p.synAck.subarray(32)])), want: null },
  { name: 'an RST whose sequence number is not our ACK’s', input: seg(Uint8Array.from([...p.rstToAck.subarray(0, 27), p.rstToAck[27]! ^ 1, ...p.rstToAck.subarray(28)])), want: null },
  { name: 'a bare ACK (not an answer)', input: seg(withFlags(p.rstToSyn, TcpFlag.ACK)), want: null },
  { name: 'a bare SYN (our own probe, on loopback)', input: seg(withFlags(p.synAck, TcpFlag.SYN)), want: null },
  { name: 'a segment cut short', input: [p.synAck, 20, 39, p.synAck.subarray(12, 16), p.synAck.subarray(16, 20)], want: null },
];
for (const c of cases) {
  test(`classifyTcpPing reads ${c.name}`, () => {
    assert.deepEqual(classifyTcpPing(KEY, c.port ?? OUR_PORT, ...c.input), c.want);
  });
}

test('classifyTcpPing needs the key the probes were sent with', () => {
  assert.equal(classifyTcpPing(Uint8Array.from(KEY).reverse(), OUR_PORT, ...seg(p.synAck)), null);
  assert.deepEqual(classifyTcpPing(KEY, OUR_PORT, ...seg(p.synAck)), { reason: 'syn-ack', port: 443 });
});

test('quotedTcpIsOurs recognises our SYN and our ACK quoted by a router', () => {
  for (const pkt of [p.unreachSyn, p.unreachAck]) {
    const o = parseIcmpv4Error(pkt, 20)!.original;
    assert.deepEqual([...o.dst], [...DEAD_HOST]);
    assert.ok(quotedTcpIsOurs(KEY, OUR_PORT, o.src, o.dst, o.sport, o.dport, o.seq));
    assert.ok(!quotedTcpIsOurs(KEY, OUR_PORT + 1, o.src, o.dst, o.sport, o.dport, o.seq));
    assert.ok(!quotedTcpIsOurs(KEY, OUR_PORT, o.src, o.dst, o.sport, o.dport, ((o.seq ?? 0) + 1) >>> 0));
    assert.ok(!quotedTcpIsOurs(KEY, OUR_PORT, o.src, o.dst, o.sport, o.dport, null));
  }
});
