/**
 * Host discovery: which targets are up, streamed as each is decided. A window of hosts is in
 * flight at once (results not yet taken count against it), so a /16 costs no more memory than
 * a /24. Each host gets one method (core/discovery/verdict.ts): its own address is up at once,
 * an on-link host is asked of the neighbour table, others get raw probes as root or TCP
 * connects without; each try waits timeoutMs, and silence after the last try is down.
 */
import { PortcullisError, invalidTarget, t } from '../../core/errors.js';
import { formatIp, isLoopback, parseIp } from '../../core/ip.js';
import { RateLimiter } from '../../core/timing.js';
import { conclude, discoveryMethod, weigh, type DiscoveryMeans, type DiscoveryMethod, type Evidence, type HostDiscovery } from '../../core/discovery/verdict.js';
import type { Path } from '../../core/discovery/routes.js';
import { loadRawSock } from '../raw/rawsock.js';
import { ConnectPinger } from './connect-pinger.js';
import { NeighbourPinger } from './neighbour-pinger.js';
import { resolveDiscoveryOptions, type DiscoveryOptions, type ResolvedDiscoveryOptions } from './options.js';
import type { EvidenceHandler, Pinger } from './pinger.js';
import { RawPinger } from './raw-pinger.js';
import { loadPaths, type PathFinder } from './system-paths.js';

/** A target to discover. */
export interface DiscoveryTarget {
  readonly address: string;
  readonly family: 4 | 6;
}

/** The methods that send something. */
export type ActiveMethod = Exclude<DiscoveryMethod, 'localhost' | 'none'>;

/** What discoverHosts runs on; each part can be replaced (tests use a fake pinger and fixed paths). */
export interface DiscoveryDeps {
  readonly paths: () => Promise<PathFinder>;
  /** Whether raw probes can be sent; asked only for privileged runs. */
  readonly rawAvailable: () => boolean;
  readonly pinger: (method: ActiveMethod, o: Readonly<ResolvedDiscoveryOptions>, onEvidence: EvidenceHandler, onFatal: (err: Error) => void) => Pinger;
}

/** Whether a privileged run would send raw probes, and if not why (one plain line). */
export function rawDiscoveryAvailability(): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
  const r = loadRawSock();
  return r.ok ? { ok: true } : { ok: false, reason: r.reason };
}

function systemPinger(method: ActiveMethod, o: Readonly<ResolvedDiscoveryOptions>, onEvidence: EvidenceHandler, onFatal: (err: Error) => void): Pinger {
  if (method === 'neighbour') return new NeighbourPinger(onEvidence);
  if (method === 'connect') return new ConnectPinger(o.connectPorts, o.timeoutMs, onEvidence);
  const r = loadRawSock();
  if (!r.ok) throw new Error(`raw probes unavailable: ${r.reason}`);
  return new RawPinger(r.api, { echo: o.icmpEcho, timestamp: o.icmpTimestamp, synPorts: o.synPorts, ackPorts: o.ackPorts }, onEvidence, onFatal);
}

const LOCAL: Path = { kind: 'local' };

const SYSTEM: DiscoveryDeps = { paths: loadPaths, rawAvailable: () => loadRawSock().ok, pinger: systemPinger };

interface HostRun {
  readonly id: number;
  readonly address: string;
  readonly family: 4 | 6;
  readonly pinger: Pinger;
  tries: number;
  /** Rate-limit tokens still needed before the queued try may go. */
  owed: number;
  timer: NodeJS.Timeout | undefined;
  known: Evidence | undefined;
  done: boolean;
}

