/**
 * The ICMP probes of host discovery: echo request (RFC 792; ICMPv6, RFC 4443 §4.1) and IPv4
 * timestamp request (RFC 792), and reading their replies. Every probe of one scan carries the
 * same identifier; the sequence number is a keyed hash of the target's address (see
 * pingSequence), so a reply proves which target it answers without a table of sent probes.
 */
import { internetChecksum } from '../packet/checksum.js';
import { parseIpv4 } from '../packet/ipv4.js';
import { sipHash24 } from '../packet/siphash.js';

/** ICMP and ICMPv6 message types used by host discovery. */
export const IcmpType = {
  EchoReply: 0,
  Unreachable: 3,
  Echo: 8,
  Timestamp: 13,
  TimestampReply: 14,
  V6Unreachable: 1,
  V6Echo: 128,
  V6EchoReply: 129,
} as const;

/** Length of an echo request without data (nmap sends none either). */
export const ECHO_LENGTH = 8;
/** Length of a timestamp request: header, then originate, receive and transmit times. */
export const TIMESTAMP_LENGTH = 20;

/** The 16-bit sequence number of this scan's ICMP probes to `dst` (4 or 16 bytes). */
export function pingSequence(key: Uint8Array, dst: Uint8Array): number {
  return sipHash24(key, dst)[1] & 0xffff;
}

function header(out: Uint8Array, o: number, type: number, id: number, seq: number): void {
  out[o] = type;
  out[o + 1] = 0;
  out[o + 2] = 0; // checksum, filled by the caller (IPv4) or the kernel (ICMPv6)
  out[o + 3] = 0;
  out[o + 4] = id >>> 8;
  out[o + 5] = id & 0xff;
  out[o + 6] = seq >>> 8;
  out[o + 7] = seq & 0xff;
}

function checksum(out: Uint8Array, o: number, length: number): void {
  const sum = internetChecksum(out, o, o + length);
  out[o + 2] = sum >>> 8;
  out[o + 3] = sum & 0xff;
}

/**
 * Writes an echo request at out[offset, offset + ECHO_LENGTH). The ICMPv6 checksum is left
 * zero: the kernel fills it in on raw ICMPv6 sockets (RFC 3542 §3.1), because it covers the
 * source address, which the kernel picks.
 */
export function writeEcho(out: Uint8Array, offset: number, family: 4 | 6, id: number, seq: number): void {
  header(out, offset, family === 4 ? IcmpType.Echo : IcmpType.V6Echo, id, seq);
  if (family === 4) checksum(out, offset, ECHO_LENGTH);
}

/** Writes an IPv4 timestamp request at out[offset, offset + TIMESTAMP_LENGTH); `originate` is ms since midnight UTC. */
export function writeTimestamp(out: Uint8Array, offset: number, id: number, seq: number, originate: number): void {
  header(out, offset, IcmpType.Timestamp, id, seq);
  const o = offset + 8;
  const t = originate >>> 0;
  out[o] = t >>> 24;
  out[o + 1] = (t >>> 16) & 0xff;
  out[o + 2] = (t >>> 8) & 0xff;
  out[o + 3] = t & 0xff;
  out.fill(0, o + 4, o + 12); // receive and transmit times: the replier's to fill
  checksum(out, offset, TIMESTAMP_LENGTH);
}

/** An echo or timestamp reply: which kind, and the identifier and sequence number it echoes. */
export interface PingReply {
  readonly kind: 'echo-reply' | 'timestamp-reply';
  readonly id: number;
  readonly seq: number;
}

/**
 * Reads the ICMP (family 4) or ICMPv6 (family 6) message at bytes[offset, end) as a reply to a
 * ping; null for anything else. IPv4 checksums are checked here because raw sockets get
 * packets before the kernel's ICMP code has looked at them; the kernel checks ICMPv6 ones.
 */
export function parsePingReply(family: 4 | 6, bytes: Uint8Array, offset: number, end: number): PingReply | null {
  if (end - offset < ECHO_LENGTH) return null;
  const type = bytes[offset]!;
  let kind: PingReply['kind'];
  if (family === 6) {
    if (type !== IcmpType.V6EchoReply) return null;
    kind = 'echo-reply';
  } else if (type === IcmpType.EchoReply) {
    kind = 'echo-reply';
  } else if (type === IcmpType.TimestampReply && end - offset >= TIMESTAMP_LENGTH) {
    kind = 'timestamp-reply';
  } else {
    return null;
  }
  if (bytes[offset + 1] !== 0) return null;
  if (family === 4 && internetChecksum(bytes, offset, end) !== 0) return null;
  return { kind, id: (bytes[offset + 4]! << 8) | bytes[offset + 5]!, seq: (bytes[offset + 6]! << 8) | bytes[offset + 7]! };
}

/**
 * The identifier and sequence number of an echo or timestamp request quoted in an ICMP error
 * whose message starts at bytes[offset] (core/packet/icmp.ts reads only ports from a quote).
 * Null when the quote is not one of those requests or is too short. IPv6 quotes with extension
 * headers are not read: our probes carry none.
 */
export function quotedPing(family: 4 | 6, bytes: Uint8Array, offset: number, end: number): { id: number; seq: number } | null {
  let at: number;
  if (family === 4) {
    const ip = parseIpv4(bytes, offset + 8, end);
    if (ip === null || ip.protocol !== 1 || ip.fragmentOffset !== 0) return null;
    at = offset + 8 + ip.headerLength;
    if (end - at < 8 || (bytes[at] !== IcmpType.Echo && bytes[at] !== IcmpType.Timestamp)) return null;
  } else {
    const ip = offset + 8;
    if (end - ip < 48 || bytes[ip]! >> 4 !== 6 || bytes[ip + 6] !== 58) return null;
    at = ip + 40;
    if (bytes[at] !== IcmpType.V6Echo) return null;
  }
  return { id: (bytes[at + 4]! << 8) | bytes[at + 5]!, seq: (bytes[at + 6]! << 8) | bytes[at + 7]! };
}
