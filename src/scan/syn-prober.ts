/**
 * The SYN scan's prober: half-open probes through raw sockets (the optional rawsock addon).
 *
 * The packet work runs on one native thread (native/rawsock/syn.c): it builds each SYN with a
 * keyed cookie as its sequence number (core/packet/syn-cookie.ts), sends them in batches,
 * reads the raw TCP and ICMP sockets, keeps only replies that carry our cookie (the rules of
 * core/packet/syn-reply.ts), matches them to the probe of that (host, port), and times silent
 * probes out — only once every packet that arrived before the deadline has been read, so a
 * busy machine delays answers but never turns them into silence. With the send helper (see
 * SynProberOptions.sendHelper) a second native thread shares the sending. This thread only
 * queues probes (in batches, after each poll phase) and takes results. A block of SOURCE_PORTS
 * source ports serves the whole scan: the n-th try of a port goes out from the n-th one, so a
 * retransmission is not byte-identical to the SYN before it (a target's connection tracking
 * can hold the first one's state and drop an exact copy: closed ports then look filtered),
 * and a late answer to any try still counts. The kernel answers each SYN-ACK with its own RST
 * (it knows no such connection), which closes the half-open connection on the target, as
 * nmap relies on too. ICMP destination-unreachables come back as Outcome.Icmp with nmap's name
 * for the code (filtered, in every TCP scan).
 */
import { availableParallelism, constants } from 'node:os';
import { IdSet } from '../core/id-set.js';
import { parseIp } from '../core/ip.js';
import type { IcmpReason } from '../core/types.js';
import { addressBytes, addressText } from '../core/packet/address.js';
import { unreachableFilter, tcpDstPortFilter } from '../core/packet/bpf.js';
import { COOKIE_KEY_BYTES } from '../core/packet/syn-cookie.js';
import { synPseudoSum } from '../core/packet/tcp-syn.js';
import { Outcome, outcomeOfErrno, type OutcomeCode } from './outcome.js';
import type { FatalHandler, Prober } from './prober.js';
import { unreachReason } from './raw/icmp-outcome.js';
import { IPPROTO, loadRawSock, type NativeSynContext, type RawSockApi } from './raw/rawsock.js';
import { pickSourcePort } from './raw/source.js';
import { randomBytes } from './random-bytes.js';

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
  /**
   * A second native thread that sends the chunks of SYNs the packet thread hands it, from
   * sockets of its own: on loopback and veth the kernel handles each SYN and its answer inside
   * the send call, so sending is most of the scan's work and two threads carry it faster
   * (measured on two cores: loopback -p- 0.55 s → 0.40 s). Default: when the machine has more
   * than one core.
   */
  readonly sendHelper?: boolean;
}

/** Whether a SYN prober can run here, and why not (one plain line). */
export function synScanAvailability(): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
  const r = loadRawSock();
  return r.ok ? { ok: true } : { ok: false, reason: r.reason };
}

/** Creates a SYN prober; throws when synScanAvailability() says no. */
export function createSynProber(opts: SynProberOptions, onResult: SynResultHandler, onFatal: FatalHandler, onBatchEnd?: () => void): SynProber {
  const r = loadRawSock();
  if (!r.ok) throw new Error(`SYN scan unavailable: ${r.reason}`);
  return new SynProber(r.api, opts, onResult, onFatal, onBatchEnd);
}

/** Source ports per scan: try n of a port is sent from sourcePort + (n - 1) % SOURCE_PORTS. */
export const SOURCE_PORTS = 8;

/** Numbers per queued probe: [id, slot, port, timeoutMs, try]. */
const REQUEST_FIELDS = 5;
/** Probes queued by one batch of results that are handed over at once (see onResults). */
const HANDOVER_AT = 32;
/** Probes queued per submit call at most (a bigger turn is submitted in several). */
const REQUEST_BATCH = 4096;

/** errno number → name, for the native thread's send errors (the first name of aliases: EAGAIN, not EWOULDBLOCK). */
const ERRNO_NAME = new Map<number, string>();
for (const [name, n] of Object.entries(constants.errno)) if (!ERRNO_NAME.has(n)) ERRNO_NAME.set(n, name);

interface Host {
  readonly ref: number;
  /** The native thread's number for this host (reused once the host is removed). */
  readonly slot: number;
  readonly family: 4 | 6;
  readonly dst: Uint8Array;
  /** Our address towards this host (from the routing table); null when it cannot be probed. */
  src: Uint8Array | null;
  /** Why this host cannot be probed at all (no route, bad address). */
  failed: OutcomeCode | null;
}

interface FamilySockets {
  readonly tcp: number;
  readonly icmp: number;
}

