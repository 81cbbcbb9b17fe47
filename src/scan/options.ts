/**
 * Scan options: what a library caller or the CLI asks for, validated once at the boundary
 * (each bad field named), defaults resolved once, and frozen.
 */
import { invalidOption, PortcullisError, t } from '../core/errors.js';
import type { Proto, ScanType } from '../core/types.js';
import { loadRawSock } from './raw/rawsock.js';
import { parsePortSpec, excludePorts, formatPortList, type PortSet } from '../core/port-spec.js';
import { parseTarget, type TargetSpec } from '../core/target-spec.js';
import { randomSeed } from '../core/permutation.js';
import { DEFAULT_TIMING_LEVEL, TIMING_TEMPLATES } from '../core/timing.js';
import { DEFAULT_TOP_PORTS, serviceLookup } from '../identify/services.js';
import { DEFAULT_INTENSITY } from '../identify/probe-plan.js';
import type { EngineTiming } from './engine.js';
import type { ServiceProbeTiming } from '../identify/service-prober.js';
import type { ConnectorChoice } from './tcp-connector.js';
import { systemResolver, type Resolver } from './resolve.js';
import { socketBudget } from './fd-budget.js';
import { fillRandom } from './random-bytes.js';
import { availableParallelism } from 'node:os';

/** What a caller may ask of a scan. Every field but `targets` is optional. */
export interface ScanOptions {
  /** Target specifications: addresses, CIDR blocks, nmap ranges, hostnames. */
  readonly targets: readonly string[];
  /** nmap port syntax ("22,80,1000-2000", "-", "http", "T:22"); default: the top 1000 TCP ports. */
  readonly ports?: string | undefined;
  /** Scan the N most commonly exposed ports instead of `ports`. */
  readonly topPorts?: number | undefined;
  readonly excludePorts?: string | undefined;
  /** Targets never to scan (addresses, CIDR, ranges, hostnames). */
  readonly exclude?: readonly string[] | undefined;
  /** Scan every address a hostname resolves to, not just the first. */
  readonly resolveAll?: boolean | undefined;
  /** Timing template 0 (paranoid) … 5 (insane); default 3. */
  readonly timing?: number | undefined;
  readonly minRate?: number | undefined;
  readonly maxRate?: number | undefined;
  readonly minParallelism?: number | undefined;
  readonly maxParallelism?: number | undefined;
  readonly maxRetries?: number | undefined;
  readonly hostTimeoutMs?: number | undefined;
  readonly initialRttTimeoutMs?: number | undefined;
  readonly minRttTimeoutMs?: number | undefined;
  readonly maxRttTimeoutMs?: number | undefined;
  readonly scanDelayMs?: number | undefined;
  /**
   * The TCP scan: 'connect' (nmap -sT, no privileges), 'syn' (-sS, raw packets: fails with
   * PC_PRIVILEGE when they cannot be sent), or 'auto' (SYN when possible, else connect, as nmap
   * chooses). Default 'auto', or no TCP scan when only `udp` is asked for.
   */
  readonly tcpScan?: 'auto' | 'connect' | 'syn' | undefined;
  /** Confirm every open TCP port with a full connection and a data exchange (hosts that answer for every port always get this). */
  readonly verify?: boolean | undefined;
  /**
   * Which ports get a `port` event: 'all' (the default), or 'listed' — only those a host report
   * lists one by one (open ports, and other states under the collapse threshold); the rest are
   * in the host report's notShown ranges. 'listed' saves a result object per collapsed port.
   */
  readonly portEvents?: 'all' | 'listed' | undefined;
  /**
   * Host discovery before the port scan: 'on' (nmap's default: ICMP echo and timestamp, SYN to
   * 443, ACK to 80, ARP/ND on local links as root; a connect ping to 80 and 443 otherwise),
   * 'off' (-Pn: every host is scanned), 'only' (-sn: no port scan). Default 'on'.
   */
  readonly discovery?: 'on' | 'off' | 'only' | undefined;
  /** Also (or, without `tcpScan`, only) scan UDP ports (nmap -sU). */
  readonly udp?: boolean | undefined;
  /** UDP: do not pace to the target's ICMP rate limit (faster; suppressed answers read open|filtered). */
  readonly udpFast?: boolean | undefined;
  /** Identify the service behind every open port by talking to it (nmap -sV). */
  readonly serviceDetection?: boolean | undefined;
  /** -sV: how many probes to try beyond those registered for the port, 0 (fewest) … 9 (all); default 7. */
  readonly versionIntensity?: number | undefined;
  /** -sV: waits and read bounds per port (each field optional; see DEFAULT_SERVICE_TIMING). */
  readonly serviceTiming?: Partial<ServiceProbeTiming> | undefined;
  /** -sV: ports identified at once; default 32. */
  readonly serviceParallelism?: number | undefined;
  /** Seed of the randomized order; the same seed gives the same order. */
  readonly seed?: string | undefined;
  /** Scan in natural order (nmap -r). */
  readonly sequential?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * Worker threads that probe beside the main thread; 0 = main thread only. Default: cores − 1,
   * at most 3. With the native connector: workers + 1 native probing threads instead.
   */
  readonly workers?: number | undefined;
  /**
   * Socket implementation of the connect scan: 'native' (the optional addon's threads),
   * 'fast' (libuv handles), 'net' (node:net only); default 'auto', the first that is available.
   */
  readonly connector?: ConnectorChoice | undefined;
  /** Hostname resolver; default the system's. */
  readonly resolver?: Resolver | undefined;
  /** The command line, recorded in the header of output files. */
  readonly args?: readonly string[] | undefined;
  /** Called once when probing starts, with counters that stay live until the scan ends (for progress lines). */
  readonly onStats?: ((live: Readonly<ScanProgress>) => void) | undefined;
}

