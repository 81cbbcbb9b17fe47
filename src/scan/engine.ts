/**
 * The connect-scan engine: pulls (host, port) pairs from the plan, keeps as many probes in
 * flight as each host's congestion window and the process's descriptor budget allow,
 * retransmits silent ports, and turns probe outcomes into port states and host reports.
 * It never touches a socket: probes go through an injected Prober, so the scheduler is
 * tested with a fake prober.
 */
import { CongestionWindow, RateLimiter, RttEstimator, allowedTries } from '../core/timing.js';
import { ScanPlan, type PlanGroup, type TargetSource } from '../core/scan-plan.js';
import type { HostReport, IcmpReason, PortResult, PortState, Proto, Reason, ScanType, ServiceInfo } from '../core/types.js';
import { VERDICTS } from './verdicts.js';
import { Outcome, type OutcomeCode } from './outcome.js';
import type { FatalHandler, Prober, ResultHandler } from './prober.js';
import { PendingQueue } from './pending-queue.js';

/** A target address as the engine needs it. */
export interface EngineAddress {
  readonly text: string;
  readonly family: 4 | 6;
}

/** Resolved timing knobs (ms and counts). */
export interface EngineTiming {
  readonly initialRttTimeoutMs: number;
  readonly minRttTimeoutMs: number;
  readonly maxRttTimeoutMs: number;
  readonly maxRetries: number;
  readonly scanDelayMs: number;
  readonly hostTimeoutMs: number;
  readonly initialCwnd: number;
  readonly minParallelism: number;
  readonly maxParallelism: number;
  readonly minRate: number;
  readonly maxRate: number;
}

/** Everything the engine needs; built by resolveScanOptions and the scan() front door. */
export interface EngineOptions {
  readonly targets: TargetSource<EngineAddress>;
  readonly ports: readonly number[];
  readonly proto: Proto;
  /** Which scan the prober runs: names the states and reasons (see verdicts.ts). Default connect. */
  readonly kind?: ScanType | undefined;
  readonly timing: EngineTiming;
  readonly seed: string;
  readonly sequential: boolean;
  readonly signal?: AbortSignal | undefined;
  /** Creates the prober; the engine owns it and closes it. */
  readonly createProber: (onResult: ResultHandler, onFatal: FatalHandler, onBatchEnd: () => void) => Prober;
  /** Registered service name of a port, for the table-based `service` field. */
  readonly serviceName?: ((port: number, proto: Proto) => string | undefined) | undefined;
  /** Listing threshold: a non-open state with more ports than this is collapsed ("Not shown"). */
  readonly collapseAbove?: number;
}

/** Where the engine delivers results. Calls are synchronous and in order. */
export interface EngineSink {
  /**
   * Every port's result (everyPort true or absent); with everyPort false, only the results its
   * host's report lists one by one: open ports, and other states while they stay under the
   * collapse threshold.
   */
  port(result: PortResult): void;
  /**
   * False when the consumer reads the other ports from the host reports only (their notShown
   * ranges): the engine then builds no result object for them, and calls `tally` instead.
   */
  readonly everyPort?: boolean;
  /** A port decided without a result object (everyPort false): its host and state. */
  tally?(host: string, state: PortState): void;
  host(report: HostReport): void;
  /** True when the consumer is behind; the engine stops launching until `resume` is called. */
  readonly congested?: () => boolean;
}

/** Counters the engine keeps for progress and the summary. */
export interface EngineStats {
  probesSent: number;
  pairsDone: number;
  totalPairs: number;
  hostsDone: number;
  hostsUp: number;
  inFlight: number;
  /** Ports decided so far per state (computed when read). */
  readonly counts: Partial<Record<PortState, number>>;
}

/** Resume hook the engine installs so a congested sink can restart it. */
export interface EngineHandle {
  readonly stats: EngineStats;
  /**
   * Resolves when every pair has a state, or the signal aborted the scan (interrupted = true);
   * `error` is set when probing itself failed.
   */
  readonly done: Promise<{ interrupted: boolean; error?: Error }>;
  /** Call when a congested sink has drained. */
  resume(): void;
}

