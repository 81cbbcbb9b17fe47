/**
 * scan(): the library's front door. Validates options, resolves hostnames, runs the engine
 * and yields events: one header, port results as they are decided, a host report when a
 * host is finished, warnings, and one summary. Aborting the signal ends the scan early; the
 * summary then says `interrupted: true` and everything yielded before stays valid.
 */
import { setMaxListeners } from 'node:events';
import { isPortcullisError, PortcullisError } from '../core/errors.js';
import type { HostDiscovery } from '../core/discovery/verdict.js';
import type { DiscoveryTarget } from './discovery/discover.js';
import { formatIp, parseIp, type IpAddress } from '../core/ip.js';
import { blockOf, type AddressBlock, type TargetSpec } from '../core/target-spec.js';
import type { TargetSource, PlanTarget } from '../core/scan-plan.js';
import type { HostReport, PortResult, PortState, ScanEvent, ScanHeader, ScanSummary, ScanWarning } from '../core/types.js';
import { serviceName } from '../identify/services.js';
import { startEngine, type EngineAddress, type EngineSink } from './engine.js';
import { guardOpenPorts } from './open-guard.js';
import type { VerifyTiming, verifyOpen as VerifyOpen } from './open-verifier.js';
import { resolveScanOptions, type ProtocolScan, type ResolvedScanOptions, type ScanOptions } from './options.js';
import type { FatalHandler, Prober, ResultHandler } from './prober.js';
import { serviceStage, type StageDetection } from './service-stage.js';
import { VERSION } from '../version.js';

interface Entry {
  readonly block: AddressBlock;
  readonly hostname: string | undefined;
  readonly offset: number;
}

/** Targets after name resolution: blocks with offsets, minus exclusions, addressable by index. */
export class ResolvedTargets implements TargetSource<EngineAddress> {
  private readonly entries: Entry[] = [];
  readonly size: number;

  constructor(
    blocks: readonly { block: AddressBlock; hostname?: string | undefined }[],
    private readonly exclude: readonly AddressBlock[],
  ) {
    let offset = 0;
    for (const b of blocks) {
      this.entries.push({ block: b.block, hostname: b.hostname, offset });
      offset += b.block.size;
    }
    this.size = offset;
  }

  at(index: number): PlanTarget<EngineAddress> | undefined {
    let lo = 0;
    let hi = this.entries.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.entries[mid]!.offset <= index) lo = mid;
      else hi = mid - 1;
    }
    const e = this.entries[lo];
    if (e === undefined) return undefined;
    const a = e.block.at(index - e.offset);
    for (const x of this.exclude) if (x.contains(a)) return undefined;
    return { address: { text: formatIp(a), family: a.family }, hostname: e.hostname };
  }
}

async function resolveSpecs(
  specs: readonly TargetSpec[],
  r: ResolvedScanOptions,
  warn: (w: ScanWarning) => void,
  failed: { target: string; reason: string }[],
): Promise<{ block: AddressBlock; hostname?: string | undefined }[]> {
  const out: { block: AddressBlock; hostname?: string | undefined }[] = [];
  for (const spec of specs) {
    if (spec.kind === 'block') {
      out.push({ block: spec.block });
      continue;
    }
    try {
      const found = await r.resolver(spec.name, r.signal);
      const addrs: IpAddress[] = [];
      for (const f of found) {
        const ip = parseIp(f.address);
        if (ip !== null) addrs.push(ip);
      }
      if (addrs.length === 0) throw new Error('no addresses');
      const chosen = r.resolveAll ? addrs : addrs.slice(0, 1);
      out.push({ block: blockOf(chosen, spec.text), hostname: spec.name });
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      failed.push({ target: spec.text, reason: `could not resolve: ${reason}` });
      warn({ code: 'PC_UNRESOLVED', message: `failed to resolve "${spec.text}" (${reason}); skipping it`, subject: spec.text });
    }
  }
  return out;
}

/** Lets a slow consumer pause the engine (scan()'s queue uses it). */
interface FlowControl {
  readonly congested: () => boolean;
  /** Receives the function that restarts a paused engine. */
  readonly onResume: (resume: () => void) => void;
}

/**
 * Runs a scan, handing each event to `onEvent` synchronously and in order, and
 * resolves with the summary (also emitted as the last event). The callback form costs no
 * promise per event, which matters at 65,535 results; scan() wraps it as an async iterable.
 * Throws PortcullisError on invalid options.
 */