/** The SYN prober (see the file comment). */
export class SynProber implements Prober {
  readonly description: string;
  readonly deliversInBatches = true;
  /** Measured on loopback -p- with the send helper: 1,024 in flight ~0.03 s faster than 256, 4,096 no faster. */
  readonly minUsefulWindow = 1024;
  /** Our first source port: every first try goes out from it, retries from the next ones. */
  readonly sourcePort: number;
  private readonly key: Uint8Array;
  private readonly ctx: NativeSynContext;
  private readonly results: Float64Array;
  private readonly froms: Uint8Array;
  private readonly fields: number;
  private readonly sockets = new Map<4 | 6, FamilySockets | OutcomeCode>();
  private readonly hosts = new Map<number, Host>();
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;
  /** Probes asked for and not yet reported. */
  private readonly pending = new IdSet(1024);
  private requests = new Float64Array(REQUEST_FIELDS * REQUEST_BATCH);
  private queued = 0;
  /** Probes handed to the packet thread and not yet reported back: 0 = it has nothing to do. */
  private outstanding = 0;
  private flushQueued = false;
  private closed = false;

  constructor(
    private readonly api: RawSockApi,
    opts: SynProberOptions,
    private readonly onResult: SynResultHandler,
    _onFatal: FatalHandler,
    /** Called after each batch of results (every result is followed by one call). */
    private readonly onBatchEnd: () => void = () => undefined,
  ) {
    this.key = opts.key ?? randomBytes(COOKIE_KEY_BYTES);
    if (this.key.length !== COOKIE_KEY_BYTES) throw new RangeError(`the SYN cookie key must be ${COOKIE_KEY_BYTES} bytes`);
    this.sourcePort = opts.sourcePort ?? pickSourcePort(api, Math.random, SOURCE_PORTS);
    if (this.sourcePort < 1 || this.sourcePort + SOURCE_PORTS - 1 > 65535) throw new RangeError(`source port ${this.sourcePort} leaves no room for ${SOURCE_PORTS} ports`);
    const syn = api.syn;
    this.fields = syn.resultFields;
    this.results = new Float64Array(syn.resultFields * syn.maxResults);
    this.froms = new Uint8Array(16 * syn.maxResults);
    const helper = opts.sendHelper ?? availableParallelism() > 1;
    this.ctx = syn.create((count) => this.onResults(count), this.results, this.froms, Uint8Array.from(this.key), this.sourcePort, SOURCE_PORTS, helper);
    this.description = `raw SYN prober, source ports ${this.sourcePort}-${this.sourcePort + SOURCE_PORTS - 1}, native packet thread${helper ? ' and send helper' : ''}`;
  }

  addHost(ref: number, address: string, family: 4 | 6): void {
    const ip = parseIp(address);
    const slot = this.freeSlots.pop() ?? this.nextSlot++;
    const host: Host = { ref, slot, family, dst: ip !== null ? addressBytes(ip) : new Uint8Array(0), src: null, failed: null };
    this.hosts.set(ref, host);
    if (ip === null || ip.family !== family) {
      host.failed = Outcome.LocalError;
      return;
    }
    const sockets = this.socketsFor(family);
    if (typeof sockets === 'number') {
      host.failed = sockets;
      return;
    }
    // Our address towards it, from the routing table (synchronous: no probe waits for it).
    let src: Uint8Array;
    try {
      src = this.api.sourceFor(family, host.dst);
    } catch (err) {
      host.failed = outcomeOfErrno((err as NodeJS.ErrnoException).code);
      return;
    }
    host.src = src;
    this.api.syn.host(this.ctx, host.slot, family, src, host.dst, 0, synPseudoSum(src, host.dst));
  }

  removeHost(ref: number): void {
    const host = this.hosts.get(ref);
    if (host === undefined) return;
    this.hosts.delete(ref);
    if (host.src !== null && !this.closed) {
      // Whatever is queued for it goes out first, under its own registration.
      this.flush();
      this.api.syn.forget(this.ctx, host.slot);
    }
    this.freeSlots.push(host.slot);
  }

