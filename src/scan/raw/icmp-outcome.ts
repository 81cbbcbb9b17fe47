/**
 * What an ICMP destination-unreachable quoting one of our SYNs means for the probe, and the
 * name nmap gives its code. Pure tables; codes from RFC 792 / RFC 1812 (ICMP type 3) and
 * RFC 4443 (ICMPv6 type 1).
 */
import { Outcome, type OutcomeCode } from '../outcome.js';

/** nmap's names for destination-unreachable codes ("icmp-unreach" for any other code). */
export type UnreachReason =
  | 'net-unreach'
  | 'host-unreach'
  | 'proto-unreach'
  | 'port-unreach'
  | 'net-prohibited'
  | 'host-prohibited'
  | 'admin-prohibited'
  | 'no-route'
  | 'beyond-scope'
  | 'addr-unreach'
  | 'failed-policy'
  | 'reject-route'
  | 'icmp-unreach';

/** ICMP type 3 codes: outcome and name. Code 4 (fragmentation needed) is path MTU news, not an answer. */
const V4: Readonly<Record<number, readonly [OutcomeCode, UnreachReason]>> = {
  0: [Outcome.NetUnreach, 'net-unreach'],
  1: [Outcome.HostUnreach, 'host-unreach'],
  2: [Outcome.HostUnreach, 'proto-unreach'],
  3: [Outcome.HostUnreach, 'port-unreach'],
  5: [Outcome.HostUnreach, 'icmp-unreach'], // source route failed
  6: [Outcome.NetUnreach, 'net-unreach'], // destination network unknown
  7: [Outcome.HostUnreach, 'host-unreach'], // destination host unknown
  8: [Outcome.HostUnreach, 'icmp-unreach'], // source host isolated
  9: [Outcome.AdminProhibited, 'net-prohibited'],
  10: [Outcome.AdminProhibited, 'host-prohibited'],
  11: [Outcome.NetUnreach, 'net-unreach'], // network unreachable for TOS
  12: [Outcome.HostUnreach, 'host-unreach'], // host unreachable for TOS
  13: [Outcome.AdminProhibited, 'admin-prohibited'],
  14: [Outcome.AdminProhibited, 'icmp-unreach'], // host precedence violation
  15: [Outcome.AdminProhibited, 'icmp-unreach'], // precedence cutoff in effect
};

/** ICMPv6 type 1 codes: outcome and name. */
const V6: Readonly<Record<number, readonly [OutcomeCode, UnreachReason]>> = {
  0: [Outcome.NetUnreach, 'no-route'],
  1: [Outcome.AdminProhibited, 'admin-prohibited'],
  2: [Outcome.NetUnreach, 'beyond-scope'],
  3: [Outcome.HostUnreach, 'addr-unreach'],
  4: [Outcome.HostUnreach, 'port-unreach'],
  5: [Outcome.AdminProhibited, 'failed-policy'],
  6: [Outcome.AdminProhibited, 'reject-route'],
};

/** The entry for an ICMP message, or undefined when it says nothing about the port. */
function entry(family: 4 | 6, type: number, code: number): readonly [OutcomeCode, UnreachReason] | undefined {
  if (family === 4) return type === 3 ? V4[code] : undefined;
  // Unknown ICMPv6 unreachable codes still mean the packet did not get through.
  return type === 1 ? (V6[code] ?? [Outcome.HostUnreach, 'icmp-unreach']) : undefined;
}

/** The probe outcome of an ICMP error, or null when it is not an answer (not unreachable, or code 4). */
export function icmpOutcome(family: 4 | 6, type: number, code: number): OutcomeCode | null {
  return entry(family, type, code)?.[0] ?? null;
}

/** nmap's name for an ICMP error's code, or null when it is not an answer. */
export function unreachReason(family: 4 | 6, type: number, code: number): UnreachReason | null {
  return entry(family, type, code)?.[1] ?? null;
}
