import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyKind, classifyIcmp, classifyTcp, type SynReply } from '../../src/core/packet/syn-reply.js';
import { synCookie, ackMatches, seqMatches } from '../../src/core/packet/syn-cookie.js';
import { KEY, LISTENER, LO4, LO6, OUR_PORT, TB4_HOST, TB4_US, TB6_HOST, TB6_US, packets as p } from '../fixtures/packets/captured.js';

const ctx = { key: KEY, port: OUR_PORT };
const otherKey = { key: KEY.map((b) => b ^ 0x55), port: OUR_PORT };
const otherPort = { key: KEY, port: OUR_PORT + 1 };
/** A block of 8 source ports whose fourth is the one the captured packets answer (a retry's). */
const spanned = { key: KEY, port: OUR_PORT - 3, span: 8 };
/** A block that ends just before the captured packets' port. */
const spannedBelow = { key: KEY, port: OUR_PORT - 8, span: 8 };

type Want = Pick<SynReply, 'kind' | 'port' | 'ttl' | 'icmpType' | 'icmpCode'> & { target: string };
const show = (r: SynReply | null): Want | null => r && { kind: r.kind, port: r.port, ttl: r.ttl, icmpType: r.icmpType, icmpCode: r.icmpCode, target: Buffer.from(r.target).toString('hex') };
const h = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A copy of `pkt` with the 32-bit word at `at` changed by `delta`. */
function bump(pkt: Uint8Array, at: number, delta: number): Uint8Array {
  const out = pkt.slice();
  new DataView(out.buffer).setUint32(at, (new DataView(out.buffer).getUint32(at) + delta) >>> 0);
  return out;
}

const tcpCases: { name: string; c: { key: Uint8Array; port: number; span?: number }; family: 4 | 6; pkt: Uint8Array; off: number; from: Uint8Array; to: Uint8Array; want: Want | null }[] = [
  { name: 'a SYN-ACK carrying our cookie is an open port', c: ctx, family: 4, pkt: p.synAck4, off: 20, from: LO4, to: LO4, want: { kind: ReplyKind.SynAck, port: LISTENER, ttl: 64, icmpType: 0, icmpCode: 0, target: h(LO4) } },
  { name: 'an RST-ACK carrying our cookie is a closed port', c: ctx, family: 4, pkt: p.rst4, off: 20, from: LO4, to: LO4, want: { kind: ReplyKind.Rst, port: 1, ttl: 64, icmpType: 0, icmpCode: 0, target: h(LO4) } },
  { name: 'an IPv6 SYN-ACK', c: ctx, family: 6, pkt: p.synAck6, off: 0, from: LO6, to: LO6, want: { kind: ReplyKind.SynAck, port: LISTENER, ttl: 64, icmpType: 0, icmpCode: 0, target: h(LO6) } },
  { name: 'an IPv6 RST-ACK', c: ctx, family: 6, pkt: p.rst6, off: 0, from: LO6, to: LO6, want: { kind: ReplyKind.Rst, port: 1, ttl: 64, icmpType: 0, icmpCode: 0, target: h(LO6) } },
  { name: 'a SYN-ACK to a retry\'s source port inside the block is ours', c: spanned, family: 4, pkt: p.synAck4, off: 20, from: LO4, to: LO4, want: { kind: ReplyKind.SynAck, port: LISTENER, ttl: 64, icmpType: 0, icmpCode: 0, target: h(LO4) } },
  { name: 'an IPv6 RST to a retry\'s source port inside the block is ours', c: spanned, family: 6, pkt: p.rst6, off: 0, from: LO6, to: LO6, want: { kind: ReplyKind.Rst, port: 1, ttl: 64, icmpType: 0, icmpCode: 0, target: h(LO6) } },
  { name: 'a SYN-ACK to the port just past the block is not ours', c: spannedBelow, family: 4, pkt: p.synAck4, off: 20, from: LO4, to: LO4, want: null },
  { name: 'a SYN-ACK under another key is forged', c: otherKey, family: 4, pkt: p.synAck4, off: 20, from: LO4, to: LO4, want: null },
  { name: 'a SYN-ACK to another source port is not ours', c: otherPort, family: 4, pkt: p.synAck4, off: 20, from: LO4, to: LO4, want: null },
  { name: 'a SYN-ACK acking cookie + 2 is forged', c: ctx, family: 4, pkt: bump(p.synAck4, 28, 1), off: 20, from: LO4, to: LO4, want: null },
  { name: 'a SYN-ACK acking the cookie itself is forged', c: ctx, family: 4, pkt: bump(p.synAck4, 28, -1), off: 20, from: LO4, to: LO4, want: null },
  { name: 'an RST acking cookie + 2 is forged', c: ctx, family: 4, pkt: bump(p.rst4, 28, 1), off: 20, from: LO4, to: LO4, want: null },
  { name: 'a SYN-ACK from another host than the one probed is forged', c: ctx, family: 4, pkt: p.synAck4, off: 20, from: TB4_HOST, to: LO4, want: null },
  { name: 'our own SYN seen on loopback is not a reply', c: ctx, family: 4, pkt: p.ownSyn4, off: 20, from: LO4, to: LO4, want: null },
  { name: "the kernel's RST to a SYN-ACK is not a reply", c: ctx, family: 4, pkt: p.kernelRst4, off: 20, from: LO4, to: LO4, want: null },
  { name: 'a truncated segment is nothing', c: ctx, family: 4, pkt: p.synAck4.subarray(0, 39), off: 20, from: LO4, to: LO4, want: null },
];
for (const t of tcpCases) {
  test(`classifyTcp: ${t.name}`, () => {
    const ttl = t.family === 4 ? t.pkt[8]! : 64;
    assert.deepEqual(show(classifyTcp(t.c, t.family, t.pkt, t.off, t.pkt.length, t.from, t.to, ttl)), t.want);
  });
}

