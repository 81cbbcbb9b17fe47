import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBpf, tcpDstPortFilter, unreachableFilter } from '../../src/core/packet/bpf.js';
import { OUR_PORT, packets as p } from '../fixtures/packets/captured.js';
import { runBpf } from '../helpers/bpf-vm.js';


const cases: { name: string; prog: Uint8Array; pkt: Uint8Array; keep: boolean }[] = [
  { name: 'tcpDstPortFilter(4) keeps a SYN-ACK to our port', prog: tcpDstPortFilter(4, OUR_PORT), pkt: p.synAck4, keep: true },
  { name: 'tcpDstPortFilter(4) keeps an RST to our port', prog: tcpDstPortFilter(4, OUR_PORT), pkt: p.rst4, keep: true },
  { name: 'tcpDstPortFilter(4) drops a SYN-ACK to another port', prog: tcpDstPortFilter(4, OUR_PORT + 1), pkt: p.synAck4, keep: false },
  { name: "tcpDstPortFilter(4) drops the kernel's RST to the listener", prog: tcpDstPortFilter(4, OUR_PORT), pkt: p.kernelRst4, keep: false },
  { name: 'tcpDstPortFilter(6) keeps an IPv6 SYN-ACK to our port', prog: tcpDstPortFilter(6, OUR_PORT), pkt: p.synAck6, keep: true },
  { name: 'tcpDstPortFilter(6) drops an IPv6 SYN-ACK to another port', prog: tcpDstPortFilter(6, 1), pkt: p.synAck6, keep: false },
  { name: 'tcpDstPortFilter(4) with a span keeps a SYN-ACK to the last port of the range', prog: tcpDstPortFilter(4, OUR_PORT - 7, 8), pkt: p.synAck4, keep: true },
  { name: 'tcpDstPortFilter(4) with a span keeps a SYN-ACK to the first port of the range', prog: tcpDstPortFilter(4, OUR_PORT, 8), pkt: p.synAck4, keep: true },
  { name: 'tcpDstPortFilter(4) with a span drops a SYN-ACK just below the range', prog: tcpDstPortFilter(4, OUR_PORT + 1, 8), pkt: p.synAck4, keep: false },
  { name: 'tcpDstPortFilter(4) with a span drops a SYN-ACK just above the range', prog: tcpDstPortFilter(4, OUR_PORT - 8, 8), pkt: p.synAck4, keep: false },
  { name: 'tcpDstPortFilter(6) with a span keeps an IPv6 SYN-ACK inside the range', prog: tcpDstPortFilter(6, OUR_PORT - 3, 8), pkt: p.synAck6, keep: true },
  { name: 'tcpDstPortFilter(6) with a span drops an IPv6 SYN-ACK above the range', prog: tcpDstPortFilter(6, OUR_PORT - 9, 8), pkt: p.synAck6, keep: false },
  { name: 'unreachableFilter(4) keeps ICMP unreachable', prog: unreachableFilter(4), pkt: p.icmpAdmin4, keep: true },
  { name: 'unreachableFilter(4) drops ICMP echo', prog: unreachableFilter(4), pkt: Uint8Array.from([...p.icmpAdmin4.subarray(0, 20), 8, 0, 0, 0]), keep: false },
  { name: 'unreachableFilter(6) keeps ICMPv6 unreachable', prog: unreachableFilter(6), pkt: p.icmpAdmin6, keep: true },
  { name: 'unreachableFilter(6) drops a neighbour advertisement', prog: unreachableFilter(6), pkt: p.neighbourAdvert6, keep: false },
];
for (const c of cases) {
  test(c.name, () => {
    assert.equal(runBpf(c.prog, c.pkt) > 0, c.keep);
  });
}

test('tcpDstPortFilter refuses a range past port 65535', () => {
  assert.throws(() => tcpDstPortFilter(4, 65530, 8), /bad port range/);
});

test('encodeBpf lays out code, jt, jf and k little-endian', () => {
  assert.deepEqual([...encodeBpf([[0x0015, 1, 2, 0x01020304]])], [0x15, 0x00, 1, 2, 0x04, 0x03, 0x02, 0x01]);
});
