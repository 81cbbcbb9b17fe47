import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ECHO_LENGTH, TIMESTAMP_LENGTH, parsePingReply, pingSequence, quotedPing, writeEcho, writeTimestamp } from '../../src/core/discovery/icmp-ping.js';
import { internetChecksum } from '../../src/core/packet/checksum.js';
import { DEAD_HOST, ECHO_HOST, ICMP_ID, KEY, TIMESTAMP_HOST, packets as p } from '../fixtures/discovery/captured.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('writeEcho builds an IPv4 echo request with a valid checksum', () => {
  const b = new Uint8Array(ECHO_LENGTH);
  writeEcho(b, 0, 4, 0x5043, 0xea1d);
  assert.equal(hex(b), '0800' + hex(b.subarray(2, 4)) + '5043ea1d');
  assert.equal(internetChecksum(b), 0);
});

test('writeEcho leaves the ICMPv6 checksum to the kernel', () => {
  const b = new Uint8Array(ECHO_LENGTH + 4).fill(0xff);
  writeEcho(b, 2, 6, 1, 2);
  assert.equal(hex(b), 'ffff' + '80000000' + '00010002' + 'ffff');
});

test('writeTimestamp builds a timestamp request with the originate time and a valid checksum', () => {
  const b = new Uint8Array(TIMESTAMP_LENGTH);
  writeTimestamp(b, 0, 0x5043, 7, 12345678);
  assert.equal(b[0], 13);
  assert.equal(hex(b.subarray(4, 20)), '50430007' + '00bc614e' + '0000000000000000');
  assert.equal(internetChecksum(b), 0);
});

test('pingSequence is keyed and per address', () => {
  const other = Uint8Array.from(KEY).reverse();
  assert.equal(pingSequence(KEY, ECHO_HOST), 0xea1d, 'the captured echo carried this sequence number');
  assert.notEqual(pingSequence(KEY, ECHO_HOST), pingSequence(KEY, TIMESTAMP_HOST));
  assert.notEqual(pingSequence(KEY, ECHO_HOST), pingSequence(other, ECHO_HOST));
  assert.ok(pingSequence(KEY, Uint8Array.from({ length: 16 }, (_, i) => i)) <= 0xffff);
});

const ipv4 = (pkt: Uint8Array): [Uint8Array, number, number] => [pkt, (pkt[0]! & 0x0f) * 4, pkt.length];
const corrupt = (pkt: Uint8Array, at: number): Uint8Array => {
  const c = pkt.slice();
  c[at] = c[at]! ^ 0x01;
  return c;
};

const replies: { name: string; family: 4 | 6; input: [Uint8Array, number, number]; want: ReturnType<typeof parsePingReply> }[] = [
  { name: 'a captured echo reply', family: 4, input: ipv4(p.echoReply), want: { kind: 'echo-reply', id: ICMP_ID, seq: 0xea1d } },
  { name: 'a captured timestamp reply', family: 4, input: ipv4(p.timestampReply), want: { kind: 'timestamp-reply', id: ICMP_ID, seq: pingSequence(KEY, TIMESTAMP_HOST) } },
  { name: 'an echo reply with a bad checksum', family: 4, input: ipv4(corrupt(p.echoReply, 27)), want: null },
  { name: 'a timestamp reply cut short', family: 4, input: ipv4(p.timestampReply.subarray(0, 36)), want: null },
  { name: 'an echo request (our own probe, seen on loopback)', family: 4, input: [Uint8Array.from([8, 0, 0xf7, 0xff, 0, 0, 0, 0]), 0, 8], want: null },
  { name: 'an unreachable', family: 4, input: ipv4(p.unreachEcho), want: null },
  { name: 'fewer than 8 bytes', family: 4, input: [p.echoReply, 20, 27], want: null },
  { name: 'an ICMPv6 echo reply', family: 6, input: [Uint8Array.from([129, 0, 0, 0, 0x12, 0x34, 0x56, 0x78]), 0, 8], want: { kind: 'echo-reply', id: 0x1234, seq: 0x5678 } },
  { name: 'an ICMPv6 echo request', family: 6, input: [Uint8Array.from([128, 0, 0, 0, 0x12, 0x34, 0x56, 0x78]), 0, 8], want: null },
  { name: 'an ICMPv6 echo reply with a nonzero code', family: 6, input: [Uint8Array.from([129, 1, 0, 0, 0x12, 0x34, 0x56, 0x78]), 0, 8], want: null },
];
for (const c of replies) {
  test(`parsePingReply reads ${c.name}`, () => {
    assert.deepEqual(parsePingReply(c.family, ...c.input), c.want);
  });
}

test('quotedPing reads the identifier and sequence number quoted by an unreachable', () => {
  const seq = pingSequence(KEY, DEAD_HOST);
  assert.deepEqual(quotedPing(4, ...ipv4(p.unreachEcho)), { id: ICMP_ID, seq });
  assert.deepEqual(quotedPing(4, ...ipv4(p.unreachTimestamp)), { id: ICMP_ID, seq });
  assert.equal(quotedPing(4, ...ipv4(p.unreachSyn)), null, 'a quoted SYN is not a ping');
  assert.equal(quotedPing(4, p.unreachEcho, 20, p.unreachEcho.length - 1), null, 'a quote too short');
});

test('quotedPing reads an ICMPv6 echo request quoted by an ICMPv6 unreachable', () => {
  const ip6 = new Uint8Array(40);
  ip6[0] = 0x60;
  ip6[6] = 58;
  const msg = Uint8Array.from([1, 3, 0, 0, 0, 0, 0, 0, ...ip6, 128, 0, 0, 0, 0xab, 0xcd, 0x00, 0x07]);
  assert.deepEqual(quotedPing(6, msg, 0, msg.length), { id: 0xabcd, seq: 7 });
  const tcp = msg.slice();
  tcp[8 + 6] = 6;
  assert.equal(quotedPing(6, tcp, 0, tcp.length), null);
});
