/**
 * Port specifications in nmap's syntax: "22,80,1000-2000", "-" (all), "-1024", "60000-",
 * service names ("http", "http*"), "[1-1024]" (registered ports in a range) and "T:" / "U:"
 * qualifiers. Pure; service names come from an injected lookup so this file does not depend
 * on the registry data.
 */
import { invalidPort, t } from './errors.js';
import type { Proto } from './types.js';

/** Ports per protocol, sorted and unique. */
export interface PortSet {
  readonly tcp: readonly number[];
  readonly udp: readonly number[];
}

/** Where service names and rankings come from (src/identify/services.ts in the tool, a fake in tests). */
export interface ServiceLookup {
  /** Ports registered under `name` ('*' and '?' may be wildcards); empty when none. */
  portsForService(name: string, proto: Proto): readonly number[];
  /** The n highest-ranked ports, sorted ascending; with n ≥ 65535, every registered port. */
  topPorts(n: number, proto: Proto): readonly number[];
}

const MAX_PORT = 65535;
const SERVICE_NAME = /^[A-Za-z*?][\w.*?+-]*$/;

function toPort(spec: string, text: string): number {
  if (!/^\d+$/.test(text)) throw invalidPort(spec, t(`"${text}" is not a port number`, `"${text}" no es un número de puerto`));
  const n = Number(text);
  // Port 0 is reserved: a connect to it cannot be made, so a scan of it would report nonsense.
  if (n < 1 || n > MAX_PORT) throw invalidPort(spec, t(`port ${text} is out of range (1-65535)`, `el puerto ${text} está fuera de rango (1-65535)`));
  return n;
}

/** A port or range ("22", "1-1024", "-1024", "60000-", "-") as [lo, hi]; null when the item is neither. */
function portRange(spec: string, item: string): readonly [number, number] | null {
  if (item === '-') return [1, MAX_PORT];
  if (/^\d+$/.test(item)) {
    const p = toPort(spec, item);
    return [p, p];
  }
  const m = /^(\d*)-(\d*)$/.exec(item);
  if (m === null) return null;
  const lo = m[1] === '' ? 1 : toPort(spec, m[1]!);
  const hi = m[2] === '' ? MAX_PORT : toPort(spec, m[2]!);
  if (lo > hi) throw invalidPort(spec, t(`range ${lo}-${hi} is reversed`, `el rango ${lo}-${hi} está invertido`));
  return [lo, hi];
}

/**
 * Parses a port specification. Items before any "T:" / "U:" qualifier apply to every protocol
 * in `protos`; a qualifier applies to the items after it, up to the next one. Throws
 * PortcullisError (PC_INVALID_PORT) naming the bad item.
 */