export async function runScan(options: ScanOptions, onEvent: (e: ScanEvent) => void, flow?: FlowControl, extraSignal?: AbortSignal): Promise<ScanSummary> {
  const r = resolveScanOptions(options);
  const startedAt = Date.now();
  const failed: { target: string; reason: string }[] = [];
  const warnings: ScanWarning[] = [];
  const warn = (w: ScanWarning): void => void warnings.push(w);

  const blocks = await resolveSpecs(r.targets, r, warn, failed);
  const excludeBlocks = (await resolveSpecs(r.exclude, r, warn, [])).map((b) => b.block);
  const targets = new ResolvedTargets(blocks, excludeBlocks);

  const header: ScanHeader = {
    tool: 'portcullis',
    version: VERSION,
    args: r.args,
    scanType: r.scans[0]!.kind,
    protocols: r.scans.map((x) => x.proto),
    portSpec: Object.fromEntries(r.scans.map((x) => [x.proto, x.portSpec])),
    numPorts: r.scans.reduce((n, x) => n + x.ports.length, 0),
    numHosts: targets.size,
    startedAt,
    seed: r.seed,
    ...(r.serviceDetection !== undefined ? { serviceDetection: true } : {}),
  };
  onEvent({ type: 'header', header });
  for (const w of warnings) onEvent({ type: 'warning', warning: w });

  const signals = [r.signal, extraSignal].filter((x): x is AbortSignal => x !== undefined);
  const signal = signals.length <= 1 ? signals[0] : AbortSignal.any(signals);
  // Verifications run hundreds at a time, each listening for the abort: one signal of our own
  // (without the listener limit) follows the caller's, so theirs stays untouched.
  const verifyStop = new AbortController();
  setMaxListeners(0, verifyStop.signal);
  if (signal?.aborted === true) verifyStop.abort();
  else signal?.addEventListener('abort', () => verifyStop.abort(), { once: true });
  let interrupted = false;
  const totals = { hostsDone: 0, hostsUp: 0, probesSent: 0, pairsDone: 0 };
  const counts: Partial<Record<PortState, number>> = {};
  // Host discovery first (unless -Pn): down hosts are reported and skipped, -sn stops here.
  let scanTargets: TargetSource<EngineAddress> = targets;
  let discovered: DiscoveryTally | undefined;
  if (r.discovery !== 'off') {
    discovered = await discover(targets, r, signal, onEvent);
    if (discovered.interrupted) interrupted = true;
    scanTargets = new ListTargets(discovered.up);
  }
  const portScan = r.discovery !== 'only';
  // -sV: the prober and its signature database are loaded only by scans that ask for it.
  const detect = portScan && r.serviceDetection !== undefined ? await serviceDetector(r, verifyStop.signal) : undefined;

  // One engine per protocol, TCP first (as nmap reports -sS -sU): each has its own prober and
  // its own host reports, tagged with the protocol.
  for (const part of portScan ? r.scans : []) {
    if (interrupted) break;
    const direct: EngineSink = {
      port: (result) => onEvent({ type: 'port', result }),
      everyPort: r.portEvents === 'all',
      host: (report) => onEvent({ type: 'host', report: withDiscovery(report, discovered) }),
      congested: flow?.congested,
    };
    const stage = detect === undefined ? undefined : serviceStage(direct, { detect, concurrency: r.serviceDetection!.parallelism });
    const afterGuard = stage ?? direct;
    const guard = part.proto === 'tcp' ? guardOpenPorts(afterGuard, { verifyAll: r.verify, concurrency: 256, verify: async (p) => (await loadVerifier())(p.host, p.host.includes(':') ? 6 : 4, p.port, verifyTiming(r), verifyStop.signal) }) : undefined;
    const createProber = await proberFactory(part, r);
    const engine = startEngine(
      {
        targets: scanTargets,
        ports: part.ports,
        proto: part.proto,
        kind: part.kind,
        timing: r.timing,
        seed: r.seed,
        sequential: r.sequential,
        signal,
        createProber,
        serviceName,
      },
      guard ?? afterGuard,
    );
    flow?.onResume(() => engine.resume());
    r.onStats?.(engine.stats);
    const outcome = await engine.done;
    await guard?.drained();
    await stage?.drained();
    if (outcome.error !== undefined) {
      throw new PortcullisError('PC_INTERNAL', `probing failed: ${outcome.error.message}`, { cause: outcome.error });
    }
    interrupted = outcome.interrupted;
    const st = engine.stats;
    totals.hostsDone = Math.max(totals.hostsDone, st.hostsDone);
    totals.hostsUp = Math.max(totals.hostsUp, st.hostsUp);
    totals.probesSent += st.probesSent;
    totals.pairsDone += st.pairsDone;
    for (const [state, n] of Object.entries(st.counts) as [PortState, number][]) counts[state] = (counts[state] ?? 0) + n;
    // -sV found some silent UDP ports open (they answered a probe).
    if (stage !== undefined && stage.opened > 0) {
      counts.open = (counts.open ?? 0) + stage.opened;
      counts['open|filtered'] = (counts['open|filtered'] ?? stage.opened) - stage.opened;
      if (counts['open|filtered'] === 0) delete counts['open|filtered'];
    }
  }
  const endedAt = Date.now();
  const summary: ScanSummary = {
    endedAt,
    elapsedMs: endedAt - startedAt,
    hostsTotal: discovered?.total ?? totals.hostsDone,
    hostsUp: discovered?.up.length ?? totals.hostsUp,
    probesSent: totals.probesSent,
    portsScanned: totals.pairsDone,
    counts,
    interrupted,
    failedTargets: failed,
  };
  onEvent({ type: 'summary', summary });
  return summary;
}