function aborted(): PortcullisError {
  return new PortcullisError('PC_ABORTED', t('host discovery was interrupted', 'el descubrimiento de hosts se interrumpió'));
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** The hosts in flight, their timers and the results waiting to be taken. */
class DiscoveryRun {
  private nextId = 1;
  private readonly runs = new Map<number, HostRun>();
  private readonly results: HostDiscovery[] = [];
  private readonly pingers = new Map<ActiveMethod, Pinger>();
  private readonly limiter: RateLimiter | undefined;
  private sendQueue: HostRun[] = [];
  private pumpTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  fatal: Error | undefined;

  constructor(
    private readonly o: Readonly<ResolvedDiscoveryOptions>,
    /** The routing snapshot; undefined until a target that is not loopback needs it. */
    public paths: PathFinder | undefined,
    private readonly means: DiscoveryMeans,
    private readonly deps: DiscoveryDeps,
  ) {
    this.limiter = o.maxRate > 0 ? new RateLimiter(o.maxRate, performance.now()) : undefined;
  }

  /** Hosts in flight plus results waiting: what the window bounds. */
  get load(): number {
    return this.runs.size + this.results.length;
  }

  get inFlight(): number {
    return this.runs.size;
  }

  take(): HostDiscovery | undefined {
    return this.results.shift();
  }

  /** Resolves at the next result, fatal error or poke(). */
  changed(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  start(target: DiscoveryTarget): void {
    const ip = parseIp(target.address);
    if (ip === null || ip.family !== target.family) throw invalidTarget(target.address, t(`not an IPv${target.family} address`, `no es una dirección IPv${target.family}`));
    const address = formatIp(ip);
    // Loopback is this machine whatever the routes say, so it needs no snapshot.
    const path = isLoopback(ip) ? LOCAL : this.pathsOrThrow().pathTo(ip);
    const method = discoveryMethod(path, this.means);
    if (method === 'localhost') return this.push({ address, family: ip.family, up: true, reason: 'localhost-response' });
    if (method === 'none') return this.push(conclude(address, ip.family, { up: false, reason: path.kind === 'unroutable' ? 'no-route' : 'no-response' }));
    const run: HostRun = { id: this.nextId++, address, family: ip.family, pinger: this.pinger(method), tries: 0, owed: 0, timer: undefined, known: undefined, done: false };
    this.runs.set(run.id, run);
    run.pinger.add(run.id, ip, path.kind === 'on-link' ? path.dev : undefined);
    if (!run.done) this.queueTry(run);
  }

  private pathsOrThrow(): PathFinder {
    if (this.paths === undefined) throw new Error('discovery started a routed target before reading the routes');
    return this.paths;
  }

  async close(): Promise<void> {
    if (this.pumpTimer !== undefined) clearTimeout(this.pumpTimer);
    for (const run of this.runs.values()) clearTimeout(run.timer);
    this.runs.clear();
    await Promise.all([...this.pingers.values()].map((p) => p.close()));
    this.pingers.clear();
  }

  private pinger(method: ActiveMethod): Pinger {
    let p = this.pingers.get(method);
    if (p === undefined) {
      p = this.deps.pinger(method, this.o, (id, e) => this.evidence(id, e), (err) => this.fail(err));
      this.pingers.set(method, p);
    }
    return p;
  }

  private push(r: HostDiscovery): void {
    this.results.push(r);
    this.poke();
  }

  private fail(err: Error): void {
    this.fatal ??= err;
    this.poke();
  }

  private evidence(id: number, e: Evidence): void {
    const run = this.runs.get(id);
    if (run === undefined) return; // decided already: a second answer, or a late one
    const { keep, final } = weigh(run.known, e);
    run.known = keep;
    if (final) this.finish(run);
  }

  private finish(run: HostRun): void {
    run.done = true;
    clearTimeout(run.timer);
    this.runs.delete(run.id);
    run.pinger.remove(run.id);
    this.push(conclude(run.address, run.family, run.known));
  }

  private queueTry(run: HostRun): void {
    run.tries++;
    if (this.limiter === undefined) return this.sendTry(run);
    run.owed = run.pinger.costPerTry;
    this.sendQueue.push(run);
    if (this.pumpTimer === undefined) this.pump();
  }

  /** Sends queued tries as the rate limit allows; a try goes whole, once all its tokens are in. */
  private pump(): void {
    this.pumpTimer = undefined;
    let i = 0;
    for (; i < this.sendQueue.length; i++) {
      const run = this.sendQueue[i]!;
      if (run.done) continue;
      for (; run.owed > 0; run.owed--) {
        const wait = this.limiter!.take(performance.now());
        if (wait > 0) {
          this.sendQueue = this.sendQueue.slice(i);
          this.pumpTimer = setTimeout(() => this.pump(), Math.ceil(wait));
          return;
        }
      }
      this.sendTry(run);
    }
    this.sendQueue = [];
  }

  private sendTry(run: HostRun): void {
    // The timer first: send() may report a final answer synchronously, and finish() clears it.
    run.timer = setTimeout(() => this.expire(run), this.o.timeoutMs);
    run.pinger.send(run.id);
  }

  private expire(run: HostRun): void {
    run.timer = undefined;
    if (run.done) return;
    if (run.tries < this.o.tries) this.queueTry(run);
    else this.finish(run);
  }
}

function loopbackTarget(t: DiscoveryTarget): boolean {
  const ip = parseIp(t.address);
  return ip !== null && isLoopback(ip);
}

/**
 * Discovers which targets are up, yielding one result per target as it is decided (not in
 * target order). Throws PortcullisError PC_INVALID_OPTION for bad options, PC_INVALID_TARGET
 * for an address that is not of its stated family, and PC_ABORTED when the signal aborts.
 * Breaking out of the loop stops the run and closes its sockets.
 */
export async function* discoverHosts(
  targets: Iterable<DiscoveryTarget> | AsyncIterable<DiscoveryTarget>,
  options: DiscoveryOptions,
  deps: Partial<DiscoveryDeps> = {},
): AsyncGenerator<HostDiscovery, void, undefined> {
  const o = resolveDiscoveryOptions(options);
  const d: DiscoveryDeps = { ...SYSTEM, ...deps };
  if (isAborted(o.signal)) throw aborted();
  // The routing snapshot (three `ip` runs) is read at the first target that is not loopback:
  // a scan of this machine's loopback does without it.
  const run = new DiscoveryRun(o, undefined, { raw: o.privileged && d.rawAvailable(), neighbour: o.privileged }, d);
  const onAbort = (): void => run.poke();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const it: Iterator<DiscoveryTarget> | AsyncIterator<DiscoveryTarget> = Symbol.asyncIterator in targets ? targets[Symbol.asyncIterator]() : targets[Symbol.iterator]();
  let exhausted = false;
  try {
    for (;;) {
      // Read through the signal each time: the abort comes while this loop waits.
      if (isAborted(o.signal)) throw aborted();
      if (run.fatal !== undefined) throw run.fatal;
      while (!exhausted && run.load < o.window) {
        const next = await it.next();
        if (next.done === true) exhausted = true;
        else {
          if (run.paths === undefined && !loopbackTarget(next.value)) run.paths = await d.paths();
          run.start(next.value);
        }
      }
      const r = run.take();
      if (r !== undefined) {
        yield r;
        continue;
      }
      if (exhausted && run.inFlight === 0) return;
      await run.changed();
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await run.close();
    if (!exhausted) await it.return?.();
  }
}
