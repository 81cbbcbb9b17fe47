/**
 * The UDP scan's prober, unprivileged: one connected UDP socket per probe (node:dgram). A
 * connected socket is the only way an ordinary process learns of the ICMP errors its datagrams
 * draw: Linux reports port-unreachable on it as ECONNREFUSED, administratively-prohibited as
 * EHOSTUNREACH (IPv4) or EACCES (IPv6). Outcomes, in the engine's terms:
 *
 * - any datagram back → Open, with the first bytes of the reply for service identification;
 * - ECONNREFUSED → Refused (closed);
 * - EHOSTUNREACH / ENETUNREACH / EACCES → the filtered outcomes;
 * - silence until the timeout → Timeout, which the engine reports as open|filtered for UDP;
 * - EMFILE / ENOBUFS and the like → Resource (not an answer: the engine tries again later).
 *
 * Without IP_RECVERR, which Node cannot set, Linux does not report the "soft" ICMP errors (host
 * and network unreachable, codes 0 and 1) on a UDP socket: such ports look silent, not
 * filtered. Nor can we see who sent an ICMP error: a router's port-unreachable counts as closed.
 *
 * With `pacing` (the default), each host's ICMP answers feed an IcmpPacer: probes wait for the
 * host's ICMP rate limit, and a silence that the limit may have caused is sent again instead of
 * being reported, so that Timeout means a real silence. `pacing: false` is `--udp-fast`.
 */
import { createSocket, type Socket } from 'node:dgram';
import { IcmpPacer, type ProbeAnswer } from '../core/icmp-pacing.js';
import { DeadlineHeap } from './deadline-heap.js';
import { Outcome, outcomeOfErrno, type OutcomeCode } from './outcome.js';
import type { Prober } from './prober.js';

/** How much of a reply is kept for service identification. */
export const REPLY_KEEP_BYTES = 512;

/**
 * Receives each probe's outcome; for Open, also the first bytes of the reply (at most
 * REPLY_KEEP_BYTES). A plain ResultHandler fits: the extra argument may be ignored.
 */
export type UdpResultHandler = (id: number, outcome: OutcomeCode, rttMs: number, reply?: Buffer) => void;

/** Options for createUdpProber. */
export interface UdpProberOptions {
  /** The datagram to send to a port (identify/udp-payloads' udpPayloadFor). */
  readonly payloadFor: (port: number) => Buffer;
  /** Pace to each host's ICMP limit and re-send silences it may have caused (default true). */
  readonly pacing?: boolean;
  /** Re-sends of one probe after silences the limit may have caused (default 10); then Timeout. */
  readonly maxResends?: number;
  /** The slowest ICMP limiter assumed, per second (default 1: Linux's default). */
  readonly minIcmpRatePerSec?: number;
}

interface Probe {
  readonly id: number;
  readonly host: Host;
  readonly port: number;
  readonly timeoutMs: number;
  resends: number;
}

interface Host {
  readonly address: string;
  readonly family: 4 | 6;
  readonly pacer: IcmpPacer | null;
  /** Probes waiting for the pacer, re-sends first. */
  readonly queue: Probe[];
  /** Silent probes waiting for the pacer's verdict, by ticket. */
  readonly unjudged: Map<number, { probe: Probe; rttMs: number }>;
  /** When the host's wake-up is due in the heap (Infinity: none). */
  wakeAt: number;
  /** Heap key of the wake-up: negative, apart from probe ids. */
  readonly key: number;
}

interface Flight {
  readonly probe: Probe;
  readonly socket: Socket;
  readonly sentAt: number;
  readonly deadline: number;
  readonly ticket: number;
}

/** Creates the unprivileged UDP prober (see the file comment). */
export function createUdpProber(opts: UdpProberOptions, onResult: UdpResultHandler): Prober {
  return new UdpProber(opts, onResult);
}

