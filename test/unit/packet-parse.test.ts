import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpv4 } from '../../src/core/packet/ipv4.js';
import { parseTcp, TcpFlag } from '../../src/core/packet/tcp.js';
import { parseIcmpv4Error, parseIcmpv6Error } from '../../src/core/packet/icmp.js';
import { buildSyn } from '../../src/core/packet/tcp-syn.js';
import { LO4, TB4_HOST, TB4_US, TB6_HOST, TB6_US, packets as p } from '../fixtures/packets/captured.js';

const ip = (b: Uint8Array): string => [...b].join('.');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const v4: { name: string; input: Uint8Array; want: { headerLength: number; totalLength: number; ttl: number; protocol: number; src: string; dst: string } | null }[] = [
  { name: 'a SYN-ACK', input: p.synAck4, want: { headerLength: 20, totalLength: 44, ttl: 64, protocol: 6, src: '127.0.0.1', dst: '127.0.0.1' } },
  { name: "nmap's SYN (TTL 48)", input: p.nmapSyn4, want: { headerLength: 20, totalLength: 44, ttl: 48, protocol: 6, src: '127.0.0.1', dst: '127.0.0.1' } },
  { name: 'an ICMP error', input: p.icmpAdmin4, want: { headerLength: 20, totalLength: 72, ttl: 64, protocol: 1, src: '198.18.77.2', dst: '198.18.77.1' } },
  { name: 'a header with options', input: Uint8Array.from([0x46, ...p.synAck4.subarray(1, 20), 1, 1, 1, 0, ...p.synAck4.subarray(20)]), want: { headerLength: 24, totalLength: 44, ttl: 64, protocol: 6, src: '127.0.0.1', dst: '127.0.0.1' } },
  { name: 'fewer than 20 bytes', input: p.synAck4.subarray(0, 19), want: null },
  { name: 'an IPv6 version nibble', input: Uint8Array.from([0x65, ...p.synAck4.subarray(1)]), want: null },
  { name: 'a header length below 20', input: Uint8Array.from([0x44, ...p.synAck4.subarray(1)]), want: null },
  { name: 'a header length past the end', input: Uint8Array.from([0x4f, ...p.synAck4.subarray(1, 40)]), want: null },
];
for (const c of v4) {
  test(`parseIpv4 reads ${c.name}`, () => {
    const h = parseIpv4(c.input);
    assert.deepEqual(h && { headerLength: h.headerLength, totalLength: h.totalLength, ttl: h.ttl, protocol: h.protocol, src: ip(h.src), dst: ip(h.dst) }, c.want);
  });
}

test('parseIpv4 reads the fragment offset in bytes', () => {
  const frag = p.synAck4.slice();
  frag[6] = 0x20; // more fragments, offset 0
  frag[7] = 0;
  assert.equal(parseIpv4(frag)?.fragmentOffset, 0);
  frag[6] = 0x00;
  frag[7] = 3;
  assert.equal(parseIpv4(frag)?.fragmentOffset, 24);
});

const tcp: { name: string; input: Uint8Array; offset: number; want: ReturnType<typeof parseTcp> }[] = [
  { name: 'a SYN-ACK', input: p.synAck4, offset: 20, want: { sport: 45693, dport: 40000, seq: 0xafa59149, ack: 0xf5722fbe, flags: TcpFlag.SYN | TcpFlag.ACK, headerLength: 24, window: 65495 } },
  { name: 'an RST-ACK', input: p.rst4, offset: 20, want: { sport: 1, dport: 40000, seq: 0, ack: 0x36abb6fe, flags: TcpFlag.RST | TcpFlag.ACK, headerLength: 20, window: 0 } },
  { name: 'an IPv6 SYN-ACK', input: p.synAck6, offset: 0, want: { sport: 45693, dport: 40000, seq: 0x60ff4615, ack: 0x2077b1dc, flags: TcpFlag.SYN | TcpFlag.ACK, headerLength: 24, window: 65476 } },
  { name: 'a truncated segment', input: p.rst4.subarray(0, 39), offset: 20, want: null },
];
for (const c of tcp) {
  test(`parseTcp reads ${c.name}`, () => {
    assert.deepEqual(parseTcp(c.input, c.offset), c.want);
  });
}

/** An ICMPv4 unreachable quoting `quote` (an IPv4 packet). */
function icmp4(type: number, code: number, quote: Uint8Array): Uint8Array {
  return Uint8Array.from([type, code, 0, 0, 0, 0, 0, 0, ...quote]);
}
/** Our SYN from TB4_US:40000 to TB4_HOST:2005 with an IPv4 header in front. */
const quotedSyn4 = p.icmpAdmin4.subarray(28);
/** An ICMPv6 error quoting an IPv6 header with next header `nh`, then `rest`. */
function icmp6(type: number, code: number, nh: number, rest: Uint8Array): Uint8Array {
  return Uint8Array.from([type, code, 0, 0, 0, 0, 0, 0, 0x60, 0, 0, 0, 0, rest.length, nh, 64, ...TB6_US, ...TB6_HOST, ...rest]);
}
const syn6 = buildSyn(TB6_US, TB6_HOST, 40000, 2005, 0x01020304);

