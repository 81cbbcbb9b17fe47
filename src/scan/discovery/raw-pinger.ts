/**
 * Host discovery's raw probes, as root with the rawsock addon: per try, an ICMP echo request,
 * a TCP SYN to 443, a TCP ACK to 80 and (IPv4) an ICMP timestamp request — nmap's default
 * set. Replies are matched without per-probe state: ICMP ones by this scan's identifier and
 * the keyed sequence number of the target, TCP ones by the SYN cookie (core/discovery/*).
 *
 * Replies are read on the main thread, polling the raw sockets every few ms with a zero
 * timeout. The SYN prober reads in a worker because a port scan's replies come by the
 * hundred thousand; discovery gets at most a few per host, and a worker's start-up (hundreds
 * of ms under tsx) would cost more than it saves. Arrival times are the kernel's, so polling
 * does not inflate round-trip times.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { addressBytes, addressKey } from '../../core/packet/address.js';
import { parseIcmpv4Error, parseIcmpv6Error } from '../../core/packet/icmp.js';
import { parseIpv4 } from '../../core/packet/ipv4.js';
import { COOKIE_KEY_BYTES, synCookie } from '../../core/packet/syn-cookie.js';
import { tcpDstPortFilter } from '../../core/packet/bpf.js';
import { SYN_LENGTH, synPseudoSum, writeSyn } from '../../core/packet/tcp-syn.js';
import { ECHO_LENGTH, IcmpType, TIMESTAMP_LENGTH, parsePingReply, pingSequence, quotedPing, writeEcho, writeTimestamp } from '../../core/discovery/icmp-ping.js';
import { pingReplyFilter } from '../../core/discovery/ping-filter.js';
import { ACK_LENGTH, classifyTcpPing, quotedTcpIsOurs, writeAck } from '../../core/discovery/tcp-ping.js';
import { formatIp, parseIp, type IpAddress } from '../../core/ip.js';
import type { Evidence } from '../../core/discovery/verdict.js';
import { monotonicMs } from '../raw/clock.js';
import { unreachReason } from '../raw/icmp-outcome.js';
import { IPPROTO, RECV_HEADER, SEND_HEADER, type RawSockApi } from '../raw/rawsock.js';
import { pickSourcePort } from '../raw/source.js';
import type { EvidenceHandler, Pinger } from './pinger.js';
import { SourceLookup } from './source-lookup.js';

/** Which probes each try sends. */
export interface RawProbeSet {
  readonly echo: boolean;
  /** IPv4 only: ICMPv6 has no timestamp request. */
  readonly timestamp: boolean;
  readonly synPorts: readonly number[];
  readonly ackPorts: readonly number[];
}

/** How often the sockets are read while hosts wait. */
const POLL_MS = 5;
/** Packets read per poll at most; the rest wait for the next one. */
const MAX_PACKETS = 512;

interface Host {
  readonly family: 4 | 6;
  readonly dst: Uint8Array;
  readonly key: string;
  readonly seq: number;
  /** Our address towards the host; null until the routing lookup answers. */
  src: Uint8Array | null;
  /** Tries asked for before the source address was known. */
  waiting: number;
  /** Monotonic ms of each try sent, oldest first. */
  readonly sentAt: number[];
}

interface Sockets {
  readonly icmp: number;
  readonly tcp: number;
}

/** Sends the raw discovery probes and turns replies into evidence (see the file comment). */
export class RawPinger implements Pinger {
  readonly costPerTry: number;
  private readonly key = randomBytes(COOKIE_KEY_BYTES);
  /** ICMP identifier of this scan's echo and timestamp requests. */
  private readonly icmpId = randomInt(0x10000);
  private readonly port: number;
  private readonly hosts = new Map<number, Host>();
  /** Hosts by addressKey; a target listed twice has two ids. */
  private readonly byAddress = new Map<string, number[]>();
  private readonly sockets = new Map<4 | 6, Sockets | null>();
  private readonly sources = new SourceLookup();
  private fds: number[] = [];
  private kinds: ('icmp' | 'tcp')[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly api: RawSockApi,
    private readonly probes: RawProbeSet,
    private readonly onEvidence: EvidenceHandler,
    private readonly onFatal: (err: Error) => void,
  ) {
    this.costPerTry = (probes.echo ? 1 : 0) + (probes.timestamp ? 1 : 0) + probes.synPorts.length + probes.ackPorts.length;
    this.port = pickSourcePort(api);
  }

