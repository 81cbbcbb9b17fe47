/**
 * Options of host discovery: validated once at the boundary, each bad field named, defaults
 * resolved, the result frozen. The defaults are nmap's probe set and a one-second wait per try.
 */
import { invalidOption } from '../../core/errors.js';

/** Options for discoverHosts. */
export interface DiscoveryOptions {
  /** Aborting ends the run: the iterator throws PC_ABORTED. */
  readonly signal?: AbortSignal | undefined;
  /** Raw probes and neighbour resolution (root; raw probes also need the addon); false: connect ping only. */
  readonly privileged: boolean;
  /** How long one try waits for an answer, ms (default 1000). */
  readonly timeoutMs?: number | undefined;
  /** Tries after the first (default 1). */
  readonly retries?: number | undefined;
  /** Hosts in flight at once, results not yet taken included (default 256): the run's memory bound. */
  readonly window?: number | undefined;
  /** Packets (or connects) per second at most; 0 or absent: no limit. */
  readonly maxRate?: number | undefined;
  /** Raw probes: ICMP echo (default true), ICMP timestamp (IPv4, default true), SYN ports (default [443]), ACK ports (default [80]). */
  readonly icmpEcho?: boolean | undefined;
  readonly icmpTimestamp?: boolean | undefined;
  readonly synPorts?: readonly number[] | undefined;
  readonly ackPorts?: readonly number[] | undefined;
  /** Connect ping ports (default [80, 443]). */
  readonly connectPorts?: readonly number[] | undefined;
}

/** DiscoveryOptions with every default filled in. */
export interface ResolvedDiscoveryOptions {
  readonly signal: AbortSignal | undefined;
  readonly privileged: boolean;
  readonly timeoutMs: number;
  readonly tries: number;
  readonly window: number;
  readonly maxRate: number;
  readonly icmpEcho: boolean;
  readonly icmpTimestamp: boolean;
  readonly synPorts: readonly number[];
  readonly ackPorts: readonly number[];
  readonly connectPorts: readonly number[];
}

/** A bad value as the error message shows it. */
function show(v: unknown): string {
  // JSON: quotes a string, shows an object's fields; undefined, functions and symbols by their type.
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v; // a BigInt or a cycle
  }
}

function num(name: string, v: unknown, min: number, max: number, fallback: number, integer = true): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw invalidOption(name, `${show(v)} is not ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return v;
}

function bool(name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw invalidOption(name, `${show(v)} is not true or false`);
  return v;
}

function ports(name: string, v: unknown, fallback: readonly number[]): readonly number[] {
  if (v === undefined) return Object.freeze([...fallback]);
  if (!Array.isArray(v)) throw invalidOption(name, 'must be a list of port numbers');
  const list = (v as unknown[]).map((p) => num(name, p, 1, 65535, 0));
  return Object.freeze([...new Set(list)]);
}

/** Validates options (PC_INVALID_OPTION naming the field) and fills in the defaults. */
export function resolveDiscoveryOptions(o: DiscoveryOptions): Readonly<ResolvedDiscoveryOptions> {
  const privileged: unknown = o.privileged;
  if (typeof privileged !== 'boolean') throw invalidOption('privileged', 'must be true or false');
  const r: ResolvedDiscoveryOptions = {
    signal: o.signal,
    privileged,
    timeoutMs: num('timeoutMs', o.timeoutMs, 1, 3_600_000, 1000),
    tries: num('retries', o.retries, 0, 100, 1) + 1,
    window: num('window', o.window, 1, 65536, 256),
    maxRate: num('maxRate', o.maxRate, 0, 1e7, 0, false),
    icmpEcho: bool('icmpEcho', o.icmpEcho, true),
    icmpTimestamp: bool('icmpTimestamp', o.icmpTimestamp, true),
    synPorts: ports('synPorts', o.synPorts, [443]),
    ackPorts: ports('ackPorts', o.ackPorts, [80]),
    connectPorts: ports('connectPorts', o.connectPorts, [80, 443]),
  };
  if (r.connectPorts.length === 0) throw invalidOption('connectPorts', 'needs at least one port');
  if (!r.icmpEcho && !r.icmpTimestamp && r.synPorts.length === 0 && r.ackPorts.length === 0) {
    throw invalidOption('icmpEcho', 'every raw probe is turned off: nothing would be sent');
  }
  return Object.freeze(r);
}