const icmp: { name: string; parse: typeof parseIcmpv4Error; input: Uint8Array; offset: number; want: unknown }[] = [
  {
    name: 'ICMP admin-prohibited (captured)',
    parse: parseIcmpv4Error,
    input: p.icmpAdmin4,
    offset: 20,
    want: { type: 3, code: 13, src: '198.18.77.1', dst: '198.18.77.2', protocol: 6, sport: 40000, dport: 2005, seq: 0x18de87c4 },
  },
  {
    name: 'ICMPv6 admin-prohibited (captured)',
    parse: parseIcmpv6Error,
    input: p.icmpAdmin6,
    offset: 0,
    want: { type: 1, code: 1, src: hex(TB6_US), dst: hex(TB6_HOST), protocol: 6, sport: 40000, dport: 2005, seq: 0x68717323 },
  },
  { name: 'ICMP port unreachable quoting only 8 bytes of TCP', parse: parseIcmpv4Error, input: icmp4(3, 3, quotedSyn4.subarray(0, 28)), offset: 0, want: { type: 3, code: 3, src: '198.18.77.1', dst: '198.18.77.2', protocol: 6, sport: 40000, dport: 2005, seq: 0x18de87c4 } },
  { name: 'ICMP quoting only 4 bytes of TCP (no sequence number)', parse: parseIcmpv4Error, input: icmp4(3, 1, quotedSyn4.subarray(0, 24)), offset: 0, want: { type: 3, code: 1, src: '198.18.77.1', dst: '198.18.77.2', protocol: 6, sport: 40000, dport: 2005, seq: null } },
  { name: 'ICMP quoting the IP header alone', parse: parseIcmpv4Error, input: icmp4(11, 0, quotedSyn4.subarray(0, 20)), offset: 0, want: { type: 11, code: 0, src: '198.18.77.1', dst: '198.18.77.2', protocol: 6, sport: null, dport: null, seq: null } },
  { name: 'ICMP echo reply (not an error)', parse: parseIcmpv4Error, input: icmp4(0, 0, quotedSyn4), offset: 0, want: null },
  { name: 'ICMP quoting something that is not IPv4', parse: parseIcmpv4Error, input: icmp4(3, 1, Uint8Array.from([0x60, ...quotedSyn4.subarray(1)])), offset: 0, want: null },
  { name: 'ICMPv6 with a hop-by-hop and a destination-options header', parse: parseIcmpv6Error, input: icmp6(1, 4, 0, Uint8Array.from([60, 0, 1, 4, 0, 0, 0, 0, 6, 1, ...new Array<number>(14).fill(0), ...syn6])), offset: 0, want: { type: 1, code: 4, src: hex(TB6_US), dst: hex(TB6_HOST), protocol: 6, sport: 40000, dport: 2005, seq: 0x01020304 } },
  { name: 'ICMPv6 quoting a first fragment', parse: parseIcmpv6Error, input: icmp6(1, 3, 44, Uint8Array.from([6, 0, 0, 1, 0, 0, 0, 7, ...syn6])), offset: 0, want: { type: 1, code: 3, src: hex(TB6_US), dst: hex(TB6_HOST), protocol: 6, sport: 40000, dport: 2005, seq: 0x01020304 } },
  { name: 'ICMPv6 quoting a later fragment (no ports)', parse: parseIcmpv6Error, input: icmp6(1, 3, 44, Uint8Array.from([6, 0, 0, 0x10, 0, 0, 0, 7, ...syn6])), offset: 0, want: { type: 1, code: 3, src: hex(TB6_US), dst: hex(TB6_HOST), protocol: 6, sport: null, dport: null, seq: null } },
  { name: 'ICMPv6 whose extension chain runs past the quote', parse: parseIcmpv6Error, input: icmp6(1, 0, 0, Uint8Array.from([6, 5, 0, 0, 0, 0, 0, 0])), offset: 0, want: { type: 1, code: 0, src: hex(TB6_US), dst: hex(TB6_HOST), protocol: 6, sport: null, dport: null, seq: null } },
  { name: 'an ICMPv6 neighbour advertisement (not an error)', parse: parseIcmpv6Error, input: p.neighbourAdvert6, offset: 0, want: null },
  { name: 'a truncated ICMPv6 error', parse: parseIcmpv6Error, input: p.icmpAdmin6.subarray(0, 47), offset: 0, want: null },
];
for (const c of icmp) {
  test(`${c.parse.name} reads ${c.name}`, () => {
    const e = c.parse(c.input, c.offset);
    const o = e?.original;
    const addr = (b: Uint8Array): string => (b.length === 4 ? ip(b) : hex(b));
    assert.deepEqual(e && o && { type: e.type, code: e.code, src: addr(o.src), dst: addr(o.dst), protocol: o.protocol, sport: o.sport, dport: o.dport, seq: o.seq }, c.want);
  });
}

test('parseIcmpv4Error reads the quoted addresses of a captured error', () => {
  const e = parseIcmpv4Error(p.icmpAdmin4, 20);
  assert.deepEqual([...(e?.original.src ?? [])], [...TB4_US]);
  assert.deepEqual([...(e?.original.dst ?? [])], [...TB4_HOST]);
  assert.notDeepEqual([...(e?.original.dst ?? [])], [...LO4]);
});