  add(id: number, ip: IpAddress): void {
    const dst = addressBytes(ip);
    const key = addressKey(dst);
    const host: Host = { family: ip.family, dst, key, seq: pingSequence(this.key, dst), src: null, waiting: 0, sentAt: [] };
    this.hosts.set(id, host);
    const same = this.byAddress.get(key);
    if (same !== undefined) same.push(id);
    else this.byAddress.set(key, [id]);
    if (this.socketsFor(ip.family) === null) {
      this.onEvidence(id, { up: false, reason: 'no-route' });
      return;
    }
    // The TCP checksum and the cookie cover our address, which only the routing table knows.
    this.sources.lookup(formatIp(ip), ip.family).then(
      (text) => {
        const s = parseIp(text);
        if (this.hosts.get(id) !== host || s === null) return;
        host.src = addressBytes(s);
        for (; host.waiting > 0; host.waiting--) this.sendNow(id, host);
      },
      () => {
        if (!this.closed) this.onEvidence(id, { up: false, reason: 'no-route' });
      },
    );
  }

  send(id: number): void {
    const host = this.hosts.get(id);
    if (host === undefined) return;
    if (host.src === null) host.waiting++;
    else this.sendNow(id, host);
  }

  remove(id: number): void {
    const host = this.hosts.get(id);
    if (host === undefined) return;
    this.hosts.delete(id);
    const left = (this.byAddress.get(host.key) ?? []).filter((x) => x !== id);
    if (left.length > 0) this.byAddress.set(host.key, left);
    else this.byAddress.delete(host.key);
  }

  close(): Promise<void> {
    this.closed = true;
    this.sources.close();
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    for (const s of this.sockets.values()) {
      if (s === null) continue;
      this.api.close(s.icmp);
      this.api.close(s.tcp);
    }
    this.sockets.clear();
    this.hosts.clear();
    this.byAddress.clear();
    return Promise.resolve();
  }

  /** The raw sockets of a family, opened on first use; null when they cannot be (no IPv6 here). */
  private socketsFor(family: 4 | 6): Sockets | null {
    const have = this.sockets.get(family);
    if (have !== undefined) return have;
    let icmp = -1;
    let tcp = -1;
    let s: Sockets | null = null;
    try {
      icmp = this.api.open(family, family === 4 ? IPPROTO.ICMP : IPPROTO.ICMPV6);
      tcp = this.api.open(family, IPPROTO.TCP);
      this.api.attachFilter(icmp, pingReplyFilter(family));
      this.api.attachFilter(tcp, tcpDstPortFilter(family, this.port));
      s = { icmp, tcp };
      this.fds.push(icmp, tcp);
      this.kinds.push('icmp', 'tcp');
    } catch {
      if (icmp >= 0) this.api.close(icmp);
      if (tcp >= 0) this.api.close(tcp);
    }
    this.sockets.set(family, s);
    return s;
  }