/** Hosts that host discovery found up, and how many it judged. */
interface DiscoveryTally {
  readonly up: PlanTarget<EngineAddress>[];
  readonly byAddress: Map<string, HostDiscovery>;
  total: number;
  interrupted: boolean;
}

/** Up hosts as the engine's target list (memory grows with the live hosts only). */
class ListTargets implements TargetSource<EngineAddress> {
  constructor(private readonly list: readonly PlanTarget<EngineAddress>[]) {}
  get size(): number {
    return this.list.length;
  }
  at(index: number): PlanTarget<EngineAddress> | undefined {
    return this.list[index];
  }
}

/** Every target in order, as discovery takes them; names are remembered for the up ones. */
function* discoveryTargets(targets: ResolvedTargets, names: Map<string, string>): Generator<DiscoveryTarget> {
  for (let i = 0; i < targets.size; i++) {
    const t = targets.at(i);
    if (t === undefined) continue;
    if (t.hostname !== undefined) names.set(t.address.text, t.hostname);
    yield { address: t.address.text, family: t.address.family };
  }
}

/** Runs host discovery over the targets: reports down hosts (and, for -sn, up ones) and returns the up ones. */
async function discover(targets: ResolvedTargets, r: ResolvedScanOptions, signal: AbortSignal | undefined, onEvent: (e: ScanEvent) => void): Promise<DiscoveryTally> {
  const names = new Map<string, string>();
  const tally: DiscoveryTally = { up: [], byAddress: new Map(), total: 0, interrupted: false };
  // Raw probes and neighbour resolution need root (the pingers fall back to connects otherwise).
  const privileged = process.getuid?.() === 0;
  try {
    // Imported here: a -Pn scan does not load the pingers.
    const { discoverHosts } = await import('./discovery/discover.js');
    for await (const d of discoverHosts(discoveryTargets(targets, names), { privileged, signal })) {
      tally.total++;
      const hostname = names.get(d.address);
      if (d.up) {
        tally.up.push({ address: { text: d.address, family: d.family }, hostname });
        tally.byAddress.set(d.address, d);
      }
      if (!d.up || r.discovery === 'only') {
        const now = Date.now();
        const report: HostReport = {
          host: d.address,
          hostname,
          family: d.family,
          proto: 'tcp',
          status: d.up ? 'up' : 'down',
          statusReason: d.reason,
          statusTtl: d.ttl,
          ports: [],
          notShown: [],
          counts: {},
          startedAt: now - (d.rttMs ?? 0),
          endedAt: now,
          srttMs: d.up && d.rttMs !== undefined ? Math.round(d.rttMs * 1000) / 1000 : null,
          timedOut: false,
        };
        onEvent({ type: 'host', report });
      }
    }
  } catch (err) {
    if (!isPortcullisError(err, 'PC_ABORTED')) throw err;
    tally.interrupted = true;
  }
  return tally;
}

