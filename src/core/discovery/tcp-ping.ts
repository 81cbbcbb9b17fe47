/**
 * The TCP probes of host discovery: a SYN (core/packet/tcp-syn.ts) and a bare ACK. Either one
 * answered at all, by SYN-ACK or RST, proves the host is there. Both carry the SYN scan's
 * keyed cookie (core/packet/syn-cookie.ts) so replies are matched without state: the SYN's
 * sequence number is the cookie, and a reply acks cookie + 1 (RFC 9293 §3.10.7.3); the ACK's
 * acknowledgment number is the cookie's complement, and the RST it provokes carries that
 * number as its sequence number (RFC 9293 §3.5.2, "If the incoming segment has the ACK bit
 * on, the reset takes its sequence number from the ACK field").
 */
import { finishChecksum, pseudoHeaderSum, sumWords } from '../packet/checksum.js';
import { synCookie } from '../packet/syn-cookie.js';
import { TcpFlag, parseTcp } from '../packet/tcp.js';

/** Length of the ACK probe: a bare 20-byte header. */
export const ACK_LENGTH = 20;
/** Window of the ACK probe (nmap's). */
const ACK_WINDOW = 1024;

/** The acknowledgment number of our ACK probe from src:sport to dst:dport. */
export function ackProbeAck(key: Uint8Array, src: Uint8Array, dst: Uint8Array, sport: number, dport: number): number {
  return ~synCookie(key, src, dst, sport, dport) >>> 0;
}

/** Writes the ACK probe at out[offset, offset + ACK_LENGTH), checksummed for src → dst. */
export function writeAck(out: Uint8Array, offset: number, src: Uint8Array, dst: Uint8Array, sport: number, dport: number, key: Uint8Array): void {
  const o = offset;
  const seq = synCookie(key, src, dst, sport, dport);
  const ack = ~seq >>> 0;
  out[o] = sport >>> 8;
  out[o + 1] = sport & 0xff;
  out[o + 2] = dport >>> 8;
  out[o + 3] = dport & 0xff;
  for (const [at, v] of [
    [4, seq],
    [8, ack],
  ] as const) {
    out[o + at] = v >>> 24;
    out[o + at + 1] = (v >>> 16) & 0xff;
    out[o + at + 2] = (v >>> 8) & 0xff;
    out[o + at + 3] = v & 0xff;
  }
  out[o + 12] = (ACK_LENGTH / 4) << 4;
  out[o + 13] = TcpFlag.ACK;
  out[o + 14] = ACK_WINDOW >>> 8;
  out[o + 15] = ACK_WINDOW & 0xff;
  out.fill(0, o + 16, o + 20);
  const sum = finishChecksum(sumWords(out, o, o + ACK_LENGTH, pseudoHeaderSum(src, dst, 6, ACK_LENGTH)));
  out[o + 16] = sum >>> 8;
  out[o + 17] = sum & 0xff;
}

/** What a TCP reply to a discovery probe says: the port answered with SYN-ACK or with RST. */
export interface TcpPingReply {
  readonly reason: 'syn-ack' | 'reset';
  /** The probed port (the reply's source port). */
  readonly port: number;
}

/**
 * Classifies the TCP segment at bytes[offset, end) sent from `theirs` to `ours`: a SYN-ACK or
 * RST to our port that answers our SYN or our ACK probe, or null. A SYN-ACK can only answer
 * the SYN; our own probes, seen again on loopback, carry neither flag combination.
 */
export function classifyTcpPing(key: Uint8Array, ourPort: number, bytes: Uint8Array, offset: number, end: number, theirs: Uint8Array, ours: Uint8Array): TcpPingReply | null {
  const tcp = parseTcp(bytes, offset, end);
  if (tcp === null || tcp.dport !== ourPort) return null;
  const rst = (tcp.flags & TcpFlag.RST) !== 0;
  const synAck = (tcp.flags & (TcpFlag.SYN | TcpFlag.ACK)) === (TcpFlag.SYN | TcpFlag.ACK);
  if (!rst && !synAck) return null;
  const cookie = synCookie(key, ours, theirs, ourPort, tcp.sport);
  const answersSyn = (tcp.flags & TcpFlag.ACK) !== 0 && tcp.ack === ((cookie + 1) >>> 0);
  const answersAck = rst && tcp.seq === (~cookie >>> 0);
  if (!answersSyn && !answersAck) return null;
  return { reason: rst ? 'reset' : 'syn-ack', port: tcp.sport };
}

/**
 * Whether a TCP header quoted in an ICMP error is one of our probes: its sequence number is
 * the cookie for its addresses and ports (both probes carry it there).
 */
export function quotedTcpIsOurs(key: Uint8Array, ourPort: number, src: Uint8Array, dst: Uint8Array, sport: number | null, dport: number | null, seq: number | null): boolean {
  if (sport !== ourPort || dport === null || seq === null) return false;
  return synCookie(key, src, dst, sport, dport) === seq >>> 0;
}
