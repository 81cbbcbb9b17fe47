import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pingReplyFilter } from '../../src/core/discovery/ping-filter.js';
import { packets as p } from '../fixtures/discovery/captured.js';
import { runBpf } from '../helpers/bpf-vm.js';


/** An IPv4 packet carrying an ICMP message of the given type (header only). */
const icmp4 = (type: number): Uint8Array => Uint8Array.from([...p.echoReply.subarray(0, 20), type, 0, 0, 0, 0, 0, 0, 0]);
/** An IPv4 packet with a 24-byte header (options) carrying ICMP type `type`. */
const icmp4Options = (type: number): Uint8Array => Uint8Array.from([0x46, ...p.echoReply.subarray(1, 20), 1, 1, 1, 0, type, 0, 0, 0, 0, 0, 0, 0]);
const icmp6 = (type: number): Uint8Array => Uint8Array.from([type, 0, 0, 0, 0, 0, 0, 0]);

const cases: { name: string; family: 4 | 6; pkt: Uint8Array; keep: boolean }[] = [
  { name: 'a captured echo reply', family: 4, pkt: p.echoReply, keep: true },
  { name: 'a captured timestamp reply', family: 4, pkt: p.timestampReply, keep: true },
  { name: "a router's captured host unreachable", family: 4, pkt: p.unreachSyn, keep: true },
  { name: 'an echo request', family: 4, pkt: icmp4(8), keep: false },
  { name: 'a time exceeded', family: 4, pkt: icmp4(11), keep: false },
  { name: 'a redirect', family: 4, pkt: icmp4(5), keep: false },
  { name: 'an echo reply behind IP options', family: 4, pkt: icmp4Options(0), keep: true },
  { name: 'an echo request behind IP options', family: 4, pkt: icmp4Options(8), keep: false },
  { name: 'an ICMPv6 echo reply', family: 6, pkt: icmp6(129), keep: true },
  { name: 'an ICMPv6 unreachable', family: 6, pkt: icmp6(1), keep: true },
  { name: 'an ICMPv6 echo request', family: 6, pkt: icmp6(128), keep: false },
  { name: 'a neighbour solicitation', family: 6, pkt: icmp6(135), keep: false },
  { name: 'a neighbour advertisement', family: 6, pkt: icmp6(136), keep: false },
  { name: 'a router advertisement', family: 6, pkt: icmp6(134), keep: false },
];
for (const c of cases) {
  test(`pingReplyFilter(${c.family}) ${c.keep ? 'keeps' : 'drops'} ${c.name}`, () => {
    assert.equal(runBpf(pingReplyFilter(c.family), c.pkt) !== 0, c.keep);
  });
}
