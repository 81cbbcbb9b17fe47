/**
 * Building the TCP SYN of a SYN scan. Like nmap's: window 1024 and one option, MSS 1460, so
 * the segment is 24 bytes; the IP header is left to the kernel (raw socket without IP_HDRINCL).
 */
import { finishChecksum, pseudoHeaderSum, sumWords } from './checksum.js';

/** Length of the SYN segment: 20-byte header plus the 4-byte MSS option. */
export const SYN_LENGTH = 24;
/** IP protocol number of TCP. */
export const PROTO_TCP = 6;
/** Window size advertised in the SYN (nmap's). */
export const SYN_WINDOW = 1024;
/** MSS option value (nmap's). */
export const SYN_MSS = 1460;

/** The unfolded pseudo-header sum for SYNs between two addresses: computed once per host. */
export function synPseudoSum(src: Uint8Array, dst: Uint8Array): number {
  return pseudoHeaderSum(src, dst, PROTO_TCP, SYN_LENGTH);
}

/** Writes a SYN segment at out[offset, offset + SYN_LENGTH), checksummed under `pseudoSum`. */
export function writeSyn(out: Uint8Array, offset: number, sport: number, dport: number, seq: number, pseudoSum: number): void {
  const o = offset;
  out[o] = sport >>> 8;
  out[o + 1] = sport & 0xff;
  out[o + 2] = dport >>> 8;
  out[o + 3] = dport & 0xff;
  out[o + 4] = seq >>> 24;
  out[o + 5] = (seq >>> 16) & 0xff;
  out[o + 6] = (seq >>> 8) & 0xff;
  out[o + 7] = seq & 0xff;
  out.fill(0, o + 8, o + 12); // ack
  out[o + 12] = (SYN_LENGTH / 4) << 4; // data offset, in 32-bit words
  out[o + 13] = 0x02; // SYN
  out[o + 14] = SYN_WINDOW >>> 8;
  out[o + 15] = SYN_WINDOW & 0xff;
  out.fill(0, o + 16, o + 20); // checksum (filled below), urgent pointer
  out[o + 20] = 2; // option kind: MSS
  out[o + 21] = 4; // option length
  out[o + 22] = SYN_MSS >>> 8;
  out[o + 23] = SYN_MSS & 0xff;
  const sum = finishChecksum(sumWords(out, o, o + SYN_LENGTH, pseudoSum));
  out[o + 16] = sum >>> 8;
  out[o + 17] = sum & 0xff;
}

/** A SYN segment from src:sport to dst:dport with sequence number seq (addresses 4 or 16 bytes). */
export function buildSyn(src: Uint8Array, dst: Uint8Array, sport: number, dport: number, seq: number): Uint8Array {
  const out = new Uint8Array(SYN_LENGTH);
  writeSyn(out, 0, sport, dport, seq, synPseudoSum(src, dst));
  return out;
}
