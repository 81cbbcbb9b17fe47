/**
 * Where a packet to a target would go, from a snapshot of the routing table (`ip -j route show
 * table all`) and the links (`ip -j link show`): to this machine itself, to a host on a
 * directly connected Ethernet-like link (where ARP / neighbour discovery decides), through a
 * router (where probes decide), or nowhere. The lookup mirrors the kernel's default policy:
 * the local table first, then main, longest prefix first and the lowest metric on a tie.
 * Policy routing rules and other tables are not modelled: a target they would send elsewhere
 * is judged by the main table, which at worst trades ARP for probes or the other way round.
 */
import { isLoopback, parseIp, type IpAddress } from '../ip.js';

/** One route. */
export interface Route {
  readonly family: 4 | 6;
  readonly prefix: IpAddress;
  readonly length: number;
  /** unicast, local, broadcast, multicast, unreachable, blackhole, prohibit, throw, ... */
  readonly type: string;
  /** main, local, or another table's name or number. */
  readonly table: string;
  readonly dev: string | undefined;
  /** Whether the route goes through a gateway (one, or several next hops). */
  readonly viaGateway: boolean;
  readonly metric: number;
}

/** One network device. */
export interface Link {
  readonly name: string;
  /** ether, loopback, none (tun, wireguard), ... */
  readonly type: string;
  /** The device does no link-layer address resolution (NOARP flag). */
  readonly noArp: boolean;
}

/** Where packets to a target go. */
export type Path =
  | { readonly kind: 'local' }
  | { readonly kind: 'on-link'; readonly dev: string }
  | { readonly kind: 'routed' }
  | { readonly kind: 'broadcast' }
  | { readonly kind: 'unroutable' };

function parseJsonArray(text: string): unknown[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? (v as unknown[]) : [];
  } catch {
    return [];
  }
}

/** Parses `ip -j -4 route show table all` (family 4) or `ip -j -6 ...` (family 6); rows it cannot read are skipped. */
export function parseIpRouteJson(text: string, family: 4 | 6): Route[] {
  const out: Route[] = [];
  for (const row of parseJsonArray(text)) {
    if (typeof row !== 'object' || row === null) continue;
    const r = row as Record<string, unknown>;
    if (typeof r['dst'] !== 'string') continue;
    let prefix: IpAddress | null;
    let length: number;
    if (r['dst'] === 'default') {
      prefix = family === 4 ? { family: 4, value: 0 } : { family: 6, value: 0n };
      length = 0;
    } else {
      const [addr = '', len] = r['dst'].split('/');
      prefix = parseIp(addr);
      length = len === undefined ? (family === 4 ? 32 : 128) : Number(len);
    }
    if (prefix === null || prefix.family !== family || !Number.isInteger(length) || length < 0 || length > (family === 4 ? 32 : 128)) continue;
    out.push({
      family,
      prefix,
      length,
      type: typeof r['type'] === 'string' ? r['type'] : 'unicast',
      table: typeof r['table'] === 'string' ? r['table'] : 'main',
      dev: typeof r['dev'] === 'string' ? r['dev'] : undefined,
      viaGateway: typeof r['gateway'] === 'string' || Array.isArray(r['nexthops']),
      metric: typeof r['metric'] === 'number' ? r['metric'] : 0,
    });
  }
  return out;
}

/** Parses `ip -j link show`. */
export function parseIpLinkJson(text: string): Map<string, Link> {
  const out = new Map<string, Link>();
  for (const row of parseJsonArray(text)) {
    if (typeof row !== 'object' || row === null) continue;
    const r = row as Record<string, unknown>;
    if (typeof r['ifname'] !== 'string') continue;
    const flags = Array.isArray(r['flags']) ? (r['flags'] as unknown[]) : [];
    out.set(r['ifname'], { name: r['ifname'], type: typeof r['link_type'] === 'string' ? r['link_type'] : 'none', noArp: flags.includes('NOARP') });
  }
  return out;
}

/** Whether `a` lies in prefix/length (same family assumed). */
function covers(r: Route, a: IpAddress): boolean {
  if (r.length === 0) return true;
  if (a.family === 4 && r.prefix.family === 4) return (a.value ^ r.prefix.value) >>> (32 - r.length) === 0;
  if (a.family === 6 && r.prefix.family === 6) return (a.value ^ r.prefix.value) >> BigInt(128 - r.length) === 0n;
  return false;
}

/** The longest-prefix (then lowest-metric) route of `table` covering `a`. */
function lookup(routes: readonly Route[], table: string, a: IpAddress): Route | undefined {
  let best: Route | undefined;
  for (const r of routes) {
    if (r.family !== a.family || r.table !== table || !covers(r, a)) continue;
    if (best === undefined || r.length > best.length || (r.length === best.length && r.metric < best.metric)) best = r;
  }
  return best;
}

/** Where packets to `a` go (see the file comment). */
export function pathTo(a: IpAddress, routes: readonly Route[], links: ReadonlyMap<string, Link>): Path {
  if (isLoopback(a)) return { kind: 'local' };
  const local = lookup(routes, 'local', a);
  if (local?.type === 'local') return { kind: 'local' };
  if (local?.type === 'broadcast' || local?.type === 'multicast') return { kind: 'broadcast' };
  const r = lookup(routes, 'main', a);
  if (r === undefined) return { kind: 'unroutable' };
  if (r.type === 'local') return { kind: 'local' };
  if (r.type === 'broadcast' || r.type === 'multicast') return { kind: 'broadcast' };
  if (r.type !== 'unicast') return { kind: 'unroutable' }; // unreachable, blackhole, prohibit, throw
  if (r.viaGateway || r.dev === undefined) return { kind: 'routed' };
  // Only a link that resolves addresses has neighbours to ask; on a tunnel or point-to-point
  // link every address would look "resolved", so the probes decide there.
  const link = links.get(r.dev);
  if (link !== undefined && link.type === 'ether' && !link.noArp) return { kind: 'on-link', dev: r.dev };
  return { kind: 'routed' };
}
