/**
 * The SYN scan's prober: half-open probes through raw sockets (the optional rawsock addon).
 *
 * Sending happens here, in batches: every probe asked for in one turn of the event loop goes
 * out in one sendmmsg per family after that turn's poll phase (setImmediate). Receiving happens in a worker thread
 * that blocks on the raw TCP and ICMP sockets and passes back only packets that carry our SYN
 * cookie (see core/packet/syn-cookie.ts), so matching is stateless up to the last step here:
 * (host, port) → the pending probe. A block of SOURCE_PORTS source ports serves the whole scan:
 * the n-th try of a port goes out from the n-th one, so a retransmission is not byte-identical
 * to the SYN before it (a target's connection tracking can hold the first one's state and drop
 * an exact copy: closed ports then look filtered), and a late answer to any try still counts.
 * The kernel answers each SYN-ACK with its own RST (it knows no such connection), which
 * closes the half-open connection on the target, as nmap relies on too. ICMP destination-unreachables come back as
 * Outcome.Icmp with nmap's name for the code (filtered, in every TCP scan).
 */
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { parseIp } from '../core/ip.js';
import type { IcmpReason } from '../core/types.js';
import { addressBytes, addressKey } from '../core/packet/address.js';
import { unreachableFilter, tcpDstPortFilter } from '../core/packet/bpf.js';
import { COOKIE_KEY_BYTES, synCookie } from '../core/packet/syn-cookie.js';
import { ReplyKind } from '../core/packet/syn-reply.js';
import { SYN_LENGTH, synPseudoSum, writeSyn } from '../core/packet/tcp-syn.js';
import { DeadlineHeap } from './deadline-heap.js';
import { Outcome, outcomeOfErrno, type OutcomeCode } from './outcome.js';
import type { FatalHandler, Prober } from './prober.js';
import { monotonicMs } from './raw/clock.js';
import { unreachReason } from './raw/icmp-outcome.js';
import { IPPROTO, SEND_HEADER, loadRawSock, type RawSockApi } from './raw/rawsock.js';
import type { FromReceiver, ReceiveWorkerData, ToReceiver } from './raw/receive-worker.js';
import { REPLY_FIELDS, type ReplyBatch, type SocketKind } from './raw/replies.js';
import { pickSourcePort, sourceAddressFor } from './raw/source.js';

/** The ICMP error that decided a probe: its type and code, and who sent it (a router, maybe). */
export interface IcmpDetail {
  readonly type: number;
  readonly code: number;
  readonly from: string;
}

/**
 * Receives each SYN probe's outcome; for answers also the reply's TTL (hop limit for IPv6),
 * and for Outcome.Icmp nmap's name for the code and the raw details. The prober's
 * ResultHandler fits (it takes the first five), and so does a plain (id, outcome, rtt) one.
 */
export type SynResultHandler = (id: number, outcome: OutcomeCode, rttMs: number, ttl?: number, reason?: IcmpReason, icmp?: IcmpDetail) => void;

/** Options for createSynProber. */
export interface SynProberOptions {
  /**
   * First of the SOURCE_PORTS source ports; default: a random block no TCP socket uses,
   * outside the ephemeral range.
   */
  readonly sourcePort?: number;
  /** The 16-byte cookie key; default: random. */
  readonly key?: Uint8Array;
  /** Starts the receive side; default: the receive worker thread (tests pass a scripted one). */
  readonly receiver?: (data: ReceiveWorkerData) => ReceiveThread;
}

/** What the prober needs of its receive thread (a worker_threads Worker fits). */
export interface ReceiveThread {
  postMessage(m: ToReceiver): void;
  on(event: 'message', fn: (m: FromReceiver) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  on(event: 'exit', fn: (code: number) => void): unknown;
  once(event: 'exit', fn: () => void): unknown;
  terminate(): unknown;
}

/** Whether a SYN prober can run here, and why not (one plain line). */
export function synScanAvailability(): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
  const r = loadRawSock();
  return r.ok ? { ok: true } : { ok: false, reason: r.reason };
}

/** Creates a SYN prober; throws when synScanAvailability() says no. */
export function createSynProber(opts: SynProberOptions, onResult: SynResultHandler, onFatal: FatalHandler): SynProber {
  const r = loadRawSock();
  if (!r.ok) throw new Error(`SYN scan unavailable: ${r.reason}`);
  return new SynProber(r.api, opts, onResult, onFatal);
}

/** Source ports per scan: try n of a port is sent from sourcePort + (n - 1) % SOURCE_PORTS. */
export const SOURCE_PORTS = 8;