const icmpCases: { name: string; c: { key: Uint8Array; port: number; span?: number }; family: 4 | 6; pkt: Uint8Array; off: number; from: Uint8Array; want: Want | null }[] = [
  { name: 'ICMP admin-prohibited quoting our SYN', c: ctx, family: 4, pkt: p.icmpAdmin4, off: 20, from: TB4_HOST, want: { kind: ReplyKind.Icmp, port: 2005, ttl: 64, icmpType: 3, icmpCode: 13, target: h(TB4_HOST) } },
  { name: 'ICMPv6 admin-prohibited quoting our SYN', c: ctx, family: 6, pkt: p.icmpAdmin6, off: 0, from: TB6_HOST, want: { kind: ReplyKind.Icmp, port: 2005, ttl: 64, icmpType: 1, icmpCode: 1, target: h(TB6_HOST) } },
  { name: 'an ICMP error quoting a SYN under another key', c: otherKey, family: 4, pkt: p.icmpAdmin4, off: 20, from: TB4_HOST, want: null },
  { name: 'an ICMP error quoting a SYN from another source port', c: otherPort, family: 6, pkt: p.icmpAdmin6, off: 0, from: TB6_HOST, want: null },
  { name: 'an ICMP error quoting a retry from inside the block', c: spanned, family: 4, pkt: p.icmpAdmin4, off: 20, from: TB4_HOST, want: { kind: ReplyKind.Icmp, port: 2005, ttl: 64, icmpType: 3, icmpCode: 13, target: h(TB4_HOST) } },
  { name: 'an ICMP error quoting a SYN from just past the block', c: spannedBelow, family: 6, pkt: p.icmpAdmin6, off: 0, from: TB6_HOST, want: null },
  { name: 'an ICMP error quoting a wrong sequence number', c: ctx, family: 4, pkt: bump(p.icmpAdmin4, 52, 1), off: 20, from: TB4_HOST, want: null },
  { name: 'an ICMP error too short to quote the sequence number', c: ctx, family: 4, pkt: p.icmpAdmin4.subarray(0, 55), off: 20, from: TB4_HOST, want: null },
  { name: 'a neighbour advertisement', c: ctx, family: 6, pkt: p.neighbourAdvert6, off: 0, from: TB6_HOST, want: null },
];
for (const t of icmpCases) {
  test(`classifyIcmp: ${t.name}`, () => {
    assert.deepEqual(show(classifyIcmp(t.c, t.family, t.pkt, t.off, t.pkt.length, t.from, 64)), t.want);
  });
}

test('synCookie depends on each address and port', () => {
  const base = synCookie(KEY, TB4_US, TB4_HOST, 40000, 80);
  assert.notEqual(synCookie(KEY, TB4_HOST, TB4_US, 40000, 80), base);
  assert.notEqual(synCookie(KEY, TB4_US, TB4_HOST, 40001, 80), base);
  assert.notEqual(synCookie(KEY, TB4_US, TB4_HOST, 40000, 81), base);
  assert.notEqual(synCookie(KEY, TB6_US, TB6_HOST, 40000, 80), base);
});

test('ackMatches wraps around 2^32 and seqMatches wants the cookie itself', () => {
  // Find a tuple whose cookie is 0xffffffff would take ~2^32 tries; check the arithmetic instead.
  const c = synCookie(KEY, LO4, LO4, OUR_PORT, 1);
  assert.equal(ackMatches(KEY, LO4, LO4, OUR_PORT, 1, (c + 1) >>> 0), true);
  assert.equal(ackMatches(KEY, LO4, LO4, OUR_PORT, 1, c), false);
  assert.equal(seqMatches(KEY, LO4, LO4, OUR_PORT, 1, c), true);
  assert.equal(seqMatches(KEY, LO4, LO4, OUR_PORT, 1, (c + 1) >>> 0), false);
});

test('synCookie refuses mixed address families', () => {
  assert.throws(() => synCookie(KEY, TB4_US, TB6_HOST, 1, 1), RangeError);
});