  private sendNow(id: number, host: Host): void {
    const sockets = this.sockets.get(host.family);
    if (sockets == null || this.closed || host.src === null) return;
    const icmp: Uint8Array[] = [];
    const tcp: Uint8Array[] = [];
    if (this.probes.echo) {
      const b = new Uint8Array(ECHO_LENGTH);
      writeEcho(b, 0, host.family, this.icmpId, host.seq);
      icmp.push(b);
    }
    if (this.probes.timestamp && host.family === 4) {
      const b = new Uint8Array(TIMESTAMP_LENGTH);
      writeTimestamp(b, 0, this.icmpId, host.seq, Date.now() % 86_400_000);
      icmp.push(b);
    }
    for (const port of this.probes.synPorts) {
      const b = new Uint8Array(SYN_LENGTH);
      writeSyn(b, 0, this.port, port, synCookie(this.key, host.src, host.dst, this.port, port), synPseudoSum(host.src, host.dst));
      tcp.push(b);
    }
    for (const port of this.probes.ackPorts) {
      const b = new Uint8Array(ACK_LENGTH);
      writeAck(b, 0, host.src, host.dst, this.port, port, this.key);
      tcp.push(b);
    }
    // Taken before sending: on loopback the answer can be read before sendMany returns.
    host.sentAt.push(monotonicMs());
    for (const [fd, packets] of [
      [sockets.icmp, icmp],
      [sockets.tcp, tcp],
    ] as const) {
      if (packets.length === 0) continue;
      const r = this.api.sendMany(fd, host.family, batch(host.dst, packets), packets.length);
      // No route or a local firewall refusing: the host cannot be reached from here. A full
      // buffer (EAGAIN, ENOBUFS) is not news about the host; the next try goes again.
      if (r.code === 'ENETUNREACH' || r.code === 'EHOSTUNREACH') this.onEvidence(id, { up: false, reason: r.code === 'ENETUNREACH' ? 'net-unreach' : 'host-unreach' });
    }
    if (this.timer === undefined && !this.closed) this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  private poll(): void {
    if (this.hosts.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    let buf: Buffer;
    try {
      buf = this.api.recvMany(this.fds, 0, MAX_PACKETS);
    } catch (err) {
      // A socket gone bad would turn every later answer into silence: stop the run instead.
      clearInterval(this.timer);
      this.timer = undefined;
      this.onFatal(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    for (let off = 0; off + RECV_HEADER <= buf.length; ) {
      const cap = buf[off]! | (buf[off + 1]! << 8);
      const end = Math.min(off + RECV_HEADER + cap, buf.length);
      this.record(buf, off, end);
      off += RECV_HEADER + cap;
    }
  }

  /** Reads one receive record (layout in native/rawsock/rawsock.c) and reports what it proves. */
  private record(buf: Buffer, rec: number, end: number): void {
    const kind = this.kinds[buf[rec + 6]!];
    const family = buf[rec + 4] === 6 ? 6 : 4;
    const at = buf.readDoubleLE(rec + 44);
    let start = rec + RECV_HEADER;
    let from: Uint8Array;
    let to: Uint8Array;
    let ttl: number;
    if (family === 4) {
      // IPv4 raw sockets deliver the IP header; only a first fragment has a transport header.
      const ip = parseIpv4(buf, start, end);
      if (ip === null || ip.fragmentOffset !== 0) return;
      from = ip.src;
      to = ip.dst;
      ttl = ip.ttl;
      start += ip.headerLength;
    } else {
      from = buf.subarray(rec + 12, rec + 28);
      to = buf.subarray(rec + 28, rec + 44);
      ttl = buf[rec + 5]!;
    }
    if (kind === 'tcp') {
      const reply = classifyTcpPing(this.key, this.port, buf, start, end, from, to);
      if (reply !== null) this.report(addressKey(from), at, { up: true, reason: reply.reason, ttl });
      return;
    }
    const ping = parsePingReply(family, buf, start, end);
    if (ping !== null) {
      if (ping.id !== this.icmpId) return;
      this.report(addressKey(from), at, { up: true, reason: ping.kind, ttl }, ping.seq);
      return;
    }
    this.icmpError(family, buf, start, end, from, ttl, at);
  }

  /** A destination unreachable quoting one of our probes: up if the target sent it, else a sign of down. */
  private icmpError(family: 4 | 6, buf: Buffer, start: number, end: number, from: Uint8Array, ttl: number, at: number): void {
    const err = family === 4 ? parseIcmpv4Error(buf, start, end) : parseIcmpv6Error(buf, start, end);
    if (err === null || err.type !== (family === 4 ? IcmpType.Unreachable : IcmpType.V6Unreachable)) return;
    const reason = unreachReason(family, err.type, err.code);
    if (reason === null) return; // fragmentation needed: path MTU news, not an answer
    const o = err.original;
    const target = addressKey(o.dst);
    let seq: number | undefined;
    if (o.protocol === IPPROTO.TCP) {
      if (!quotedTcpIsOurs(this.key, this.port, o.src, o.dst, o.sport, o.dport, o.seq)) return;
    } else {
      const q = quotedPing(family, buf, start, end);
      if (q === null || q.id !== this.icmpId) return;
      seq = q.seq;
    }
    // From the target itself it proves the host is there (nmap counts it as up too); from a
    // router, or from our own kernel when neighbour resolution failed, it is a sign of down.
    this.report(target, at, { up: addressKey(from) === target, reason, ttl }, seq);
  }

  /** Passes evidence to every host at `target` whose probes it can answer. */
  private report(target: string, at: number, e: Evidence, seq?: number): void {
    for (const id of this.byAddress.get(target) ?? []) {
      const host = this.hosts.get(id);
      if (host === undefined || host.sentAt.length === 0) continue;
      if (seq !== undefined && seq !== host.seq) continue;
      // The latest try sent before the answer arrived: the one it most likely answers.
      let sent = host.sentAt[0]!;
      for (const t of host.sentAt) if (t <= at) sent = t;
      this.onEvidence(id, { ...e, rttMs: Math.max(0, at - sent) });
    }
  }
}

/** Packs probes to one destination as sendMany records. */
function batch(dst: Uint8Array, packets: readonly Uint8Array[]): Uint8Array {
  const out = Buffer.alloc(packets.reduce((n, p) => n + SEND_HEADER + p.length, 0));
  let off = 0;
  for (const p of packets) {
    out.writeUInt16LE(p.length, off);
    out.set(dst, off + 8);
    out.set(p, off + SEND_HEADER);
    off += SEND_HEADER + p.length;
  }
  return out;
}