/** One send record: the addon's header, then the SYN. */
const RECORD = SEND_HEADER + SYN_LENGTH;
/** Records per sendMany call (and per reusable batch buffer). */
const BATCH = 1024;
/**
 * How far the receive thread's read horizon may lag the clock before probes time out on the
 * clock alone (see sweep): a stalled thread must not stall the scan.
 */
const HORIZON_LAG_CAP_MS = 3000;
/** When a probe is due but the horizon has not reached it, look again this soon (ms) at the latest. */
const HORIZON_RECHECK_MS = 10;

/** Entries kept in SynProber.timedOut at most. */
const TIMED_OUT_MAX = 65536;

/** A small heap: the worker keeps no data, only a receive loop. */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 };

interface Host {
  readonly ref: number;
  readonly family: 4 | 6;
  readonly dst: Uint8Array;
  /** Our address towards this host; null until the routing lookup answers. */
  src: Uint8Array | null;
  pseudo: number;
  /** Probes asked for before the source address was known. */
  waiting: number[];
  /** Why this host cannot be probed at all (no route, bad address), once known. */
  failed: OutcomeCode | null;
}

interface Pending {
  readonly ref: number;
  readonly port: number;
  readonly timeoutMs: number;
  /** Our source port for this try. */
  readonly sport: number;
  /** Monotonic ms when the SYN went out; NaN while still queued. */
  sentAt: number;
  /** When this port's previous try went out (NaN for a first try, or when forgotten): a late answer to it may settle this one. */
  readonly prevSentAt: number;
}

interface FamilySockets {
  readonly tcp: number;
  readonly icmp: number;
}

