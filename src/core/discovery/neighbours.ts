/**
 * Reading the kernel's neighbour table (ARP for IPv4, neighbour discovery for IPv6): whether
 * it has resolved an address to a link-layer address, which is how discovery tells that an
 * on-link host is there (see verdict.ts). Two sources, both parsed here: /proc/net/arp (IPv4
 * only, no process to start) and `ip -j neigh show` (both families, via netlink).
 */
import { formatIp, parseIp } from '../ip.js';

/** What the table says about an address: resolved, given up on, or still being asked. */
export type NeighbourState = 'resolved' | 'failed' | 'pending';

/** One entry of the neighbour table. */
export interface NeighbourEntry {
  /** Canonical address text (core/ip formatIp). */
  readonly address: string;
  readonly dev: string;
  readonly state: NeighbourState;
}

/** ATF_COM (linux/if_arp.h): the entry has a link-layer address. */
const ATF_COM = 0x02;

/**
 * Parses /proc/net/arp. Its flags say only whether an entry is complete, so an entry without
 * ATF_COM is 'pending' (the file cannot tell INCOMPLETE from FAILED).
 */
export function parseProcNetArp(text: string): NeighbourEntry[] {
  const out: NeighbourEntry[] = [];
  for (const line of text.split('\n').slice(1)) {
    // "198.18.200.10   0x1   0x2   aa:bb:cc:dd:ee:ff   *   br0"
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    const ip = parseIp(f[0]!);
    const flags = Number.parseInt(f[2]!, 16);
    if (ip === null || Number.isNaN(flags)) continue;
    out.push({ address: formatIp(ip), dev: f[5]!, state: (flags & ATF_COM) !== 0 ? 'resolved' : 'pending' });
  }
  return out;
}

/** NUD states (linux/neighbour.h) that hold a link-layer address the kernel has seen answer. */
const RESOLVED = new Set(['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'PERMANENT']);

/**
 * Parses `ip -j neigh show` output. REACHABLE, STALE, DELAY, PROBE and PERMANENT entries are
 * resolved; FAILED ones failed; INCOMPLETE, NONE and NOARP ones (a device without link-layer
 * resolution says nothing about a host) pending. Malformed input gives no entries.
 */
export function parseIpNeighJson(text: string): NeighbourEntry[] {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(rows)) return [];
  const out: NeighbourEntry[] = [];
  for (const row of rows as unknown[]) {
    if (typeof row !== 'object' || row === null) continue;
    const r = row as { dst?: unknown; dev?: unknown; state?: unknown; lladdr?: unknown };
    if (typeof r.dst !== 'string' || typeof r.dev !== 'string') continue;
    const ip = parseIp(r.dst);
    if (ip === null) continue;
    const states = Array.isArray(r.state) ? (r.state as unknown[]).filter((s): s is string => typeof s === 'string') : [];
    let state: NeighbourState = 'pending';
    if (states.includes('FAILED')) state = 'failed';
    else if (typeof r.lladdr === 'string' && states.some((s) => RESOLVED.has(s))) state = 'resolved';
    out.push({ address: formatIp(ip), dev: r.dev, state });
  }
  return out;
}

/** The key neighbourIndex files an entry under: the device matters, one address may sit on two links. */
export function neighbourKey(dev: string, address: string): string {
  return `${dev} ${address}`;
}

/** Entries by neighbourKey. */
export function neighbourIndex(entries: readonly NeighbourEntry[]): Map<string, NeighbourState> {
  const out = new Map<string, NeighbourState>();
  for (const e of entries) out.set(neighbourKey(e.dev, e.address), e.state);
  return out;
}
