/**
 * Which ICMP errors quoting one of our SYNs answer the probe, and the name nmap gives their
 * code (the prober reports them as Outcome.Icmp with that name). Pure tables; codes from
 * RFC 792 / RFC 1812 (ICMP type 3) and RFC 4443 (ICMPv6 type 1).
 */
import type { IcmpReason } from '../../core/types.js';

/** ICMP type 3 codes. Code 4 (fragmentation needed) is path-MTU news, not an answer. */
const V4: Readonly<Record<number, IcmpReason>> = {
  0: 'net-unreach',
  1: 'host-unreach',
  2: 'proto-unreach',
  3: 'port-unreach',
  5: 'icmp-unreach', // source route failed
  6: 'net-unreach', // destination network unknown
  7: 'host-unreach', // destination host unknown
  8: 'icmp-unreach', // source host isolated
  9: 'net-prohibited',
  10: 'host-prohibited',
  11: 'net-unreach', // network unreachable for TOS
  12: 'host-unreach', // host unreachable for TOS
  13: 'admin-prohibited',
  14: 'icmp-unreach', // host precedence violation
  15: 'icmp-unreach', // precedence cutoff in effect
};

/** ICMPv6 type 1 codes. */
const V6: Readonly<Record<number, IcmpReason>> = {
  0: 'no-route',
  1: 'admin-prohibited',
  2: 'beyond-scope',
  3: 'addr-unreach',
  4: 'port-unreach',
  5: 'failed-policy',
  6: 'reject-route',
};

/** nmap's name for an ICMP error's code, or null when the error says nothing about the port. */
export function unreachReason(family: 4 | 6, type: number, code: number): IcmpReason | null {
  if (family === 4) return type === 3 ? (V4[code] ?? null) : null;
  // An unknown ICMPv6 unreachable code still means the SYN did not get through.
  return type === 1 ? (V6[code] ?? 'icmp-unreach') : null;
}
