/**
 * The socket filter of host discovery's raw ICMP sockets. A raw ICMP socket gets a copy of
 * every ICMP message the machine receives (on an IPv6 network, mostly neighbour discovery);
 * this keeps the ones that can answer a ping: echo reply, timestamp reply and destination
 * unreachable. An optimisation only: every packet is still checked in full after it is read.
 */
import { BPF, encodeBpf } from '../packet/bpf.js';
import { IcmpType } from './icmp-ping.js';

const { LD_B_ABS, LD_B_IND, LDX_B_MSH, JEQ_K, RET_K, KEEP } = BPF;

/** Keeps the ICMP (family 4) or ICMPv6 (family 6) messages that can answer a discovery probe. */
export function pingReplyFilter(family: 4 | 6): Uint8Array {
  // IPv4 raw sockets see the IP header first (its length is read with the MSH load); IPv6
  // ones see the ICMPv6 header at offset 0.
  return encodeBpf(
    family === 4
      ? [
          [LDX_B_MSH, 0, 0, 0],
          [LD_B_IND, 0, 0, 0],
          [JEQ_K, 3, 0, IcmpType.EchoReply],
          [JEQ_K, 2, 0, IcmpType.TimestampReply],
          [JEQ_K, 1, 0, IcmpType.Unreachable],
          [RET_K, 0, 0, 0],
          [RET_K, 0, 0, KEEP],
        ]
      : [
          [LD_B_ABS, 0, 0, 0],
          [JEQ_K, 2, 0, IcmpType.V6EchoReply],
          [JEQ_K, 1, 0, IcmpType.V6Unreachable],
          [RET_K, 0, 0, 0],
          [RET_K, 0, 0, KEEP],
        ],
  );
}