/** A port-scanned host's report with what discovery said about it. */
function withDiscovery(report: HostReport, tally: DiscoveryTally | undefined): HostReport {
  const d = tally?.byAddress.get(report.host);
  return d === undefined ? report : { ...report, status: 'up', statusReason: d.reason, statusTtl: d.ttl };
}

/** The open-port verifier, loaded when a first port needs confirming (most scans never do). */
let verifier: Promise<typeof VerifyOpen> | undefined;
function loadVerifier(): Promise<typeof VerifyOpen> {
  return (verifier ??= import('./open-verifier.js').then((m) => m.verifyOpen));
}

/** How long an open-port verification waits: a connect as long as the scan's largest RTT timeout, then a short quiet spell. */
function verifyTiming(r: ResolvedScanOptions): VerifyTiming {
  return { connectMs: Math.min(Math.max(r.timing.maxRttTimeoutMs, 1000), 5000), quietMs: 800 };
}

/** The -sV detection of one open port, bound to the scan's settings and stop signal. */
async function serviceDetector(r: ResolvedScanOptions, signal: AbortSignal): Promise<(p: PortResult) => Promise<StageDetection>> {
  const { detectService } = await import('../identify/service-prober.js');
  const sv = r.serviceDetection!;
  return async (p) => {
    const d = await detectService(p.host, p.port, p.proto, { intensity: sv.intensity, timing: sv.timing, signal, servername: p.hostname });
    return { service: d.service, tls: d.tls, answered: p.proto === 'udp' ? d.answered : undefined };
  };
}

/** A factory of the prober that runs one protocol's probes. */
type ProberFactory = (onResult: ResultHandler, onFatal: FatalHandler, onBatchEnd: () => void) => Prober;

/**
 * Loads what one protocol's prober needs and returns its factory. The raw and UDP probers
 * (packet code, payload tables, a worker entry) are imported only by scans that use them, so
 * a connect scan does not pay their start-up.
 */
async function proberFactory(part: ProtocolScan, r: ResolvedScanOptions): Promise<ProberFactory> {
  switch (part.kind) {
    case 'syn': {
      const { createSynProber } = await import('./syn-prober.js');
      // A worker thread's share, for the SYN scan: the send helper (see SynProberOptions).
      return (onResult, onFatal, onBatchEnd) => createSynProber({ sendHelper: r.workers > 0 }, onResult, onFatal, onBatchEnd);
    }
    case 'connect': {
      const { createProber } = await import('./prober.js');
      return (onResult, onFatal) => createProber({ workers: r.workers, mainShare: r.mainShare, connector: r.connector }, onResult, onFatal);
    }
    case 'udp': {
      const [{ createUdpProber }, { udpPayloadFor }] = await Promise.all([import('./udp-prober.js'), import('../identify/udp-payloads.js')]);
      // The reply bytes the UDP prober offers are for service identification (not used yet).
      return (onResult) => createUdpProber({ payloadFor: udpPayloadFor, pacing: !r.udpFast }, (id, outcome, rtt) => onResult(id, outcome, rtt));
    }
  }
}

/** Runs a scan (TCP connect or SYN, and/or UDP) and yields its events. Throws PortcullisError on invalid options. */
export async function* scan(options: ScanOptions): AsyncGenerator<ScanEvent, void, undefined> {
  const queue: ScanEvent[] = [];
  let wake: (() => void) | undefined;
  let resume: () => void = () => undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  // Our own controller stops the engine when the consumer stops iterating early.
  const stop = new AbortController();
  let finished = false;
  let failure: { err: unknown } | undefined;
  const run = runScan(
    options,
    (e) => {
      queue.push(e);
      notify();
    },
    { congested: () => queue.length > 8192, onResume: (fn) => (resume = fn) },
    stop.signal,
  ).then(
    () => {
      finished = true;
      notify();
    },
    (err: unknown) => {
      failure = { err };
      finished = true;
      notify();
    },
  );
  try {
    for (;;) {
      if (queue.length > 0) {
        const batch = queue.splice(0, queue.length);
        resume();
        for (const e of batch) yield e;
        continue;
      }
      if (finished) break;
      await new Promise<void>((res) => (wake = res));
    }
    if (failure !== undefined) throw failure.err;
  } finally {
    if (!finished) {
      // The consumer stopped iterating early (break / return): stop the engine too.
      stop.abort();
      await run;
    }
  }
}
