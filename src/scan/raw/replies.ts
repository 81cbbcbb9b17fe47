/**
 * Turns the addon's packed receive records into the replies that answer our SYNs, as flat
 * arrays that cross the worker boundary cheaply. Runs in the receive worker; pure.
 */
import { addressKey, addressText } from '../../core/packet/address.js';
import { parseIpv4 } from '../../core/packet/ipv4.js';
import { ReplyKind, classifyIcmp, classifyTcp, type ReplyContext, type SynReply } from '../../core/packet/syn-reply.js';
import { RECV_HEADER } from './rawsock.js';

/** What a receive socket carries. */
export type SocketKind = 'tcp' | 'icmp';

/** Fields per reply in a flat batch: target, port, kind, ttl, icmpType, icmpCode, from, arrival. */
export const REPLY_FIELDS = 8;

/**
 * A flat batch of replies: [target, port, kind, ttl, icmpType, icmpCode, from, at, ...]. The
 * target is an addressKey (core/packet/address.ts); `from` is the sender's address text for
 * ICMP errors and '' for TCP replies (whose sender is the target); `at` is the kernel's arrival
 * time in monotonic ms (see clock.ts).
 */
export type ReplyBatch = (string | number)[];

/**
 * Classifies every record of a recvMany result and appends the replies to `out`. `kinds[i]`
 * tells what the i-th fd given to recvMany carries.
 */
export function collectReplies(buf: Uint8Array, kinds: readonly SocketKind[], ctx: ReplyContext, out: ReplyBatch): void {
  for (let off = 0; off + RECV_HEADER <= buf.length; ) {
    const cap = buf[off]! | (buf[off + 1]! << 8);
    const reply = classifyRecord(ctx, buf, off, Math.min(off + RECV_HEADER + cap, buf.length), kinds[buf[off + 6]!]);
    if (reply !== null) {
      const at = new DataView(buf.buffer, buf.byteOffset + off + 44, 8).getFloat64(0, true);
      out.push(addressKey(reply.target), reply.port, reply.kind, reply.ttl, reply.icmpType, reply.icmpCode, reply.kind === ReplyKind.Icmp ? addressText(reply.from) : '', at);
    }
    off += RECV_HEADER + cap;
  }
}

/** Classifies the record at buf[rec, end) (header, then captured bytes). */
function classifyRecord(ctx: ReplyContext, buf: Uint8Array, rec: number, end: number, kind: SocketKind | undefined): SynReply | null {
  const start = rec + RECV_HEADER;
  if (kind === undefined) return null;
  if (buf[rec + 4] === 4) {
    // IPv4 raw sockets deliver the IP header (TTL and addresses from it); only a first
    // fragment has a transport header.
    const ip = parseIpv4(buf, start, end);
    if (ip === null || ip.fragmentOffset !== 0) return null;
    const at = start + ip.headerLength;
    return kind === 'tcp' ? classifyTcp(ctx, 4, buf, at, end, ip.src, ip.dst, ip.ttl) : classifyIcmp(ctx, 4, buf, at, end, ip.src, ip.ttl);
  }
  // IPv6: the kernel strips the header; addresses and hop limit come in the record header.
  const from = buf.subarray(rec + 12, rec + 28);
  const to = buf.subarray(rec + 28, rec + 44);
  const ttl = buf[rec + 5]!;
  return kind === 'tcp' ? classifyTcp(ctx, 6, buf, start, end, from, to, ttl) : classifyIcmp(ctx, 6, buf, start, end, from, ttl);
}
