import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBpf, tcpDstPortFilter, unreachableFilter } from '../../src/core/packet/bpf.js';
import { OUR_PORT, packets as p } from '../fixtures/packets/captured.js';

/** Runs a classic BPF program over a packet, for the few instructions our filters use. */
function run(prog: Uint8Array, pkt: Uint8Array): number {
  const v = new DataView(prog.buffer, prog.byteOffset, prog.byteLength);
  const d = new DataView(pkt.buffer, pkt.byteOffset, pkt.byteLength);
  let a = 0;
  let x = 0;
  for (let pc = 0; pc * 8 < prog.length; pc++) {
    const code = v.getUint16(pc * 8, true);
    const jt = prog[pc * 8 + 2]!;
    const jf = prog[pc * 8 + 3]!;
    const k = v.getUint32(pc * 8 + 4, true);
    switch (code) {
      case 0x28: a = d.getUint16(k); break;
      case 0x30: a = d.getUint8(k); break;
      case 0x48: a = d.getUint16(x + k); break;
      case 0x50: a = d.getUint8(x + k); break;
      case 0xb1: x = (d.getUint8(k) & 0x0f) * 4; break;
      case 0x15: pc += a === k ? jt : jf; break;
      case 0x06: return k;
      default: throw new Error(`opcode ${code.toString(16)} not in this test's interpreter`);
    }
  }
  throw new Error('program fell off its end');
}

const cases: { name: string; prog: Uint8Array; pkt: Uint8Array; keep: boolean }[] = [
  { name: 'tcpDstPortFilter(4) keeps a SYN-ACK to our port', prog: tcpDstPortFilter(4, OUR_PORT), pkt: p.synAck4, keep: true },
  { name: 'tcpDstPortFilter(4) keeps an RST to our port', prog: tcpDstPortFilter(4, OUR_PORT), pkt: p.rst4, keep: true },
  { name: 'tcpDstPortFilter(4) drops a SYN-ACK to another port', prog: tcpDstPortFilter(4, OUR_PORT + 1), pkt: p.synAck4, keep: false },
  { name: "tcpDstPortFilter(4) drops the kernel's RST to the listener", prog: tcpDstPortFilter(4, OUR_PORT), pkt: p.kernelRst4, keep: false },
  { name: 'tcpDstPortFilter(6) keeps an IPv6 SYN-ACK to our port', prog: tcpDstPortFilter(6, OUR_PORT), pkt: p.synAck6, keep: true },
  { name: 'tcpDstPortFilter(6) drops an IPv6 SYN-ACK to another port', prog: tcpDstPortFilter(6, 1), pkt: p.synAck6, keep: false },
  { name: 'unreachableFilter(4) keeps ICMP unreachable', prog: unreachableFilter(4), pkt: p.icmpAdmin4, keep: true },
  { name: 'unreachableFilter(4) drops ICMP echo', prog: unreachableFilter(4), pkt: Uint8Array.from([...p.icmpAdmin4.subarray(0, 20), 8, 0, 0, 0]), keep: false },
  { name: 'unreachableFilter(6) keeps ICMPv6 unreachable', prog: unreachableFilter(6), pkt: p.icmpAdmin6, keep: true },
  { name: 'unreachableFilter(6) drops a neighbour advertisement', prog: unreachableFilter(6), pkt: p.neighbourAdvert6, keep: false },
];
for (const c of cases) {
  test(c.name, () => {
    assert.equal(run(c.prog, c.pkt) > 0, c.keep);
  });
}

test('encodeBpf lays out code, jt, jf and k little-endian', () => {
  assert.deepEqual([...encodeBpf([[0x0015, 1, 2, 0x01020304]])], [0x15, 0x00, 1, 2, 0x04, 0x03, 0x02, 0x01]);
});
