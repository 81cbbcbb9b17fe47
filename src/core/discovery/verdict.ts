/**
 * The decision rule of host discovery, as nmap applies it (scan_engine_raw.cc,
 * get_ping_pcap_result; scan_engine_connect.cc for the connect ping):
 * - this machine's own addresses are up without a probe (localhost-response);
 * - a target on a directly connected Ethernet-like link is up iff its link-layer address
 *   resolves (arp-response, nd-response), whatever else it answers;
 * - elsewhere any answer from the target proves it up: echo or timestamp reply, SYN-ACK or
 *   RST, a completed or refused connect, even an ICMP unreachable sent by the target itself;
 * - an ICMP unreachable sent by someone else (a router) or a connect failing with it is
 *   evidence of down, kept as the reason unless a later answer proves the host up;
 * - nothing at all after every try is down, no-response.
 */
import type { IcmpReason } from '../types.js';
import type { Path } from './routes.js';

/** Why a host was judged up or down, in nmap's words (plus no-route: no route to try at all). */
export type DiscoveryReason =
  | 'localhost-response'
  | 'arp-response'
  | 'nd-response'
  | 'echo-reply'
  | 'timestamp-reply'
  | 'syn-ack'
  | 'reset'
  | 'conn-accept'
  | 'conn-refused'
  | 'no-response'
  | IcmpReason;

/** One host's discovery result. */
export interface HostDiscovery {
  /** Canonical address text, as given. */
  readonly address: string;
  readonly family: 4 | 6;
  readonly up: boolean;
  readonly reason: DiscoveryReason;
  /** TTL (hop limit) of the reply that decided, when a packet decided. */
  readonly ttl?: number;
  /**
   * Round trip of the deciding answer in ms. For a neighbour-table answer it is the time until
   * the table showed the address resolved, which may be up to one poll interval late.
   */
  readonly rttMs?: number;
}

/** How a host is probed: not at all (own address, or no way there), by neighbour resolution, raw probes or connects. */
export type DiscoveryMethod = 'localhost' | 'neighbour' | 'probes' | 'connect' | 'none';

/** What this process may use: raw-socket probes (root and the addon), and neighbour resolution (root). */
export interface DiscoveryMeans {
  readonly raw: boolean;
  /** nmap resolves neighbours only as root, so it is gated the same way although the kernel would do it for anyone. */
  readonly neighbour: boolean;
}

/** The method for a target along `path`; connects wherever nothing better is allowed. */
export function discoveryMethod(path: Path, means: DiscoveryMeans): DiscoveryMethod {
  switch (path.kind) {
    case 'local':
      return 'localhost';
    case 'broadcast':
    case 'unroutable':
      return 'none';
    case 'on-link':
      return means.neighbour ? 'neighbour' : means.raw ? 'probes' : 'connect';
    case 'routed':
      return means.raw ? 'probes' : 'connect';
  }
}

/** One piece of evidence about a host: an answer (up) or a sign of down. */
export interface Evidence {
  readonly up: boolean;
  readonly reason: DiscoveryReason;
  readonly ttl?: number;
  readonly rttMs?: number;
}

/**
 * Folds new evidence into what is known: the first proof of up is final; signs of down are
 * kept (the latest wins) but never end the wait, since another probe may still be answered.
 * Returns the evidence to keep and whether the host is decided.
 */
export function weigh(known: Evidence | undefined, next: Evidence): { readonly keep: Evidence; readonly final: boolean } {
  if (known?.up === true) return { keep: known, final: true };
  return { keep: next, final: next.up };
}

/** The result once every try is over: up evidence, or down with the reason kept (no-response if none). */
export function conclude(address: string, family: 4 | 6, known: Evidence | undefined): HostDiscovery {
  const e = known ?? { up: false, reason: 'no-response' as const };
  return {
    address,
    family,
    up: e.up,
    reason: e.reason,
    ...(e.ttl !== undefined ? { ttl: e.ttl } : {}),
    ...(e.rttMs !== undefined ? { rttMs: e.rttMs } : {}),
  };
}
