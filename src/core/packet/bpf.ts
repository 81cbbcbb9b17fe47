/**
 * Classic BPF socket filters (as SO_ATTACH_FILTER takes them) that keep a raw socket's queue
 * for the packets a SYN scan wants: a raw TCP socket otherwise gets a copy of every TCP
 * segment the machine receives. Filters are an optimisation only; every packet is still
 * checked in full after it is read. Instructions are 8 bytes: u16 code, u8 jt, u8 jf, u32 k,
 * little-endian (the addon reads them field by field, so byte order is ours to choose).
 */

/** The classic BPF opcodes our filters use, and the "keep the whole packet" return value. */
export const BPF = {
  LD_H_ABS: 0x28,
  LD_B_ABS: 0x30,
  LD_H_IND: 0x48,
  LD_B_IND: 0x50,
  LDX_B_MSH: 0xb1,
  JEQ_K: 0x15,
  JGT_K: 0x25,
  JGE_K: 0x35,
  RET_K: 0x06,
  KEEP: 0x40000,
} as const;
const { LD_H_ABS, LD_B_ABS, LD_H_IND, LD_B_IND, LDX_B_MSH, JEQ_K, JGT_K, JGE_K, RET_K, KEEP } = BPF;

type Insn = readonly [code: number, jt: number, jf: number, k: number];

/** Encodes instructions as the addon's attachFilter takes them. */
export function encodeBpf(program: readonly Insn[]): Uint8Array {
  const out = new Uint8Array(program.length * 8);
  const view = new DataView(out.buffer);
  program.forEach(([code, jt, jf, k], i) => {
    view.setUint16(i * 8, code, true);
    out[i * 8 + 2] = jt;
    out[i * 8 + 3] = jf;
    view.setUint32(i * 8 + 4, k >>> 0, true);
  });
  return out;
}

/**
 * Keeps TCP segments to a port in [port, port + span). IPv4 raw sockets see the IP header
 * first (its length is read with the MSH load); IPv6 raw sockets see the TCP header at offset 0.
 */
export function tcpDstPortFilter(family: 4 | 6, port: number, span = 1): Uint8Array {
  if (!Number.isInteger(span) || span < 1 || port + span - 1 > 65535) throw new RangeError(`bad port range ${port}+${span}`);
  const last = port + span - 1;
  // A: the destination port. Keep when port <= A and not A > last.
  const test: Insn[] = [
    [JGE_K, 0, 2, port],
    [JGT_K, 1, 0, last],
    [RET_K, 0, 0, KEEP],
    [RET_K, 0, 0, 0],
  ];
  return encodeBpf(family === 4 ? [[LDX_B_MSH, 0, 0, 0], [LD_H_IND, 0, 0, 2], ...test] : [[LD_H_ABS, 0, 0, 2], ...test]);
}

/** Keeps ICMP destination-unreachable messages (type 3 for IPv4, 1 for ICMPv6). */
export function unreachableFilter(family: 4 | 6): Uint8Array {
  return encodeBpf(
    family === 4
      ? [
          [LDX_B_MSH, 0, 0, 0],
          [LD_B_IND, 0, 0, 0],
          [JEQ_K, 0, 1, 3],
          [RET_K, 0, 0, KEEP],
          [RET_K, 0, 0, 0],
        ]
      : [
          [LD_B_ABS, 0, 0, 0],
          [JEQ_K, 0, 1, 1],
          [RET_K, 0, 0, KEEP],
          [RET_K, 0, 0, 0],
        ],
  );
}