class UdpProber implements Prober {
  readonly description: string;
  private readonly hosts = new Map<number, Host>();
  private readonly flights = new Map<number, Flight>();
  /** Probe deadlines (key = probe id) and host wake-ups (key = -1 - ref): one timer for both. */
  private readonly heap = new DeadlineHeap();
  private readonly wakeups = new Map<number, Host>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private closed = false;
  private readonly pacing: boolean;
  private readonly maxResends: number;

  constructor(
    private readonly opts: UdpProberOptions,
    private readonly onResult: UdpResultHandler,
  ) {
    this.pacing = opts.pacing ?? true;
    this.maxResends = opts.maxResends ?? 10;
    this.description = `udp sockets, main thread, ${this.pacing ? 'paced to ICMP limits' : 'unpaced (--udp-fast)'}`;
  }

  addHost(ref: number, address: string, family: 4 | 6): void {
    const pacer = this.pacing ? new IcmpPacer(this.opts.minIcmpRatePerSec !== undefined ? { minRatePerSec: this.opts.minIcmpRatePerSec } : {}) : null;
    const host: Host = { address, family, pacer, queue: [], unjudged: new Map(), wakeAt: Infinity, key: -1 - ref };
    this.hosts.set(ref, host);
    this.wakeups.set(host.key, host);
  }

  removeHost(ref: number): void {
    const h = this.hosts.get(ref);
    if (h === undefined) return;
    this.hosts.delete(ref);
    this.wakeups.delete(h.key);
  }

  probe(id: number, ref: number, port: number, timeoutMs: number): void {
    const host = this.hosts.get(ref);
    if (host === undefined) throw new Error(`probe for unknown host ref ${ref}`);
    const p: Probe = { id, host, port, timeoutMs, resends: 0 };
    if (host.pacer === null) {
      this.send(p);
      return;
    }
    host.queue.push(p);
    this.pump(host);
  }

  /** Sends the host's waiting probes while its pacer allows. */
  private pump(h: Host): void {
    const pacer = h.pacer;
    if (pacer === null || this.closed) return;
    while (h.queue.length > 0) {
      const now = performance.now();
      // First tries and first re-sends may explore a faster limit (see IcmpPacer.delay).
      const wait = pacer.delay(now, h.queue[0]!.resends < 2);
      if (wait > 0) {
        if (Number.isFinite(wait)) this.wakeAt(h, now + wait);
        return; // Infinity: a probe in flight ends first, and pumps again
      }
      this.send(h.queue.shift()!);
    }
  }

  private send(p: Probe): void {
    const h = p.host;
    let socket: Socket;
    try {
      socket = createSocket(h.family === 6 ? 'udp6' : 'udp4');
    } catch (err) {
      this.failSoon(p, outcomeOfErrno((err as NodeJS.ErrnoException).code));
      return;
    }
    const sentAt = performance.now();
    const f: Flight = { probe: p, socket, sentAt, deadline: sentAt + p.timeoutMs, ticket: h.pacer?.sent(sentAt) ?? -1 };
    this.flights.set(p.id, f);
    this.push(f.deadline, p.id);
    socket.on('message', (msg: Buffer) => {
      // Node reads at most 64 KiB per datagram; we keep a copy of the start, not the read buffer.
      this.settle(f, Outcome.Open, Buffer.from(msg.subarray(0, REPLY_KEEP_BYTES)));
    });
    // ICMP errors arrive as a failed read (ECONNREFUSED...); local failures as bind/connect/send errors.
    socket.on('error', (err: NodeJS.ErrnoException) => this.settle(f, outcomeOfErrno(err.code)));
    socket.connect(p.port, h.address, (err?: Error) => {
      if (err !== undefined && err !== null) {
        this.settle(f, outcomeOfErrno((err as NodeJS.ErrnoException).code));
        return;
      }
      if (this.flights.get(p.id) !== f) return;
      socket.send(this.opts.payloadFor(p.port), (sendErr) => {
        if (sendErr !== null && sendErr !== undefined) this.settle(f, outcomeOfErrno((sendErr as NodeJS.ErrnoException).code));
      });
    });
  }