  probe(id: number, ref: number, port: number, timeoutMs: number, tries = 1): void {
    const host = this.hosts.get(ref);
    if (host === undefined) throw new Error(`probe for unknown host ref ${ref}`);
    if (this.closed) {
      queueMicrotask(() => {
        this.onResult(id, Outcome.Timeout, 0);
        this.onBatchEnd();
      });
      return;
    }
    if (this.pending.size === 0) this.api.syn.ref(this.ctx, true);
    this.pending.add(id);
    const t = Math.max(1, Math.min(65535, tries));
    if (host.failed !== null) {
      const outcome = host.failed;
      queueMicrotask(() => {
        this.settle(id, outcome, 0);
        this.onBatchEnd();
      });
    } else {
      this.enqueue(id, host.slot, port, timeoutMs, t);
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    // Joins the packet thread: nothing reads or writes the sockets after this.
    this.api.syn.close(this.ctx);
    for (const id of this.pending.values()) this.settle(id, Outcome.Timeout, 0);
    this.onBatchEnd();
    for (const s of this.sockets.values()) {
      if (typeof s === 'number') continue;
      this.api.close(s.tcp);
      this.api.close(s.icmp);
    }
    this.sockets.clear();
    return Promise.resolve();
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
      this.api.syn.watch(this.ctx, family, tcp, icmp);
    } catch {
      // No IPv6 on this machine, typically (EAFNOSUPPORT): its probes fail, the others go on.
      if (tcp >= 0) this.api.close(tcp);
      if (icmp >= 0) this.api.close(icmp);
      this.sockets.set(family, Outcome.LocalError);
      return Outcome.LocalError;
    }
    const s = { tcp, icmp };
    this.sockets.set(family, s);
    return s;
  }

  private enqueue(id: number, slot: number, port: number, timeoutMs: number, tries: number): void {
    if (this.queued === REQUEST_BATCH) this.flush();
    const o = this.queued++ * REQUEST_FIELDS;
    const r = this.requests;
    r[o] = id;
    r[o + 1] = slot;
    r[o + 2] = port;
    r[o + 3] = timeoutMs;
    r[o + 4] = tries;
    // The packet thread has nothing to send (the scan's first probes): these go now, and it
    // sends them while this thread queues the rest of the window.
    if (this.outstanding === 0 && this.queued >= HANDOVER_AT) {
      this.flush();
      return;
    }
    if (!this.flushQueued) {
      this.flushQueued = true;
      // After the poll phase: every probe the engine asks for in one turn (answers come in
      // batches, and each frees a slot) goes to the packet thread in one call.
      setImmediate(() => {
        this.flushQueued = false;
        this.flush();
      });
    }
  }

  /** Hands every queued probe to the packet thread. */
  private flush(): void {
    if (this.queued === 0 || this.closed) return;
    this.api.syn.submit(this.ctx, this.requests, this.queued);
    this.outstanding += this.queued;
    this.queued = 0;
  }

  private onResults(count: number): void {
    const r = this.results;
    const f = this.fields;
    this.outstanding -= count;
    try {
      for (let i = 0; i < count; i++) {
        const o = i * f;
        const id = r[o]!;
        // Reported once: a duplicate (a late answer to a probe already settled) is dropped here.
        if (!this.pending.delete(id)) continue;
        const code = r[o + 1]!;
        const rtt = r[o + 2]!;
        if (code === 0) this.onResult(id, Outcome.Open, rtt, r[o + 3]);
        else if (code === 1) this.onResult(id, Outcome.Refused, rtt, r[o + 3]);
        else if (code === 2) {
          const type = r[o + 4]!;
          const icode = r[o + 5]!;
          // An ICMP error comes in the probe's own family (ICMPv4 for IPv4, ICMPv6 for IPv6).
          const family = r[o + 6] === 4 ? 4 : 6;
          const from = this.froms.subarray(16 * i, 16 * i + (family === 4 ? 4 : 16));
          // The packet thread passes only the codes unreachReason names; the fallback is for form's sake.
          this.onResult(id, Outcome.Icmp, rtt, r[o + 3], unreachReason(family, type, icode) ?? 'icmp-unreach', { type, code: icode, from: addressText(from) });
        } else if (code === 3) this.onResult(id, Outcome.Timeout, rtt);
        else this.onResult(id, outcomeOfErrno(ERRNO_NAME.get(-code)), 0);
      }
      // Nothing left to wait for: the packet thread no longer keeps the process alive.
      if (this.pending.size === 0 && !this.closed) this.api.syn.ref(this.ctx, false);
      this.onBatchEnd();
      // The probes these answers freed go now, not after the rest of the backlog: the packet
      // thread sends them while we read on.
      if (this.queued >= HANDOVER_AT) this.flush();
    } catch (err) {
      // Called from the addon's poll callback, which cannot raise it: raise it as uncaught.
      queueMicrotask(() => {
        throw err;
      });
    }
  }

  /** Reports a probe once; later calls for the same id are ignored. */
  private settle(id: number, outcome: OutcomeCode, rttMs: number, ttl?: number, reason?: IcmpReason, icmp?: IcmpDetail): void {
    if (!this.pending.delete(id)) return;
    if (this.pending.size === 0 && !this.closed) this.api.syn.ref(this.ctx, false);
    if (ttl === undefined) this.onResult(id, outcome, rttMs);
    else this.onResult(id, outcome, rttMs, ttl, reason, icmp);
  }
}