/** Live counters of a running scan. */
export interface ScanProgress {
  readonly probesSent: number;
  readonly pairsDone: number;
  readonly totalPairs: number;
  readonly hostsDone: number;
  readonly inFlight: number;
}

/** One protocol's part of a scan: which probe kind, which ports. */
export interface ProtocolScan {
  readonly proto: Proto;
  readonly kind: ScanType;
  readonly ports: readonly number[];
  /** nmap's compact form of `ports`. */
  readonly portSpec: string;
}

/** -sV after validation: undefined in ResolvedScanOptions when -sV is off. */
export interface ResolvedServiceDetection {
  readonly intensity: number;
  readonly timing: Partial<ServiceProbeTiming>;
  readonly parallelism: number;
}

/** Options after validation and defaults. */
export interface ResolvedScanOptions {
  /** -sV settings, or undefined when service detection is off. */
  readonly serviceDetection: Readonly<ResolvedServiceDetection> | undefined;
  /** The scans to run, TCP first; at least one. */
  readonly scans: readonly ProtocolScan[];
  readonly udpFast: boolean;
  readonly verify: boolean;
  readonly portEvents: 'all' | 'listed';
  readonly discovery: 'on' | 'off' | 'only';
  readonly targets: readonly TargetSpec[];
  readonly exclude: readonly TargetSpec[];
  readonly ports: PortSet;
  readonly portSpec: string;
  readonly timing: EngineTiming;
  readonly seed: string;
  readonly sequential: boolean;
  readonly resolveAll: boolean;
  readonly workers: number;
  /** Share of probing the main thread takes relative to one worker (see prober.ts). */
  readonly mainShare: number;
  readonly connector: ConnectorChoice;
  readonly resolver: Resolver;
  readonly signal: AbortSignal | undefined;
  readonly args: readonly string[];
  readonly onStats: ((live: Readonly<ScanProgress>) => void) | undefined;
}