  /** Reports a probe that never got a socket, asynchronously like every other outcome. */
  private failSoon(p: Probe, outcome: OutcomeCode): void {
    const at = performance.now();
    queueMicrotask(() => this.onResult(p.id, outcome, performance.now() - at));
  }

  /** Ends a flight once; later events for it (a late error after the timeout) are ignored. */
  private settle(f: Flight, outcome: OutcomeCode, reply?: Buffer): void {
    const p = f.probe;
    if (this.flights.get(p.id) !== f) return;
    this.flights.delete(p.id);
    try {
      f.socket.close();
    } catch {
      // already closed by a failed bind
    }
    const rttMs = performance.now() - f.sentAt;
    const pacer = p.host.pacer;
    if (pacer === null || this.closed) {
      this.onResult(p.id, outcome, rttMs, reply);
      return;
    }
    const answer = answerOf(outcome);
    if (answer === 'silent') p.host.unjudged.set(f.ticket, { probe: p, rttMs });
    else this.onResult(p.id, outcome, rttMs, reply);
    for (const v of pacer.settle(f.ticket, answer)) {
      const w = p.host.unjudged.get(v.ticket);
      if (w === undefined) continue;
      p.host.unjudged.delete(v.ticket);
      if (v.suppressed && w.probe.resends < this.maxResends) {
        // The host may have swallowed the ICMP answer: ask again when it has a token.
        w.probe.resends++;
        p.host.queue.unshift(w.probe);
      } else {
        this.onResult(w.probe.id, Outcome.Timeout, w.rttMs);
      }
    }
    this.pump(p.host);
  }

  private wakeAt(h: Host, at: number): void {
    if (at >= h.wakeAt) return;
    h.wakeAt = at;
    this.push(at, h.key);
  }

  private push(deadline: number, key: number): void {
    this.heap.push(deadline, key);
    if (deadline < this.timerAt) this.arm(deadline);
  }

  private arm(at: number): void {
    if (this.closed) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.sweep(), Math.max(0, at - performance.now()) + 1);
  }

  private sweep(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = performance.now();
    const due: number[] = [];
    while (this.heap.size > 0 && this.heap.peek() <= now) due.push(this.heap.pop());
    // Judge expiries after the poll phase: answers already waiting in the kernel are read
    // first, or a busy event loop would turn them into timeouts.
    if (due.length > 0) setImmediate(() => this.expire(due));
    if (this.heap.size > 0) this.arm(this.heap.peek());
  }

  private expire(keys: readonly number[]): void {
    const now = performance.now();
    const woken = new Set<Host>();
    for (const key of keys) {
      if (key < 0) {
        const h = this.wakeups.get(key);
        if (h !== undefined && h.wakeAt <= now) {
          h.wakeAt = Infinity;
          woken.add(h);
        }
        continue;
      }
      const f = this.flights.get(key);
      // A stale entry: that probe ended, and its id may have been reused since.
      if (f !== undefined && f.deadline <= now) this.settle(f, Outcome.Timeout);
    }
    for (const h of woken) this.pump(h);
  }

  close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const f of [...this.flights.values()]) this.settle(f, Outcome.Timeout);
    for (const h of this.hosts.values()) {
      for (const w of h.unjudged.values()) this.onResult(w.probe.id, Outcome.Timeout, w.rttMs);
      h.unjudged.clear();
      for (const p of h.queue.splice(0)) this.onResult(p.id, Outcome.Timeout, 0);
    }
    return Promise.resolve();
  }
}

/** What an outcome means to the host's ICMP limiter. */
function answerOf(outcome: OutcomeCode): ProbeAnswer {
  switch (outcome) {
    case Outcome.Open:
      return 'reply';
    case Outcome.Refused:
    case Outcome.HostUnreach:
    case Outcome.NetUnreach:
    case Outcome.AdminProhibited:
      return 'icmp';
    case Outcome.Timeout:
      return 'silent';
    default:
      return 'unsent';
  }
}
