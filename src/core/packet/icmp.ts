/**
 * Reading ICMP (RFC 792) and ICMPv6 (RFC 4443) error messages: their type and code, and the
 * start of the packet that caused them, quoted in the error, which tells which probe it was.
 * Only as much of the quoted packet as the scanner needs is read: addresses, protocol, ports
 * and (for TCP) the sequence number; a quote too short for a field leaves it null.
 */
import { parseIpv4 } from './ipv4.js';

/** The quoted original packet of an ICMP error. Addresses are views into the packet. */
export interface QuotedPacket {
  readonly family: 4 | 6;
  /** Its source: our address, for a probe of ours. */
  readonly src: Uint8Array;
  /** Its destination: the host we probed. */
  readonly dst: Uint8Array;
  /** Transport protocol (after any IPv6 extension headers). */
  readonly protocol: number;
  readonly sport: number | null;
  readonly dport: number | null;
  /** TCP sequence number, when the protocol is TCP and the quote is long enough. */
  readonly seq: number | null;
}

/** An ICMP or ICMPv6 error message. */
export interface IcmpError {
  readonly type: number;
  readonly code: number;
  readonly original: QuotedPacket;
}

/** ICMPv4 types that quote the offending packet. */
const V4_ERRORS = new Set([3, 4, 5, 11, 12]);
/** ICMPv6 error types (1 unreachable, 2 too big, 3 time exceeded, 4 parameter problem). */
const V6_ERRORS = new Set([1, 2, 3, 4]);

/** IPv6 extension headers that may sit between the quoted header and the transport header. */
const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AUTH = 51;
const DEST_OPTS = 60;

/** Reads ports and sequence number of a quoted transport header at bytes[at, end). */
function transport(bytes: Uint8Array, at: number, end: number, protocol: number): Pick<QuotedPacket, 'sport' | 'dport' | 'seq'> {
  if (at < 0 || end - at < 4) return { sport: null, dport: null, seq: null };
  const sport = (bytes[at]! << 8) | bytes[at + 1]!;
  const dport = (bytes[at + 2]! << 8) | bytes[at + 3]!;
  const seq = protocol === 6 && end - at >= 8 ? ((bytes[at + 4]! << 24) | (bytes[at + 5]! << 16) | (bytes[at + 6]! << 8) | bytes[at + 7]!) >>> 0 : null;
  return { sport, dport, seq };
}

/** Parses the ICMPv4 message at bytes[offset, end) (after the IP header); null unless it is an error quoting an IPv4 packet. */
export function parseIcmpv4Error(bytes: Uint8Array, offset = 0, end = bytes.length): IcmpError | null {
  if (end - offset < 8 + 20) return null;
  const type = bytes[offset]!;
  if (!V4_ERRORS.has(type)) return null;
  const ip = parseIpv4(bytes, offset + 8, end);
  if (ip === null) return null;
  // A later fragment carries no transport header: its first bytes are payload, not ports.
  const at = ip.fragmentOffset === 0 ? offset + 8 + ip.headerLength : -1;
  return { type, code: bytes[offset + 1]!, original: { family: 4, src: ip.src, dst: ip.dst, protocol: ip.protocol, ...transport(bytes, at, end, ip.protocol) } };
}

/** Parses the ICMPv6 message at bytes[offset, end); null unless it is an error quoting an IPv6 packet. */
export function parseIcmpv6Error(bytes: Uint8Array, offset = 0, end = bytes.length): IcmpError | null {
  if (end - offset < 8 + 40) return null;
  const type = bytes[offset]!;
  if (!V6_ERRORS.has(type)) return null;
  const ip = offset + 8;
  if (bytes[ip]! >> 4 !== 6) return null;
  let next = bytes[ip + 6]!;
  let at = ip + 40;
  // Walk the extension headers; a chain running past the quote leaves the ports unknown.
  while (at >= 0 && (next === HOP_BY_HOP || next === ROUTING || next === DEST_OPTS || next === FRAGMENT || next === AUTH)) {
    if (end - at < 8) {
      at = -1;
      break;
    }
    const hdrNext = bytes[at]!;
    if (next === FRAGMENT) {
      const fragOffset = ((bytes[at + 2]! << 8) | bytes[at + 3]!) & 0xfff8;
      at = fragOffset === 0 ? at + 8 : -1;
    } else {
      at += next === AUTH ? (bytes[at + 1]! + 2) * 4 : (bytes[at + 1]! + 1) * 8;
    }
    next = hdrNext;
  }
  return {
    type,
    code: bytes[offset + 1]!,
    original: { family: 6, src: bytes.subarray(ip + 8, ip + 24), dst: bytes.subarray(ip + 24, ip + 40), protocol: next, ...transport(bytes, at, end, next) },
  };
}