function num(name: string, v: number | undefined, min: number, max: number, integer = false): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw invalidOption(name, `${String(v)} is not ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return v;
}

/** Most (host, port) pairs one scan addresses: beyond this the index space loses precision. */
const MAX_PAIRS = 2 ** 48;

/** Validates `o`, resolves every default, and returns a frozen result. Throws PortcullisError. */
export function resolveScanOptions(o: ScanOptions): Readonly<ResolvedScanOptions> {
  // The same options object resolves once: a caller that validates before starting the scan
  // (the CLI) and the scan itself get the same result, random seed included.
  const known = resolvedCache.get(o);
  if (known !== undefined) return known;
  const r = resolve(o);
  resolvedCache.set(o, r);
  return r;
}

const resolvedCache = new WeakMap<ScanOptions, Readonly<ResolvedScanOptions>>();

function resolve(o: ScanOptions): Readonly<ResolvedScanOptions> {
  const rawTargets: unknown = o.targets;
  if (!Array.isArray(rawTargets)) throw invalidOption('targets', 'must be a list of target specifications');
  const targets = o.targets.map((t) => parseTarget(t));
  if (targets.length === 0) throw new PortcullisError('PC_EMPTY_INPUT', 'no targets were given', { subject: 'targets' });
  const exclude = (o.exclude ?? []).map((t) => parseTarget(t));

  const level = num('timing', o.timing, 0, 5, true) ?? DEFAULT_TIMING_LEVEL;
  const tpl = TIMING_TEMPLATES[level]!;
  const minRtt = num('minRttTimeoutMs', o.minRttTimeoutMs, 1, 3_600_000) ?? tpl.minRttTimeoutMs;
  const maxRtt = num('maxRttTimeoutMs', o.maxRttTimeoutMs, 1, 3_600_000) ?? Math.max(tpl.maxRttTimeoutMs, minRtt);
  if (minRtt > maxRtt) throw invalidOption('minRttTimeoutMs', `${minRtt} ms is above maxRttTimeoutMs (${maxRtt} ms)`);
  const initialRtt = num('initialRttTimeoutMs', o.initialRttTimeoutMs, 1, 3_600_000) ?? Math.min(Math.max(tpl.initialRttTimeoutMs, minRtt), maxRtt);
  const minRate = num('minRate', o.minRate, 0, 1e7) ?? 0;
  const maxRate = num('maxRate', o.maxRate, 0, 1e7) ?? 0;
  if (maxRate > 0 && minRate > maxRate) throw invalidOption('minRate', `${minRate} is above maxRate (${maxRate})`);
  const budget = socketBudget();
  const askedMaxPar = num('maxParallelism', o.maxParallelism, 1, 1e6, true);
  const maxPar = Math.min(askedMaxPar ?? tpl.maxParallelism, budget);
  const minPar = Math.min(num('minParallelism', o.minParallelism, 1, 1e6, true) ?? 1, maxPar);
  const timing: EngineTiming = {
    initialRttTimeoutMs: initialRtt,
    minRttTimeoutMs: minRtt,
    maxRttTimeoutMs: maxRtt,
    maxRetries: num('maxRetries', o.maxRetries, 0, 50, true) ?? tpl.maxRetries,
    scanDelayMs: num('scanDelayMs', o.scanDelayMs, 0, 3_600_000) ?? tpl.scanDelayMs,
    hostTimeoutMs: num('hostTimeoutMs', o.hostTimeoutMs, 0, 1e10) ?? tpl.hostTimeoutMs,
    initialCwnd: Math.max(minPar, Math.min(tpl.initialCwnd, maxPar)),
    minParallelism: minPar,
    maxParallelism: maxPar,
    minRate,
    maxRate,
  };

  const discovery = o.discovery ?? 'on';
  if (discovery !== 'on' && discovery !== 'off' && discovery !== 'only') throw invalidOption('discovery', `"${String(discovery)}" is not on, off or only`);
  const tcpAsked = o.tcpScan;
  if (tcpAsked !== undefined && tcpAsked !== 'auto' && tcpAsked !== 'connect' && tcpAsked !== 'syn') throw invalidOption('tcpScan', `"${String(tcpAsked)}" is not auto, connect or syn`);
  const protos: Proto[] = [];
  if (tcpAsked !== undefined || o.udp !== true) protos.push('tcp');
  if (o.udp === true) protos.push('udp');

  if (o.ports !== undefined && o.topPorts !== undefined) throw invalidOption('topPorts', 'give either a port list or a number of top ports, not both');
  const top = num('topPorts', o.topPorts, 1, 65535, true);
  let ports: PortSet;
  if (o.ports !== undefined) {
    ports = parsePortSpec(o.ports, serviceLookup, protos);
  } else {
    const n = top ?? DEFAULT_TOP_PORTS;
    ports = { tcp: protos.includes('tcp') ? serviceLookup.topPorts(n, 'tcp') : [], udp: protos.includes('udp') ? serviceLookup.topPorts(n, 'udp') : [] };
  }
  if (o.excludePorts !== undefined) ports = excludePorts(ports, parsePortSpec(o.excludePorts, serviceLookup, ['tcp', 'udp']));
  if (ports.udp.length > 0 && !protos.includes('udp')) {
    throw invalidOption('ports', 'UDP ports (U:) were asked for without a UDP scan: add -sU');
  }
  if (ports.tcp.length > 0 && !protos.includes('tcp')) {
    throw invalidOption('ports', 'TCP ports (T:) were asked for with only a UDP scan: add -sS or -sT');
  }
  if (ports.tcp.length + ports.udp.length === 0) throw new PortcullisError('PC_EMPTY_INPUT', 'no ports are left to scan', { subject: 'ports' });

  let hostCount = 0;
  for (const t of targets) hostCount += t.kind === 'block' ? t.block.size : 1;
  const portCount = Math.max(ports.tcp.length, ports.udp.length);
  if (hostCount * portCount > MAX_PAIRS) {
    throw new PortcullisError('PC_RANGE_TOO_LARGE', `the targets hold ${hostCount} addresses; times ${portCount} ports that is more than one scan can address (2^48 pairs)`, { subject: 'targets' });
  }

  const scans: ProtocolScan[] = [];
  if (ports.tcp.length > 0) scans.push({ proto: 'tcp', kind: tcpKind(tcpAsked ?? 'auto'), ports: ports.tcp, portSpec: formatPortList(ports.tcp) });
  if (ports.udp.length > 0) scans.push({ proto: 'udp', kind: 'udp', ports: ports.udp, portSpec: formatPortList(ports.udp) });

  // The kernel's connect path runs in the calling thread, so probing scales with threads; the
  // main thread probes too (it is idle between events), so cores − 1 workers fill the machine.
  const workers = num('workers', o.workers, 0, 64, true) ?? envWorkers() ?? Math.min(3, availableParallelism() - 1);
  const connector = o.connector ?? envConnector() ?? 'auto';
  if (connector !== 'auto' && connector !== 'native' && connector !== 'fast' && connector !== 'net') throw invalidOption('connector', `"${String(connector)}" is not auto, native, fast or net`);

  const serviceDetection = resolveServiceDetection(o);

  return Object.freeze({
    serviceDetection,
    scans,
    udpFast: o.udpFast ?? false,
    verify: o.verify ?? false,
    portEvents: o.portEvents ?? 'all',
    discovery,
    targets,
    exclude,
    ports,
    portSpec: formatPortList(ports.tcp),
    timing: Object.freeze(timing),
    seed: o.seed ?? randomSeed((b) => void fillRandom(b)),
    sequential: o.sequential ?? false,
    resolveAll: o.resolveAll ?? false,
    workers,
    mainShare: envNumber('PORTCULLIS_MAIN_SHARE', 0, 4) ?? 1,
    connector,
    resolver: o.resolver ?? systemResolver,
    signal: o.signal,
    args: o.args ?? [],
    onStats: o.onStats,
  });
}

const SERVICE_TIMING_FIELDS = ['connectMs', 'bannerMs', 'shortBannerMs', 'readMs', 'quietMs', 'totalMs', 'maxBytes'] as const;

/** Validates the -sV options; undefined when -sV is off. */
function resolveServiceDetection(o: ScanOptions): Readonly<ResolvedServiceDetection> | undefined {
  const intensity = num('versionIntensity', o.versionIntensity, 0, 9, true);
  const parallelism = num('serviceParallelism', o.serviceParallelism, 1, 4096, true);
  if (o.serviceDetection !== true) {
    if (intensity !== undefined) throw invalidOption('versionIntensity', t('needs service detection (-sV)', 'necesita la detección de servicios (-sV)'));
    return undefined;
  }
  const timing: Partial<Record<(typeof SERVICE_TIMING_FIELDS)[number], number>> = {};
  const given = (o.serviceTiming ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(given)) {
    if (!(SERVICE_TIMING_FIELDS as readonly string[]).includes(k)) throw invalidOption(`serviceTiming.${k}`, 'is not a service timing field');
  }
  for (const k of SERVICE_TIMING_FIELDS) {
    const v = num(`serviceTiming.${k}`, given[k] as number | undefined, k === 'maxBytes' ? 1024 : 1, k === 'maxBytes' ? 16 * 1024 * 1024 : 600_000, true);
    if (v !== undefined) timing[k] = v;
  }
  return Object.freeze({ intensity: intensity ?? DEFAULT_INTENSITY, timing: Object.freeze(timing), parallelism: parallelism ?? 32 });
}

/** The TCP scan kind to run: 'auto' picks SYN when raw sockets work here, as nmap does for root. */
function tcpKind(asked: 'auto' | 'connect' | 'syn'): 'connect' | 'syn' {
  if (asked === 'connect') return 'connect';
  const raw = loadRawSock();
  if (raw.ok) return 'syn';
  if (asked === 'auto') return 'connect';
  throw new PortcullisError(
    'PC_PRIVILEGE',
    t(`-sS needs raw sockets: ${raw.reason}. Run as root (or give node CAP_NET_RAW), or use -sT.`, `-sS necesita sockets en bruto: ${raw.reason}. Ejecútelo como root (o dé CAP_NET_RAW a node), o use -sT.`),
    { subject: '-sS' },
  );
}

function envNumber(name: string, min: number, max: number): number | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : num(name, Number(v), min, max);
}

function envWorkers(): number | undefined {
  const v = process.env['PORTCULLIS_WORKERS'];
  if (v === undefined || v === '') return undefined;
  return num('PORTCULLIS_WORKERS', Number(v), 0, 64, true);
}

function envConnector(): ConnectorChoice | undefined {
  const v = process.env['PORTCULLIS_CONNECTOR'];
  return v === 'native' || v === 'fast' || v === 'net' || v === 'auto' ? v : undefined;
}