export function parsePortSpec(text: string, lookup: ServiceLookup, protos: readonly Proto[]): PortSet {
  const spec = text.trim();
  if (spec === '') throw invalidPort(text, t('empty port list', 'lista de puertos vacía'));
  // One byte per port and protocol: "-" is 65,535 writes, and the output comes out sorted and unique.
  const marks: Record<Proto, Uint8Array> = { tcp: new Uint8Array(MAX_PORT + 1), udp: new Uint8Array(MAX_PORT + 1) };
  let current: readonly Proto[] = protos;
  for (const raw of spec.split(',')) {
    let item = raw.trim();
    const q = /^([A-Za-z]):(.*)$/.exec(item);
    if (q !== null) {
      const letter = q[1]!.toUpperCase();
      if (letter !== 'T' && letter !== 'U') throw invalidPort(spec, t(`protocol qualifier "${q[1]!}:" is not supported (only T: and U:)`, `el calificador de protocolo "${q[1]!}:" no está soportado (solo T: y U:)`));
      current = letter === 'T' ? ['tcp'] : ['udp'];
      item = q[2]!.trim();
    }
    if (item === '') throw invalidPort(spec, t('an empty item between commas', 'un elemento vacío entre comas'));

    if (item.startsWith('[')) {
      // nmap: "[1-1024]" is the ports in that range that the service registry knows.
      if (!item.endsWith(']')) throw invalidPort(spec, t(`"${item}" has no closing "]"`, `"${item}" no tiene "]" de cierre`));
      const r = portRange(spec, item.slice(1, -1).trim());
      if (r === null) throw invalidPort(spec, t(`"${item}" does not hold a port or range`, `"${item}" no contiene un puerto ni un rango`));
      for (const p of current) for (const port of lookup.topPorts(MAX_PORT, p)) if (port >= r[0] && port <= r[1]) marks[p][port] = 1;
      continue;
    }

    const r = portRange(spec, item);
    if (r !== null) {
      for (const p of current) marks[p].fill(1, r[0], r[1] + 1);
      continue;
    }

    if (SERVICE_NAME.test(item)) {
      let found = false;
      for (const p of current) {
        for (const port of lookup.portsForService(item, p)) {
          if (port < 1 || port > MAX_PORT) continue;
          marks[p][port] = 1;
          found = true;
        }
      }
      if (!found) {
        throw invalidPort(
          spec,
          /[*?]/.test(item)
            ? t(`"${item}" matches no known service name`, `"${item}" no coincide con ningún nombre de servicio conocido`)
            : t(`"${item}" is neither a port, a range nor a known service name`, `"${item}" no es un puerto, un rango ni un nombre de servicio conocido`),
        );
      }
      continue;
    }
    throw invalidPort(spec, t(`"${item}" is not a port, range or service name`, `"${item}" no es un puerto, un rango ni un nombre de servicio`));
  }
  return { tcp: collect(marks.tcp), udp: collect(marks.udp) };
}

/** The marked ports, ascending. Runs are found with indexOf (native) and the list is allocated once: "-" costs a third of a push loop at start-up. */
function collect(marks: Uint8Array): number[] {
  const runs: number[] = [];
  let total = 0;
  for (let p = marks.indexOf(1, 1); p !== -1; ) {
    let end = marks.indexOf(0, p);
    if (end === -1) end = marks.length;
    runs.push(p, end);
    total += end - p;
    p = marks.indexOf(1, end);
  }
  const out = new Array<number>(total);
  let k = 0;
  for (let i = 0; i < runs.length; i += 2) for (let p = runs[i]!, end = runs[i + 1]!; p < end; p++) out[k++] = p;
  return out;
}

/** The ports of `set` that are not in `exclude`, per protocol. */
export function excludePorts(set: PortSet, exclude: PortSet): PortSet {
  const tcp = new Set(exclude.tcp);
  const udp = new Set(exclude.udp);
  return { tcp: set.tcp.filter((p) => !tcp.has(p)), udp: set.udp.filter((p) => !udp.has(p)) };
}

/** Compact text of a sorted, unique port list, as nmap prints it: "1-1024,8080"; "" when empty. */
export function formatPortList(ports: readonly number[]): string {
  // One run (-p-, -p 1-1024): the ends say it all, no walk over every port.
  const n = ports.length;
  if (n > 1 && ports[n - 1]! - ports[0]! === n - 1) return `${ports[0]!}-${ports[n - 1]!}`;
  // In a sorted, unique list the run from index i reaches index j exactly when
  // ports[j] − ports[i] = j − i, so each run's end is found by galloping then bisecting:
  // about 2·log2(run length) reads per run, not one per port (a -p- scan's 65,521 closed
  // ports are a handful of runs, formatted when the scan ends).
  const out: string[] = [];
  let i = 0;
  while (i < n) {
    const start = ports[i]!;
    let last = i; // known in the run
    let step = 1;
    while (i + step < n && ports[i + step]! - start === step) {
      last = i + step;
      step *= 2;
    }
    let hi = Math.min(n - 1, i + step); // past it the run is known to have ended (or the list)
    while (last < hi) {
      const mid = (last + hi + 1) >>> 1;
      if (ports[mid]! - start === mid - i) last = mid;
      else hi = mid - 1;
    }
    out.push(last === i ? String(start) : `${start}-${ports[last]!}`);
    i = last + 1;
  }
  return out.join(',');
}

/** Number of (port, proto) entries. */
export function portSetSize(set: PortSet): number {
  return set.tcp.length + set.udp.length;
}