interface HostState {
  readonly ref: number;
  readonly address: EngineAddress;
  readonly hostname: string | undefined;
  readonly rtt: RttEstimator;
  readonly cwnd: CongestionWindow;
  inFlight: number;
  /** Pairs waiting for room. */
  readonly pending: PendingQueue;
  remaining: number;
  maxSuccessfulTry: number;
  /** When the window was last reduced for loss (performance.now()). */
  lastReductionAt: number;
  /** Smoothed share of answers that needed a retransmission (0..1). */
  lossShare: number;
  /** Fastest answer seen (ms): the path's base RTT, free of our own queueing. */
  minRttMs: number;
  /** Smoothed share of probes that end in a timeout (0..1). */
  timeoutShare: number;
  completions: number;
  timeouts: number;
  readonly startedAt: number;
  registered: boolean;
  inReady: boolean;
  finished: boolean;
  timedOut: boolean;
  up: boolean;
  /**
   * Ports decided per (state, reason) combo (see comboOf), and the combos in the order the host
   * first met them: its report's counts and reasons are built from them, in that order. Numbers
   * indexed by a small integer, not objects keyed by state and reason names: these are updated
   * for every port, and keyed stores with changing names are V8's slowest property accesses.
   */
  readonly comboCounts: number[];
  readonly comboOrder: number[];
  /**
   * Listed ports per state (indexed as STATES); a state's list is dropped (null) once it passes
   * the threshold, undefined until its first port.
   */
  readonly listed: (PortResult[] | null | undefined)[];
  /** Per port index, the (state, reason) it was decided with (see comboOf); 0 = not decided. */
  readonly decided: Uint16Array;
}

/** Port states by index (HostState.listed, comboState). */
const STATES: readonly PortState[] = ['open', 'closed', 'filtered', 'unfiltered', 'open|filtered', 'closed|filtered'];
const OPEN_STATE = 0;

/**
 * Adds one to counts[i], growing the array with zeros (it stays packed); `order` gets i when
 * this is its first.
 */
function countInto(counts: number[], order: number[], i: number): void {
  while (counts.length <= i) counts.push(0);
  if (counts[i]!++ === 0) order.push(i);
}

/** A probe in flight. Records are pooled (see launch): a full scan launches tens of thousands. */
interface ProbeRecord {
  /** The probe's id; a record back in the pool has id 0. */
  id: number;
  /** Uses of this record's slot so far (1..ID_ROUNDS, then round again). */
  round: number;
  host: HostState;
  portIndex: number;
  tries: number;
  selfConnects: number;
  /** When this pair's first try went out (ms since the scan started). */
  firstSentAt: number;
}

/**
 * Probe ids are slot + g × ID_SLOTS, g counting the slot's uses from 1 to ID_ROUNDS: the
 * record is found by its slot without a map, a duplicate result for a finished probe finds
 * another id there and is dropped, and ids stay small integers (V8 Smis: no heap number per
 * probe). Slots are bounded by the probes in flight (≤ 1,000,000).
 */
const ID_SLOTS = 1 << 20;
const ID_ROUNDS = 1023;

const PENDING_CAP = 16_384;
/** buildReport cuts a dominant combo's ports out of the port list at this many places at most. */
const MAX_CUTS = 1024;
/**
 * Little's law: a host needs about rate × (time a probe holds its slot) probes in flight.
 * Beyond that, more sockets only queue in our own event loop and cost memory (measured on
 * loopback: 8,192 in flight was slower and 60 MB larger than 500). The slot time is tracked
 * per host, timeouts included, so a firewalled host still gets thousands in flight.
 */
const RATE_TARGET = 60_000;
const MIN_USEFUL_WINDOW = 256;
const entry = [0, 0, 0, 0];

