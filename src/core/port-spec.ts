/**
 * Port specifications in nmap's syntax: "22,80,1000-2000", "-" (all), "-1024", "60000-",
 * service names ("http", "http*"), and "T:" / "U:" qualifiers. Pure; service names come from
 * an injected lookup so this file does not depend on the registry data.
 */
import { invalidPort, t } from './errors.js';
import type { Proto } from './types.js';

/** Ports per protocol, sorted and unique. */
export interface PortSet {
  readonly tcp: readonly number[];
  readonly udp: readonly number[];
}

/** Where service names and rankings come from. */
export interface ServiceLookup {
  portsForService(name: string, proto: Proto): readonly number[];
  topPorts(n: number, proto: Proto): readonly number[];
}

function toPort(spec: string, text: string): number {
  if (!/^\d+$/.test(text)) throw invalidPort(spec, t(`"${text}" is not a port number`, `"${text}" no es un número de puerto`));
  const n = Number(text);
  if (n < 1 || n > 65535) throw invalidPort(spec, t(`port ${text} is out of range (1-65535)`, `el puerto ${text} está fuera de rango (1-65535)`));
  return n;
}

/** Parses a port specification for the given default protocols. Throws naming the bad part. */
export function parsePortSpec(text: string, lookup: ServiceLookup, protos: readonly Proto[]): PortSet {
  const spec = text.trim();
  if (spec === '') throw invalidPort(text, t('empty port list', 'lista de puertos vacía'));
  const sets: Record<Proto, Set<number>> = { tcp: new Set(), udp: new Set() };
  let current: readonly Proto[] = protos;
  for (const raw of spec.split(',')) {
    let item = raw.trim();
    const q = /^([TUtu]):(.*)$/.exec(item);
    if (q !== null) {
      current = q[1]!.toUpperCase() === 'T' ? ['tcp'] : ['udp'];
      item = q[2]!.trim();
    }
    if (item.startsWith('[') && item.endsWith(']')) item = item.slice(1, -1);
    if (item === '') throw invalidPort(spec, t('an empty item between commas', 'un elemento vacío entre comas'));
    const add = (lo: number, hi: number): void => {
      for (const p of current) for (let x = lo; x <= hi; x++) sets[p].add(x);
    };
    if (item === '-') {
      add(1, 65535);
      continue;
    }
    const range = /^(\d*)-(\d*)$/.exec(item);
    if (range !== null) {
      const lo = range[1] === '' ? 1 : toPort(spec, range[1]!);
      const hi = range[2] === '' ? 65535 : toPort(spec, range[2]!);
      if (lo > hi) throw invalidPort(spec, t(`range ${lo}-${hi} is reversed`, `el rango ${lo}-${hi} está invertido`));
      add(lo, hi);
      continue;
    }
    if (/^\d+$/.test(item)) {
      const p = toPort(spec, item);
      add(p, p);
      continue;
    }
    if (/^[A-Za-z*?][\w.*?+-]*$/.test(item)) {
      let found = false;
      for (const p of current) {
        for (const port of lookup.portsForService(item, p)) {
          sets[p].add(port);
          found = true;
        }
      }
      if (!found) throw invalidPort(spec, t(`"${item}" is neither a port, a range nor a known service name`, `"${item}" no es un puerto, un rango ni un nombre de servicio conocido`));
      continue;
    }
    throw invalidPort(spec, t(`"${item}" is not a port, range or service name`, `"${item}" no es un puerto, un rango ni un nombre de servicio`));
  }
  return { tcp: sorted(sets.tcp), udp: sorted(sets.udp) };
}

function sorted(s: Set<number>): number[] {
  return [...s].sort((a, b) => a - b);
}

/** The ports of `set` that are not in `exclude`. */
export function excludePorts(set: PortSet, exclude: PortSet): PortSet {
  const t = new Set(exclude.tcp);
  const u = new Set(exclude.udp);
  return { tcp: set.tcp.filter((p) => !t.has(p)), udp: set.udp.filter((p) => !u.has(p)) };
}

/** Compact text of a sorted port list: "1-1024,8080". */
export function formatPortList(ports: readonly number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < ports.length) {
    const start = ports[i]!;
    let end = start;
    while (i + 1 < ports.length && ports[i + 1] === end + 1) end = ports[++i]!;
    out.push(start === end ? String(start) : `${start}-${end}`);
    i++;
  }
  return out.join(',');
}

/** Number of (port, proto) entries. */
export function portSetSize(set: PortSet): number {
  return set.tcp.length + set.udp.length;
}