/** Starts the receive worker from dist/ (.js), or from TypeScript sources under tsx (tests). */
function spawnReceiver(workerData: ReceiveWorkerData): ReceiveThread {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./raw/receive-worker.js', import.meta.url), { workerData, resourceLimits: WORKER_LIMITS });
  // Loader hooks are per thread: register tsx in the worker before importing the .ts entry.
  const entry = new URL('./raw/receive-worker.ts', import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`, { eval: true, workerData, resourceLimits: WORKER_LIMITS });
}

/** The SYN prober (see the file comment). */
export class SynProber implements Prober {
  readonly description: string;
  /** Our first source port: every first try goes out from it, retries from the next ones. */
  readonly sourcePort: number;
  private readonly key: Uint8Array;
  private readonly sockets = new Map<4 | 6, FamilySockets | OutcomeCode>();
  private readonly worker: ReceiveThread;
  private readonly hosts = new Map<number, Host>();
  /** Hosts by addressKey (as replies name them); usually one per address. */
  private readonly byAddress = new Map<string, Host[]>();
  private readonly pending = new Map<number, Pending>();
  /** (ref, port) → probe id, for matching replies; ref * 65536 + port. */
  private readonly byTarget = new Map<number, number>();
  private queue: number[] = [];
  private flushQueued = false;
  private readonly batch = Buffer.alloc(BATCH * RECORD);
  private readonly heap = new DeadlineHeap();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private closed = false;
  /** The fds the receive thread reads (it says so); a family's SYNs wait until its socket is among them. */
  private reading: ReadonlySet<number> = new Set();
  /**
   * (ref, port) → when the try that just timed out had been sent, until the port's next try
   * takes it over. Bounded: cleared whole past TIMED_OUT_MAX (losing only RTTs of late answers).
   */
  private readonly timedOut = new Map<number, number>();
  /** Monotonic ms before which every packet that arrived has been read and delivered (the receive thread says so). */
  private horizon = 0;

  constructor(
    private readonly api: RawSockApi,
    opts: SynProberOptions,
    private readonly onResult: SynResultHandler,
    private readonly onFatal: FatalHandler,
  ) {
    this.key = opts.key ?? randomBytes(COOKIE_KEY_BYTES);
    if (this.key.length !== COOKIE_KEY_BYTES) throw new RangeError(`the SYN cookie key must be ${COOKIE_KEY_BYTES} bytes`);
    this.sourcePort = opts.sourcePort ?? pickSourcePort(Math.random, SOURCE_PORTS);
    if (this.sourcePort < 1 || this.sourcePort + SOURCE_PORTS - 1 > 65535) throw new RangeError(`source port ${this.sourcePort} leaves no room for ${SOURCE_PORTS} ports`);
    this.worker = (opts.receiver ?? spawnReceiver)({ key: this.key, port: this.sourcePort, span: SOURCE_PORTS });
    this.worker.on('message', (m) => {
      if (m.t === 'replies') {
        this.onReplies(m.batch);
        this.advance(m.horizon);
      } else this.receiving(m.fds);
    });
    this.worker.on('error', (err) => this.onFatal(err instanceof Error ? err : new Error(String(err))));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.onFatal(new Error(`the SYN scan's receive thread exited (code ${code})`));
    });
    this.description = `raw SYN prober, source ports ${this.sourcePort}-${this.sourcePort + SOURCE_PORTS - 1}, receive thread`;
  }

  addHost(ref: number, address: string, family: 4 | 6): void {
    const ip = parseIp(address);
    const host: Host = { ref, family, dst: ip !== null ? addressBytes(ip) : new Uint8Array(0), src: null, pseudo: 0, waiting: [], failed: null };
    this.hosts.set(ref, host);
    if (ip === null || ip.family !== family) {
      host.failed = Outcome.LocalError;
      return;
    }
    const key = addressKey(host.dst);
    const same = this.byAddress.get(key);
    if (same !== undefined) same.push(host);
    else this.byAddress.set(key, [host]);
    const sockets = this.socketsFor(family);
    if (typeof sockets === 'number') {
      host.failed = sockets;
      return;
    }
    sourceAddressFor(address, family).then(
      (src) => {
        const s = parseIp(src);
        if (s === null || s.family !== family) return this.failHost(host, Outcome.LocalError);
        host.src = addressBytes(s);
        host.pseudo = synPseudoSum(host.src, host.dst);
        const waiting = host.waiting;
        host.waiting = [];
        for (const id of waiting) this.enqueue(id);
      },
      (err: NodeJS.ErrnoException) => this.failHost(host, outcomeOfErrno(err.code)),
    );
  }

  removeHost(ref: number): void {
    const host = this.hosts.get(ref);
    if (host === undefined) return;
    this.hosts.delete(ref);
    if (host.dst.length === 0) return; // never registered by address
    const key = addressKey(host.dst);
    const left = (this.byAddress.get(key) ?? []).filter((h) => h !== host);
    if (left.length > 0) this.byAddress.set(key, left);
    else this.byAddress.delete(key);
  }

  probe(id: number, ref: number, port: number, timeoutMs: number, tries = 1): void {
    const host = this.hosts.get(ref);
    if (host === undefined) throw new Error(`probe for unknown host ref ${ref}`);
    const sport = this.sourcePort + ((Math.max(1, tries) - 1) % SOURCE_PORTS);
    const target = ref * 65536 + port;
    let prevSentAt = NaN;
    if (tries > 1) {
      prevSentAt = this.timedOut.get(target) ?? NaN;
      this.timedOut.delete(target);
    }
    this.pending.set(id, { ref, port, timeoutMs, sport, sentAt: NaN, prevSentAt });
    this.byTarget.set(ref * 65536 + port, id);
    if (host.failed !== null) {
      const outcome = host.failed;
      queueMicrotask(() => this.settle(id, outcome));
    } else if (host.src === null) {
      host.waiting.push(id);
    } else {
      this.enqueue(id);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const id of [...this.pending.keys()]) this.settle(id, Outcome.Timeout);
    // The worker may be inside recvMany on these fds: let it stop between two calls (at most
    // one poll timeout away) and exit before closing them; terminate() only if it does not.
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ t: 'stop' } satisfies ToReceiver);
    const timer = setTimeout(() => void this.worker.terminate(), 1000);
    await exited;
    clearTimeout(timer);
    for (const s of this.sockets.values()) {
      if (typeof s === 'number') continue;
      this.api.close(s.tcp);
      this.api.close(s.icmp);
    }
    this.sockets.clear();
  }

  /** The raw sockets of a family, opened on first use; an outcome code when they cannot be. */
  private socketsFor(family: 4 | 6): FamilySockets | OutcomeCode {
    const have = this.sockets.get(family);
    if (have !== undefined) return have;
    let tcp = -1;
    let icmp = -1;
    try {
      tcp = this.api.open(family, IPPROTO.TCP);
      icmp = this.api.open(family, family === 4 ? IPPROTO.ICMP : IPPROTO.ICMPV6);
      // Without filters a raw TCP socket queues a copy of every segment this machine receives.
      this.api.attachFilter(tcp, tcpDstPortFilter(family, this.sourcePort, SOURCE_PORTS));
      this.api.attachFilter(icmp, unreachableFilter(family));
    } catch {
      // No IPv6 on this machine, typically (EAFNOSUPPORT): its probes fail, the others go on.
      if (tcp >= 0) this.api.close(tcp);
      if (icmp >= 0) this.api.close(icmp);
      this.sockets.set(family, Outcome.LocalError);
      return Outcome.LocalError;
    }
    const s = { tcp, icmp };
    this.sockets.set(family, s);
    const fds: number[] = [];
    const kinds: SocketKind[] = [];
    for (const v of this.sockets.values()) {
      if (typeof v === 'number') continue;
      fds.push(v.tcp, v.icmp);
      kinds.push('tcp', 'icmp');
    }
    this.worker.postMessage({ t: 'fds', fds, kinds } satisfies ToReceiver);
    return s;
  }

  private failHost(host: Host, outcome: OutcomeCode): void {
    host.failed = outcome;
    const waiting = host.waiting;
    host.waiting = [];
    for (const id of waiting) this.settle(id, outcome);
  }

  private enqueue(id: number): void {
    this.queue.push(id);
    if (!this.flushQueued) {
      this.flushQueued = true;
      // setImmediate, not a microtask: the receive thread's messages arrive a few replies
      // each, and each reply frees a probe. Flushing after every message sent SYNs one to three
      // at a time (31,000 sendmmsg calls for a loopback -p-); after the whole poll phase they go
      // out in batches of hundreds, and the scan took 0.92 s instead of 1.21 s.
      setImmediate(() => this.flush());
    }
  }

  /** Sends every queued SYN, a batch per family at a time. */
  private flush(): void {
    this.flushQueued = false;
    const queue = this.queue;
    this.queue = [];
    if (this.closed) return;
    const byFamily: Record<4 | 6, number[]> = { 4: [], 6: [] };
    for (const id of queue) {
      const p = this.pending.get(id);
      if (p === undefined) continue;
      const host = this.hosts.get(p.ref);
      if (host === undefined) this.settle(id, Outcome.LocalError); // removed with probes pending: a caller bug, but answer anyway
      else byFamily[host.family].push(id);
    }
    for (const family of [4, 6] as const) {
      const ids = byFamily[family];
      const s = this.sockets.get(family);
      // Until the receive thread reads this family's socket (tens of ms after it opens; more
      // under tsx), answers would wait unread and their probes time out: hold the SYNs back.
      if (s !== undefined && typeof s !== 'number' && !this.reading.has(s.tcp)) {
        for (const id of ids) this.queue.push(id);
        continue;
      }
      for (let i = 0; i < ids.length; i += BATCH) this.sendBatch(family, ids.slice(i, i + BATCH));
    }
  }

  private sendBatch(family: 4 | 6, ids: number[]): void {
    const sockets = this.sockets.get(family);
    if (sockets === undefined || typeof sockets === 'number') {
      for (const id of ids) this.settle(id, typeof sockets === 'number' ? sockets : Outcome.LocalError);
      return;
    }
    const buf = this.batch;
    for (let i = 0; i < ids.length; i++) {
      const p = this.pending.get(ids[i]!)!;
      const host = this.hosts.get(p.ref)!;
      const off = i * RECORD;
      buf.writeUInt32LE(SYN_LENGTH, off); // u16 length + u16 zero
      buf.writeUInt32LE(0, off + 4); // scope id
      buf.set(host.dst, off + 8);
      writeSyn(buf, off + SEND_HEADER, p.sport, p.port, synCookie(this.key, host.src!, host.dst, p.sport, p.port), host.pseudo);
    }
    let i = 0;
    while (i < ids.length) {
      // Taken before the call: on loopback the answer can be read before sendMany returns.
      const sentAt = monotonicMs();
      const r = this.api.sendMany(sockets.tcp, family, buf.subarray(i * RECORD, ids.length * RECORD), ids.length - i);
      for (let k = i; k < i + r.sent; k++) this.track(ids[k]!, sentAt);
      i += r.sent;
      if (r.code === null) break;
      if (r.code === 'EAGAIN' || r.code === 'ENOBUFS') {
        // Queues are full: the rest of the batch was not sent. The engine retries Resource.
        for (; i < ids.length; i++) this.settle(ids[i]!, Outcome.Resource);
      } else {
        // This one packet was refused (no route, a local firewall): the others may still go.
        this.settle(ids[i]!, outcomeOfErrno(r.code));
        i++;
      }
    }
  }

  private track(id: number, sentAt: number): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    p.sentAt = sentAt;
    const deadline = sentAt + p.timeoutMs;
    this.heap.push(deadline, id);
    if (deadline < this.timerAt) this.arm(deadline);
  }

  private arm(at: number): void {
    if (this.closed) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    // A few ms of slack batches expiries together.
    this.timer = setTimeout(() => this.sweep(), Math.max(0, at - monotonicMs()) + 2);
  }

  /**
   * Times out the probes that are due. A probe is due when its deadline has passed on the clock
   * and the receive thread has read past it too: a reply that arrived in time but still waits
   * unread (this machine is busy, the thread had no CPU) must not become silence, which would
   * read as a filtered port after the last try. Past HORIZON_LAG_CAP_MS of lag the clock alone
   * decides.
   */
  private sweep(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = monotonicMs();
    const limit = Math.min(now, Math.max(this.horizon, now - HORIZON_LAG_CAP_MS));
    const expired: number[] = [];
    while (this.heap.size > 0 && this.heap.peek() <= limit) expired.push(this.heap.pop());
    // Judge after the poll phase (setImmediate): replies the worker already posted are
    // delivered there, and must win over a timeout that fell due in the same turn.
    if (expired.length > 0) setImmediate(() => this.expire(expired));
    if (this.heap.size > 0) {
      const next = this.heap.peek();
      // Due on the clock but not yet read past: the next horizon (advance) or this recheck sweeps.
      this.arm(next <= now ? now + HORIZON_RECHECK_MS : next);
    }
  }

  /**
   * The receive thread has read everything that arrived before `horizon`. Due probes are left to
   * the timer (it rechecks every HORIZON_RECHECK_MS while the horizon lags): sweeping here, once
   * per message, cost a loopback -sS scan 0.25 s of CPU.
   */
  private advance(horizon: number): void {
    if (horizon > this.horizon) this.horizon = horizon;
  }

  private expire(ids: number[]): void {
    for (const id of ids) this.settle(id, Outcome.Timeout);
  }

  /** The receive thread reads these fds now: SYNs held back for them may go (see flush). */
  private receiving(fds: readonly number[]): void {
    this.reading = new Set(fds);
    if (this.queue.length > 0) this.flush();
  }

  private onReplies(b: ReplyBatch): void {
    for (let i = 0; i + REPLY_FIELDS <= b.length; i += REPLY_FIELDS) {
      const hosts = this.byAddress.get(b[i] as string);
      if (hosts === undefined) continue;
      const port = b[i + 1] as number;
      for (const host of hosts) {
        const id = this.byTarget.get(host.ref * 65536 + port);
        if (id === undefined) continue;
        const p = this.pending.get(id);
        // Already settled: a duplicate reply, or one to a port already decided.
        if (p === undefined) continue;
        // A retry still queued gets the late answer to the try before it: the cookie proves the
        // answer is to our SYN for this port, and waiting for the retry's own would only lose it.
        const sentAt = Number.isNaN(p.sentAt) ? p.prevSentAt : p.sentAt;
        if (Number.isNaN(sentAt)) continue;
        const kind = b[i + 2] as number;
        const ttl = b[i + 3] as number;
        const rtt = Math.max(0, (b[i + 7] as number) - sentAt);
        if (kind === ReplyKind.SynAck) this.settle(id, Outcome.Open, rtt, ttl);
        else if (kind === ReplyKind.Rst) this.settle(id, Outcome.Refused, rtt, ttl);
        else {
          const type = b[i + 4] as number;
          const code = b[i + 5] as number;
          const reason = unreachReason(host.family, type, code);
          if (reason === null) continue;
          this.settle(id, Outcome.Icmp, rtt, ttl, reason, { type, code, from: b[i + 6] as string });
        }
      }
    }
  }

  /** Reports a probe once; later calls for the same id are ignored. */
  private settle(id: number, outcome: OutcomeCode, rttMs?: number, ttl?: number, reason?: IcmpReason, icmp?: IcmpDetail): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    const target = p.ref * 65536 + p.port;
    if (this.byTarget.get(target) === id) this.byTarget.delete(target);
    if (outcome === Outcome.Timeout && !Number.isNaN(p.sentAt)) {
      if (this.timedOut.size >= TIMED_OUT_MAX) this.timedOut.clear();
      this.timedOut.set(target, p.sentAt);
    }
    const rtt = rttMs ?? (Number.isNaN(p.sentAt) ? 0 : Math.max(0, monotonicMs() - p.sentAt));
    if (ttl === undefined) this.onResult(id, outcome, rtt);
    else this.onResult(id, outcome, rtt, ttl, reason, icmp);
  }
}
