/**
 * Deciding whether a received packet answers one of our SYNs, and what it says. Stateless:
 * the packet must be addressed to our source port and carry our cookie (see syn-cookie.ts),
 * so stray traffic, our own SYNs seen on loopback and forged replies all come out as null.
 */
import { parseIcmpv4Error, parseIcmpv6Error } from './icmp.js';
import { ackMatches, seqMatches } from './syn-cookie.js';
import { TcpFlag, parseTcp } from './tcp.js';

/** What a reply says about the probed port. */
export const ReplyKind = {
  /** SYN-ACK: something listens. */
  SynAck: 0,
  /** RST: nothing listens (or a firewall resets). */
  Rst: 1,
  /** An ICMP / ICMPv6 error quoting our SYN. */
  Icmp: 2,
} as const;

/** One of the ReplyKind values. */
export type ReplyKindCode = (typeof ReplyKind)[keyof typeof ReplyKind];

/** A packet that answers one of our SYNs. */
export interface SynReply {
  readonly kind: ReplyKindCode;
  readonly family: 4 | 6;
  /** The probed host (for ICMP: the quoted destination, not the sender of the error). */
  readonly target: Uint8Array;
  /** The probed port. */
  readonly port: number;
  /** TTL / hop limit of the reply as it arrived. */
  readonly ttl: number;
  /** ICMP type and code; 0 for TCP replies. */
  readonly icmpType: number;
  readonly icmpCode: number;
  /** The reply's sender: the target for TCP, possibly a router for ICMP. */
  readonly from: Uint8Array;
}

/** What the classifier needs to know about the scan. */
export interface ReplyContext {
  /** The per-scan cookie key. */
  readonly key: Uint8Array;
  /** Our first source port. */
  readonly port: number;
  /**
   * How many consecutive source ports from `port` on are ours (default 1). The SYN scan sends
   * each retransmission from the next one, so a retry is a new connection to the target's
   * connection tracking; the cookie covers the source port, so every try carries its own.
   */
  readonly span?: number;
}

function ours(ctx: ReplyContext, port: number): boolean {
  return port >= ctx.port && port < ctx.port + (ctx.span ?? 1);
}

/**
 * Classifies the TCP segment at bytes[offset, end), sent from `from` to `to`. SYN-ACK and RST
 * count only when they acknowledge our cookie; a bare SYN (our own probe, on loopback) does not.
 */
export function classifyTcp(ctx: ReplyContext, family: 4 | 6, bytes: Uint8Array, offset: number, end: number, from: Uint8Array, to: Uint8Array, ttl: number): SynReply | null {
  const tcp = parseTcp(bytes, offset, end);
  if (tcp === null || !ours(ctx, tcp.dport)) return null;
  let kind: ReplyKindCode;
  if ((tcp.flags & TcpFlag.RST) !== 0) kind = ReplyKind.Rst;
  else if ((tcp.flags & (TcpFlag.SYN | TcpFlag.ACK)) === (TcpFlag.SYN | TcpFlag.ACK)) kind = ReplyKind.SynAck;
  else return null;
  if (!ackMatches(ctx.key, to, from, tcp.dport, tcp.sport, tcp.ack)) return null;
  return { kind, family, target: from, port: tcp.sport, ttl, icmpType: 0, icmpCode: 0, from };
}

/** Classifies the ICMP (family 4) or ICMPv6 (family 6) message at bytes[offset, end), sent by `from`. */
export function classifyIcmp(ctx: ReplyContext, family: 4 | 6, bytes: Uint8Array, offset: number, end: number, from: Uint8Array, ttl: number): SynReply | null {
  const err = family === 4 ? parseIcmpv4Error(bytes, offset, end) : parseIcmpv6Error(bytes, offset, end);
  if (err === null) return null;
  const o = err.original;
  if (o.protocol !== 6 || o.sport === null || !ours(ctx, o.sport) || o.dport === null || o.seq === null) return null;
  if (!seqMatches(ctx.key, o.src, o.dst, o.sport, o.dport, o.seq)) return null;
  return { kind: ReplyKind.Icmp, family, target: o.dst, port: o.dport, ttl, icmpType: err.type, icmpCode: err.code, from };
}
