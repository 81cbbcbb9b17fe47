import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SYN_LENGTH, buildSyn, synPseudoSum, writeSyn } from '../../src/core/packet/tcp-syn.js';
import { parseTcp, TcpFlag } from '../../src/core/packet/tcp.js';
import { transportChecksumValid } from '../../src/core/packet/checksum.js';
import { LO4, LO6, TB4_HOST, TB4_US, TB6_HOST, TB6_US, packets as p } from '../fixtures/packets/captured.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('buildSyn matches nmap -sS byte for byte over IPv4 (window 1024, MSS 1460, checksum)', () => {
  assert.equal(hex(buildSyn(LO4, LO4, 53045, 39871, 0x6985dbc4)), hex(p.nmapSyn4.subarray(20)));
});

test('buildSyn matches nmap -sS byte for byte over IPv6', () => {
  assert.equal(hex(buildSyn(LO6, LO6, 42791, 39871, 0x6ecf7a3b)), hex(p.nmapSyn6));
});

const cases = [
  { name: 'IPv4, low ports', src: TB4_US, dst: TB4_HOST, sport: 1, dport: 1, seq: 0 },
  { name: 'IPv4, high ports and sequence', src: TB4_US, dst: TB4_HOST, sport: 65535, dport: 65535, seq: 0xffffffff },
  { name: 'IPv6', src: TB6_US, dst: TB6_HOST, sport: 40000, dport: 443, seq: 0x80000000 },
];
for (const c of cases) {
  test(`buildSyn writes a valid SYN (${c.name})`, () => {
    const seg = buildSyn(c.src, c.dst, c.sport, c.dport, c.seq);
    assert.equal(seg.length, SYN_LENGTH);
    assert.deepEqual(parseTcp(seg), { sport: c.sport, dport: c.dport, seq: c.seq, ack: 0, flags: TcpFlag.SYN, headerLength: 24, window: 1024 });
    assert.equal(transportChecksumValid(c.src, c.dst, 6, seg), true);
  });
}

test('writeSyn writes at an offset and leaves the bytes around alone', () => {
  const out = new Uint8Array(SYN_LENGTH + 10).fill(0xee);
  writeSyn(out, 5, 53045, 39871, 0x6985dbc4, synPseudoSum(LO4, LO4));
  assert.equal(hex(out.subarray(5, 5 + SYN_LENGTH)), hex(p.nmapSyn4.subarray(20)));
  assert.deepEqual([...out.subarray(0, 5), ...out.subarray(5 + SYN_LENGTH)], new Array(10).fill(0xee));
});
