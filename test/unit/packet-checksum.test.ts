import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finishChecksum, internetChecksum, pseudoHeaderSum, sumWords, transportChecksum, transportChecksumValid } from '../../src/core/packet/checksum.js';
import { LO4, LO6, TB4_US, TB6_HOST, TB6_US, packets as p } from '../fixtures/packets/captured.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

const sums: { name: string; input: Uint8Array; want: number }[] = [
  // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2, checksum 220d.
  { name: 'the RFC 1071 example', input: bytes(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7), want: 0x220d },
  { name: 'an odd length (last byte padded with zero)', input: bytes(0x00, 0x01, 0xf2), want: ~(0x0001 + 0xf200) & 0xffff },
  { name: 'nothing', input: bytes(), want: 0xffff },
  { name: 'a carry folded back in', input: bytes(0xff, 0xff, 0x00, 0x01), want: 0xfffe },
  { name: 'all ones', input: bytes(0xff, 0xff, 0xff, 0xff), want: 0x0000 },
];
for (const c of sums) {
  test(`internetChecksum of ${c.name}`, () => {
    assert.equal(internetChecksum(c.input), c.want);
  });
}

// Captured packets whose checksums the sender computed in full (loopback SYN-ACKs carry only
// a partial sum, offloaded to a device that never finishes it, so they are not here).
const v4Headers = ['nmapSyn4', 'ownSyn4', 'synAck4', 'kernelRst4', 'rst4', 'icmpAdmin4'] as const;
for (const name of v4Headers) {
  test(`internetChecksum validates the IPv4 header of captured ${name}`, () => {
    const pkt = p[name];
    assert.equal(internetChecksum(pkt, 0, (pkt[0]! & 0x0f) * 4), 0);
  });
}

const segments: { name: string; src: Uint8Array; dst: Uint8Array; proto: number; seg: Uint8Array }[] = [
  { name: "nmap's IPv4 SYN", src: LO4, dst: LO4, proto: 6, seg: p.nmapSyn4.subarray(20) },
  { name: 'our IPv4 SYN', src: LO4, dst: LO4, proto: 6, seg: p.ownSyn4.subarray(20) },
  { name: "the kernel's IPv4 RST", src: LO4, dst: LO4, proto: 6, seg: p.rst4.subarray(20) },
  { name: "nmap's IPv6 SYN", src: LO6, dst: LO6, proto: 6, seg: p.nmapSyn6 },
  { name: 'an ICMPv6 error (pseudo-header with next header 58)', src: TB6_HOST, dst: TB6_US, proto: 58, seg: p.icmpAdmin6 },
];
for (const c of segments) {
  test(`transportChecksumValid accepts ${c.name}`, () => {
    assert.equal(transportChecksumValid(c.src, c.dst, c.proto, c.seg), true);
  });
  test(`transportChecksumValid rejects ${c.name} with one bit flipped`, () => {
    const bad = c.seg.slice();
    bad[bad.length - 1]! ^= 0x01;
    assert.equal(transportChecksumValid(c.src, c.dst, c.proto, bad), false);
  });
  test(`transportChecksum recomputes the checksum field of ${c.name}`, () => {
    const at = c.proto === 58 ? 2 : 16;
    const zeroed = c.seg.slice();
    zeroed[at] = 0;
    zeroed[at + 1] = 0;
    assert.equal(transportChecksum(c.src, c.dst, c.proto, zeroed), (c.seg[at]! << 8) | c.seg[at + 1]!);
  });
}

test('internetChecksum validates a captured ICMPv4 message (no pseudo-header)', () => {
  assert.equal(internetChecksum(p.icmpAdmin4, 20), 0);
});

test('pseudoHeaderSum differs between the IPv4 and IPv6 layouts of a large length', () => {
  // IPv6 carries a 32-bit length: its high half counts; IPv4's 16-bit field cannot hold it.
  assert.notEqual(finishChecksum(pseudoHeaderSum(TB6_US, TB6_HOST, 6, 0x10000)), finishChecksum(pseudoHeaderSum(TB6_US, TB6_HOST, 6, 0)));
});

test('pseudoHeaderSum refuses mixed address families', () => {
  assert.throws(() => pseudoHeaderSum(TB4_US, TB6_HOST, 6, 24), RangeError);
  assert.throws(() => pseudoHeaderSum(bytes(1, 2, 3), bytes(1, 2, 3), 6, 24), RangeError);
});

test('sumWords stays exact over a long input', () => {
  const big = new Uint8Array(1 << 20).fill(0xff);
  assert.equal(finishChecksum(sumWords(big)), 0);
});
