/**
 * Stateless matching of replies to SYN probes: each SYN's sequence number is a keyed hash of
 * its addresses and ports, so a reply proves which probe it answers without a table of sent
 * packets, and a forged reply (without the per-scan key) is rejected. A SYN-ACK or RST acks
 * seq + 1; an ICMP error quotes the SYN, seq included.
 */
import { sipHash24 } from './siphash.js';

/** Bytes of cookie key: 128 bits, drawn at random for each scan. */
export const COOKIE_KEY_BYTES = 16;

const msg = new Uint8Array(36);

/** The sequence number of our SYN from src:sport to dst:dport (addresses 4 or 16 bytes). */
export function synCookie(key: Uint8Array, src: Uint8Array, dst: Uint8Array, sport: number, dport: number): number {
  const n = src.length;
  if (dst.length !== n || (n !== 4 && n !== 16)) throw new RangeError('cookie addresses must both be 4 or 16 bytes');
  msg.set(src, 0);
  msg.set(dst, n);
  msg[2 * n] = sport >>> 8;
  msg[2 * n + 1] = sport & 0xff;
  msg[2 * n + 2] = dport >>> 8;
  msg[2 * n + 3] = dport & 0xff;
  // The first 32 bits of the hash's output (its low half, little-endian).
  return sipHash24(key, msg, 2 * n + 4)[1];
}

/**
 * Whether a SYN-ACK's or RST's acknowledgment number answers our SYN. `ours`/`ourPort` are
 * the reply's destination, `theirs`/`theirPort` its source.
 */
export function ackMatches(key: Uint8Array, ours: Uint8Array, theirs: Uint8Array, ourPort: number, theirPort: number, ack: number): boolean {
  return ((synCookie(key, ours, theirs, ourPort, theirPort) + 1) >>> 0) === ack >>> 0;
}

/** Whether a sequence number quoted in an ICMP error is that of our SYN from ours:ourPort to theirs:theirPort. */
export function seqMatches(key: Uint8Array, ours: Uint8Array, theirs: Uint8Array, ourPort: number, theirPort: number, seq: number): boolean {
  return synCookie(key, ours, theirs, ourPort, theirPort) === seq >>> 0;
}
