/** Hostname resolution, the scan's only DNS I/O. Injected into scan() so tests need no resolver. */
import type { lookup as Lookup } from 'node:dns/promises';

/** One resolved address. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a name to its addresses (A and AAAA), in the resolver's order. */
export type Resolver = (name: string, signal?: AbortSignal) => Promise<readonly ResolvedAddress[]>;

/** node:dns/promises, loaded by the first lookup: a scan of addresses only never needs it (~1.5 ms of start-up). */
let dns: Promise<typeof Lookup> | undefined;

/** The system resolver (getaddrinfo, so /etc/hosts and nsswitch apply, as nmap users expect). */
export const systemResolver: Resolver = async (name) => {
  const lookup = await (dns ??= import('node:dns/promises').then((m) => m.lookup));
  const found = await lookup(name, { all: true, verbatim: true });
  return found.filter((a) => a.family === 4 || a.family === 6).map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
};