/** Starts the engine; results flow into `sink`. */
export function startEngine(opts: EngineOptions, sink: EngineSink): EngineHandle {
  const { timing, ports, proto } = opts;
  const verdicts = VERDICTS[opts.kind ?? 'connect'];
  const plan = new ScanPlan(opts.targets, ports.length, { seed: opts.seed, sequential: opts.sequential });
  const collapseAbove = opts.collapseAbove ?? 25;
  const everyPort = sink.everyPort ?? true;
  let portsAscending = true;
  for (let i = 1; i < ports.length && portsAscending; i++) portsAscending = ports[i - 1]! < ports[i]!;
  const stats: EngineStats = {
    probesSent: 0,
    pairsDone: 0,
    totalPairs: plan.totalPairs,
    hostsDone: 0,
    hostsUp: 0,
    inFlight: 0,
    get counts() {
      return countsOf(comboTotals, comboOrderAll).counts;
    },
  };
  const global = new CongestionWindow(timing.maxParallelism, Math.max(1, timing.minParallelism), timing.maxParallelism);
  const limiter = timing.maxRate > 0 ? new RateLimiter(timing.maxRate, performance.now()) : null;
  /** Records by slot (id % ID_SLOTS), and the free slots. */
  const records: ProbeRecord[] = [];
  const freeSlots: number[] = [];
  const readyHosts: HostState[] = [];
  const active = new Set<HostState>();
  // Group-wide RTT: a new host starts from what its neighbours taught us, as nmap does.
  const groupRtt = new RttEstimator();
  let group: PlanGroup<EngineAddress> | undefined;
  let groupHosts: HostState[] = [];
  let nextPair = 0;
  let pendingTotal = 0;
  let nextRef = 1;
  let planDone = false;
  let finished = false;
  let interrupted = false;
  let wakeTimer: NodeJS.Timeout | undefined;
  let lastSendAt = -Infinity;
  const startedAt = performance.now();
  let fatal: Error | undefined;
  let resolveDone!: (v: { interrupted: boolean; error?: Error }) => void;
  const done = new Promise<{ interrupted: boolean; error?: Error }>((r) => (resolveDone = r));

  const prober = opts.createProber(
    onResult,
    (err) => {
      fatal ??= err;
      interrupted = true;
      finish();
    },
    onBatchEnd,
  );
  // A prober that delivers results in batches (Prober.deliversInBatches) calls onBatchEnd after each: the
  // engine then refills the window once per batch, not once per result.
  const batched = prober.deliversInBatches === true;
  const minUseful = prober.minUsefulWindow ?? MIN_USEFUL_WINDOW;
  let pumpWanted = false;
  /** performance.now() read once per batch of results (NaN: not read yet in this batch). */
  let batchNow = NaN;
  function resultTime(): number {
    if (!batched) return performance.now();
    if (batchNow !== batchNow) batchNow = performance.now();
    return batchNow;
  }
  function requestPump(): void {
    if (batched) pumpWanted = true;
    else pump();
  }
  function onBatchEnd(): void {
    batchNow = NaN;
    if (!pumpWanted) return;
    pumpWanted = false;
    pump();
  }

  const onAbort = (): void => {
    if (finished) return;
    interrupted = true;
    finish();
  };
  if (opts.signal?.aborted) queueMicrotask(onAbort);
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  function newHost(t: { address: EngineAddress; hostname?: string | undefined }, now: number): HostState {
    return {
      ref: nextRef++,
      address: t.address,
      hostname: t.hostname,
      rtt: new RttEstimator(),
      // A loss halves the window, but never below a quarter of the starting window: the
      // probes are tiny and a scan that crawls at one probe per RTT helps nobody.
      cwnd: new CongestionWindow(timing.initialCwnd, Math.max(timing.minParallelism, Math.min(32, Math.floor(timing.initialCwnd / 4))), timing.maxParallelism),
      inFlight: 0,
      pending: new PendingQueue(),
      remaining: ports.length,
      maxSuccessfulTry: 0,
      lastReductionAt: -Infinity,
      lossShare: 0,
      minRttMs: Infinity,
      timeoutShare: 0,
      completions: 0,
      timeouts: 0,
      startedAt: now,
      registered: false,
      inReady: false,
      finished: false,
      timedOut: false,
      up: false,
      comboCounts: [],
      comboOrder: [],
      listed: [undefined, undefined, undefined, undefined, undefined, undefined],
      decided: new Uint16Array(ports.length),
    };
  }

  function timeoutFor(h: HostState): number {
    const est = h.rtt.srtt !== null ? h.rtt : groupRtt;
    return est.timeout(timing.initialRttTimeoutMs, timing.minRttTimeoutMs, timing.maxRttTimeoutMs);
  }

  function hostHasRoom(h: HostState, forceRate: boolean): boolean {
    if (forceRate) return true;
    return h.inFlight < Math.min(h.cwnd.limit, usefulWindow(h));
  }

  /** How many probes in flight can still raise this host's rate (see RATE_TARGET). */
  function usefulWindow(h: HostState): number {
    if (h.completions < 64) return Infinity;
    const base = Number.isFinite(h.minRttMs) ? h.minRttMs : timeoutFor(h);
    const holdMs = h.timeoutShare * timeoutFor(h) + (1 - h.timeoutShare) * base;
    return Math.max(minUseful, (RATE_TARGET * holdMs * 2) / 1000);
  }

  // The same bound for the whole scan: many hosts each with a useful window of their own would
  // otherwise fill the descriptor budget with sockets that cannot raise the rate either.
  let allCompletions = 0;
  let allMinRtt = Infinity;
  let allTimeoutShare = 0;
  function globalUsefulWindow(): number {
    // Until answers say otherwise, the whole scan starts as wide as a few hosts would: a group
    // of many hosts opening every host's initial window at once held ~8,000 sockets before the
    // first answer came back, for no gain in rate (measured on a local /22: +20 MB peak RSS).
    if (allCompletions < 256) return Math.max(minUseful, 4 * timing.initialCwnd);
    const timeout = groupRtt.timeout(timing.initialRttTimeoutMs, timing.minRttTimeoutMs, timing.maxRttTimeoutMs);
    const base = Number.isFinite(allMinRtt) ? allMinRtt : timeout;
    const holdMs = allTimeoutShare * timeout + (1 - allTimeoutShare) * base;
    return Math.max(minUseful, (RATE_TARGET * holdMs * 2) / 1000);
  }

  function behindMinRate(now: number): boolean {
    return timing.minRate > 0 && stats.probesSent < (timing.minRate * (now - startedAt)) / 1000;
  }

  function launch(h: HostState, portIndex: number, tries: number, selfConnects: number, firstSentAt: number, now: number): void {
    if (!h.registered) {
      prober.addHost(h.ref, h.address.text, h.address.family);
      h.registered = true;
    }
    const slot = freeSlots.length > 0 ? freeSlots.pop()! : records.length;
    const first = tries === 1 && selfConnects === 0 ? Math.round(now - startedAt) : firstSentAt;
    const rec = records[slot];
    let id: number;
    if (rec === undefined) {
      id = slot + ID_SLOTS;
      records.push({ id, round: 1, host: h, portIndex, tries, selfConnects, firstSentAt: first });
    } else {
      rec.round = rec.round >= ID_ROUNDS ? 1 : rec.round + 1;
      id = slot + ID_SLOTS * rec.round;
      rec.id = id;
      rec.host = h;
      rec.portIndex = portIndex;
      rec.tries = tries;
      rec.selfConnects = selfConnects;
      rec.firstSentAt = first;
    }
    h.inFlight++;
    stats.inFlight++;
    stats.probesSent++;
    // Only --scan-delay reads it: a double stored per probe would be a heap number per probe.
    if (timing.scanDelayMs > 0) lastSendAt = now;
    prober.probe(id, h.ref, ports[portIndex]!, timeoutFor(h), tries);
  }

  function markReady(h: HostState): void {
    if (!h.inReady && h.pending.length > 0 && !h.finished) {
      h.inReady = true;
      readyHosts.push(h);
    }
  }

  /** The port index of the pair takeFresh returned last (no array per pair). */
  let freshPort = 0;
  /** Next fresh pair from the plan (its host; its port index in freshPort), moving to the next group when one is exhausted. */
  function takeFresh(now: number): HostState | undefined {
    for (;;) {
      if (group !== undefined && nextPair < group.pairs) {
        const code = group.codeAt(nextPair++);
        const n = groupHosts.length;
        const h = groupHosts[code % n]!;
        if (h.finished) continue; // host timed out
        freshPort = Math.floor(code / n);
        return h;
      }
      if (planDone) return undefined;
      group = plan.nextGroup();
      nextPair = 0;
      if (group === undefined) {
        planDone = true;
        groupHosts = [];
        return undefined;
      }
      groupHosts = group.hosts.map((t) => newHost(t, now));
      for (const h of groupHosts) active.add(h);
    }
  }

  function pump(): void {
    if (finished) return;
    if (wakeTimer !== undefined) {
      clearTimeout(wakeTimer);
      wakeTimer = undefined;
    }
    if (sink.congested?.() === true) return; // resume() restarts us
    const now = performance.now();
    const force = behindMinRate(now);
    const limit = Math.min(global.limit, globalUsefulWindow());
    while (stats.inFlight < limit || (force && stats.inFlight < timing.maxParallelism)) {
      if (timing.scanDelayMs > 0 && now - lastSendAt < timing.scanDelayMs) {
        wake(timing.scanDelayMs - (now - lastSendAt));
        break;
      }
      if (limiter !== null) {
        const wait = limiter.take(now);
        if (wait > 0) {
          wake(wait);
          break;
        }
      }
      if (!launchOne(now, force)) {
        // Nothing launchable; refund the token we took so the rate stays honest.
        break;
      }
    }
    if (timing.minRate > 0 && !planDone) wake(50);
    checkFinished();
  }

  function launchOne(now: number, force: boolean): boolean {
    while (readyHosts.length > 0) {
      const h = readyHosts[0]!;
      if (h.finished || h.pending.length === 0 || !hostHasRoom(h, force)) {
        readyHosts.shift();
        h.inReady = false;
        continue;
      }
      h.pending.shift(entry);
      pendingTotal--;
      launch(h, entry[0]!, entry[1]!, entry[2]!, entry[3]!, now);
      if (h.pending.length === 0 || !hostHasRoom(h, force)) {
        readyHosts.shift();
        h.inReady = false;
      }
      return true;
    }
    while (pendingTotal < PENDING_CAP) {
      const h = takeFresh(now);
      if (h === undefined) return false;
      const pi = freshPort;
      if (hostHasRoom(h, force)) {
        launch(h, pi, 1, 0, 0, now);
        return true;
      }
      h.pending.push(pi, 1, 0, 0);
      pendingTotal++;
      // One host and it is full: nothing else could go now, stop drawing fresh pairs.
      if (groupHosts.length === 1) return false;
    }
    return false;
  }

  function wake(ms: number): void {
    if (wakeTimer !== undefined || finished) return;
    wakeTimer = setTimeout(
      () => {
        wakeTimer = undefined;
        pump();
      },
      Math.max(1, Math.ceil(ms)),
    );
  }

  function onResult(id: number, outcome: OutcomeCode, rttMs: number, ttl?: number, icmp?: IcmpReason): void {
    const slot = id % ID_SLOTS;
    const rec = records[slot];
    if (rec === undefined || rec.id !== id) return;
    rec.id = 0;
    // The slot goes back to the pool only after the record was read to the end (pump, below,
    // launches new probes into other slots meanwhile).
    try {
      handleResult(rec, outcome, rttMs, ttl, icmp);
    } finally {
      freeSlots.push(slot);
    }
  }

  function handleResult(rec: ProbeRecord, outcome: OutcomeCode, rttMs: number, ttl?: number, icmp?: IcmpReason): void {
    const h = rec.host;
    h.inFlight--;
    stats.inFlight--;
    if (finished || h.finished) {
      requestPump();
      return;
    }
    const now = resultTime();
    if (outcome !== Outcome.Resource) {
      h.completions++;
      if (outcome === Outcome.Timeout) h.timeouts++;
      h.timeoutShare += ((outcome === Outcome.Timeout ? 1 : 0) - h.timeoutShare) / 32;
      if (outcome !== Outcome.Timeout && rttMs < h.minRttMs) h.minRttMs = rttMs;
      allCompletions++;
      allTimeoutShare += ((outcome === Outcome.Timeout ? 1 : 0) - allTimeoutShare) / 64;
      if (outcome !== Outcome.Timeout && rttMs < allMinRtt) allMinRtt = rttMs;
    }
    if (opts.timing.hostTimeoutMs > 0 && now - h.startedAt > opts.timing.hostTimeoutMs) {
      timeOutHost(h);
      requestPump();
      return;
    }
    switch (outcome) {
      case Outcome.Open:
      case Outcome.Refused:
        answered(h, rec, rttMs, now);
        decide(h, rec, outcome === Outcome.Open ? answeredCombo : refusedCombo, rttMs, ttl);
        break;
      case Outcome.HostUnreach:
      case Outcome.NetUnreach:
      case Outcome.AdminProhibited:
        h.rtt.sample(rttMs);
        groupRtt.sample(rttMs);
        decide(h, rec, comboOf('filtered', outcome === Outcome.HostUnreach ? 'host-unreach' : outcome === Outcome.NetUnreach ? 'net-unreach' : 'admin-prohibited'), rttMs);
        break;
      case Outcome.Icmp:
        h.rtt.sample(rttMs);
        groupRtt.sample(rttMs);
        decide(h, rec, comboOf('filtered', icmp ?? 'icmp-unreach'), rttMs, ttl);
        break;
      case Outcome.Timeout:
        if (rec.tries === 1 && h.maxSuccessfulTry === 0) {
          // Silence on a first try from a host that has never lost a probe is a firewall's
          // answer, not congestion: let the window open as it would for a reply.
          h.cwnd.onAnswer();
        }
        if (rec.tries < triesFor(h)) requeue(h, rec, rec.tries + 1, rec.selfConnects);
        else decide(h, rec, silentCombo, null);
        break;
      case Outcome.Unverified:
        // A completion we cannot trust (see Outcome.Unverified): ask again, a few times at most.
        if (rec.selfConnects < 3) requeue(h, rec, rec.tries, rec.selfConnects + 1);
        else decide(h, rec, comboOf('filtered', 'no-response'), null);
        break;
      case Outcome.SelfConnect:
        // Our own socket met itself: nothing listens there. Ask again from another source port.
        if (rec.selfConnects < 3) requeue(h, rec, rec.tries, rec.selfConnects + 1);
        else decide(h, rec, refusedCombo, rttMs);
        break;
      case Outcome.Resource:
        // Back-pressure, not an answer: shrink the global window and send the pair again.
        global.onResourceLimit(stats.inFlight + 1);
        requeue(h, rec, rec.tries, rec.selfConnects);
        wake(10);
        return;
      default:
        decide(h, rec, comboOf('filtered', 'no-response'), null);
        break;
    }
    global.onAnswer();
    // The completion freed a slot on this host: its waiting pairs go first.
    markReady(h);
    requestPump();
  }

  function answered(h: HostState, rec: ProbeRecord, rttMs: number, now: number): void {
    h.up = true;
    if (rec.tries === 1) {
      h.lossShare -= h.lossShare / 64;
      h.rtt.sample(rttMs);
      groupRtt.sample(rttMs);
      h.cwnd.onAnswer();
    } else {
      // A retransmission was answered: the earlier try was lost on the way. (Karn: no RTT sample.)
      h.maxSuccessfulTry = Math.max(h.maxSuccessfulTry, rec.tries - 1);
      h.lossShare += (1 - h.lossShare) / 64;
      // Loss is congestion only when queues are building (RTT well above the path's base) or
      // losses are frequent; random loss on a long path (0.2% on a WAN) is not a reason to
      // slow down — Reno would cap such a scan near 1.22/√p probes per RTT. One congestion
      // event loses many probes at once, so react once per event: only to losses of probes
      // sent after the last reduction (TCP's once-per-window rule).
      const queueing = h.rtt.srtt !== null && h.rtt.srtt > 1.5 * h.minRttMs + 1;
      if ((queueing || h.lossShare > 0.1) && startedAt + rec.firstSentAt > h.lastReductionAt) {
        h.cwnd.onDrop(now, 0);
        h.lastReductionAt = now;
      }
    }
  }

  function requeue(h: HostState, rec: ProbeRecord, tries: number, selfs: number): void {
    // Retries go to the front so a host's stragglers are finished before fresh work.
    h.pending.unshift(rec.portIndex, tries, selfs, rec.firstSentAt);
    pendingTotal++;
    markReady(h);
  }

  /**
   * Probes a silent port gets. nmap's rule (allowedTries) retries as often as this host has
   * ever needed; on a host that mostly answers, one silence is more likely a lost packet than
   * a filter, so such a port gets a third probe even before any loss was seen — losses that
   * strike early in a scan would otherwise turn closed ports into filtered ones.
   */
  function triesFor(h: HostState): number {
    const rule = allowedTries(h.maxSuccessfulTry, timing.maxRetries);
    return h.completions >= 64 && h.timeouts < h.completions / 2 ? Math.max(rule, Math.min(3, timing.maxRetries + 1)) : rule;
  }

  // Results are immutable, so one ServiceInfo per port serves every host (indexed by port:
  // an array lookup per result, not a map's).
  const services: (ServiceInfo | null | undefined)[] = new Array<ServiceInfo | null | undefined>(65536);
  function serviceOf(port: number): ServiceInfo | undefined {
    let s = services[port];
    if (s === undefined) {
      const name = opts.serviceName?.(port, proto);
      s = name === undefined ? null : { name, method: 'table', confidence: 3 };
      services[port] = s;
    }
    return s ?? undefined;
  }

  function decide(h: HostState, rec: ProbeRecord, combo: number, rttMs: number | null, ttl?: number): void {
    h.decided[rec.portIndex] = combo;
    countInto(h.comboCounts, h.comboOrder, combo);
    countInto(comboTotals, comboOrderAll, combo);
    const si = comboState[combo]!;
    const list = h.listed[si];
    // Listed one by one in the host's report: every open port; another state until it has more
    // ports than the threshold (then its list is dropped for good and the report names its
    // ports by range from `decided`).
    const listed = list === undefined || (list !== null && (si === OPEN_STATE || list.length < collapseAbove));
    if (!listed && list !== null) h.listed[si] = null;
    if (listed || everyPort) {
      const port = ports[rec.portIndex]!;
      const service = serviceOf(port);
      const rtt = rttMs === null ? null : Math.round(rttMs * 1000) / 1000;
      const state = STATES[si]!;
      const reason = comboReason[combo]!;
      // Two literals rather than adding reasonTtl afterwards: one shape each, no property store.
      const result: PortResult =
        ttl === undefined
          ? { host: h.address.text, hostname: h.hostname, port, proto, state, reason, rttMs: rtt, tries: rec.tries, service }
          : { host: h.address.text, hostname: h.hostname, port, proto, state, reason, rttMs: rtt, tries: rec.tries, service, reasonTtl: ttl };
      if (listed) {
        if (list === undefined) h.listed[si] = [result];
        else list.push(result);
      }
      sink.port(result);
    } else sink.tally?.(h.address.text, STATES[si]!);
    h.remaining--;
    stats.pairsDone++;
    if (h.remaining === 0) completeHost(h);
  }

  function timeOutHost(h: HostState): void {
    h.timedOut = true;
    stats.pairsDone += h.remaining;
    completeHost(h);
  }

  function completeHost(h: HostState): void {
    h.finished = true;
    pendingTotal -= h.pending.length;
    h.pending.clear();
    active.delete(h);
    if (h.registered) prober.removeHost(h.ref);
    stats.hostsDone++;
    if (h.up) stats.hostsUp++;
    sink.host(buildReport(h));
  }

  // Every (state, reason) a port was decided with, numbered from 1: a host keeps one small
  // number per port, which names the ports collapsed into "not shown" in its report.
  const comboState: number[] = [OPEN_STATE];
  const comboReason: Reason[] = ['syn-ack'];
  const comboIds = new Map<PortState, Map<Reason, number>>();
  function comboOf(state: PortState, reason: Reason): number {
    let byReason = comboIds.get(state);
    if (byReason === undefined) comboIds.set(state, (byReason = new Map<Reason, number>()));
    let id = byReason.get(reason);
    if (id === undefined) {
      id = comboState.length;
      comboState.push(STATES.indexOf(state));
      comboReason.push(reason);
      byReason.set(reason, id);
    }
    return id;
  }
  const answeredCombo = comboOf(verdicts.answered.state, verdicts.answered.reason);
  const refusedCombo = comboOf(verdicts.refused.state, verdicts.refused.reason);
  const silentCombo = comboOf(verdicts.silent.state, verdicts.silent.reason);
  /** Ports decided per combo over the whole scan, and the combos in first-seen order (stats.counts). */
  const comboTotals: number[] = [];
  const comboOrderAll: number[] = [];

  /** Counts per state and per (state, reason), from counts per combo, in the combos' first-seen order. */
  function countsOf(counts: readonly number[], order: readonly number[]): { counts: Partial<Record<PortState, number>>; reasons: Partial<Record<PortState, Record<string, number>>> } {
    const byState: Partial<Record<PortState, number>> = {};
    const reasons: Partial<Record<PortState, Record<string, number>>> = {};
    for (const c of order) {
      const state = STATES[comboState[c]!]!;
      const n = counts[c]!;
      byState[state] = (byState[state] ?? 0) + n;
      (reasons[state] ??= {})[comboReason[c]!] = n;
    }
    return { counts: byState, reasons };
  }

  function buildReport(h: HostState): HostReport {
    const listedPorts: PortResult[] = [];
    const notShown: { state: PortState; count: number; reasons: Record<string, number>; ports: Record<string, number[]> }[] = [];
    const collapsed = new Map<PortState, Record<string, number[]>>();
    const { counts, reasons } = countsOf(h.comboCounts, h.comboOrder);
    for (const state of Object.keys(counts) as PortState[]) {
      const list = h.listed[STATES.indexOf(state)];
      if (list === null || list === undefined) {
        const byReason: Record<string, number[]> = {};
        collapsed.set(state, byReason);
        notShown.push({ state, count: counts[state] ?? 0, reasons: reasons[state] ?? {}, ports: byReason });
      } else listedPorts.push(...list);
    }
    if (collapsed.size > 0) {
      // Each collapsed (state, reason) gets its ports from `decided`, the combo of every port
      // index, without a JS loop over all of them (65,535 for -p-, run once, unoptimised, as the
      // scan ends): a combo's ports are found by jumping between them with indexOf (native), and
      // a combo that holds most of the host's ports is cut, natively, out of the port list
      // between the few ports that do not hold it. Reasons are added in the order of their first
      // port, lists come out in port order when the port list is ascending (it is for every
      // port spec: see collect) and are sorted otherwise.
      const decided = h.decided;
      const total = decided.length;
      const present = h.comboOrder.filter((c) => collapsed.has(STATES[comboState[c]!]!));
      const firstAt = new Map(present.map((c) => [c, decided.indexOf(c)]));
      present.sort((a, b) => firstAt.get(a)! - firstAt.get(b)!);
      for (const c of present) {
        const count = h.comboCounts[c]!;
        let list: number[] | undefined;
        if (count * 2 > total) {
          // The ports that hold another combo, or none yet (0: the host timed out first).
          const others: number[] = [];
          for (const o of [0, ...h.comboOrder]) {
            if (o === c) continue;
            for (let i = decided.indexOf(o); i !== -1 && others.length <= MAX_CUTS; i = decided.indexOf(o, i + 1)) others.push(i);
          }
          if (others.length <= MAX_CUTS) {
            others.sort((a, b) => a - b);
            const parts: number[][] = [];
            let from = 0;
            for (const i of others) {
              if (i > from) parts.push(ports.slice(from, i));
              from = i + 1;
            }
            if (from < total) parts.push(ports.slice(from, total));
            list = parts.length === 1 ? parts[0]! : ([] as number[]).concat(...parts);
          }
        }
        if (list === undefined) {
          list = new Array<number>(count);
          let k = 0;
          for (let i = decided.indexOf(c); i !== -1; i = decided.indexOf(c, i + 1)) list[k++] = ports[i]!;
        }
        if (!portsAscending) {
          const sorted = Float64Array.from(list).sort();
          for (let k = 0; k < sorted.length; k++) list[k] = sorted[k]!;
        }
        collapsed.get(STATES[comboState[c]!]!)![comboReason[c]!] = list;
      }
    }
    listedPorts.sort((a, b) => a.port - b.port);
    notShown.sort((a, b) => b.count - a.count);
    return {
      host: h.address.text,
      hostname: h.hostname,
      family: h.address.family,
      proto,
      status: h.up ? 'up' : 'unknown',
      ports: listedPorts,
      notShown,
      counts,
      startedAt: Date.now() - (performance.now() - h.startedAt),
      endedAt: Date.now(),
      srttMs: h.rtt.srtt === null ? null : Math.round(h.rtt.srtt * 1000) / 1000,
      timedOut: h.timedOut,
    };
  }

  function checkFinished(): void {
    if (!finished && planDone && stats.inFlight === 0 && active.size === 0) finish();
  }

  function finish(): void {
    if (finished) return;
    finished = true;
    if (wakeTimer !== undefined) clearTimeout(wakeTimer);
    opts.signal?.removeEventListener('abort', onAbort);
    prober
      .close()
      .catch(() => undefined)
      .finally(() => resolveDone(fatal === undefined ? { interrupted } : { interrupted, error: fatal }));
  }

  queueMicrotask(pump);
  return { stats, done, resume: pump };
}
