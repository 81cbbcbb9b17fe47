/**
 * Neighbour resolution as a ping, for hosts on a directly connected link: a datagram to the
 * host's discard port (9) makes the kernel resolve its link-layer address (ARP, or neighbour
 * discovery for IPv6), and the neighbour table is polled until the address resolves. The
 * kernel does the asking, so no raw socket is needed; this is what nmap's ARP ping finds out,
 * with the kernel's timing (an unanswered address fails after mcast_solicit tries,
 * retrans_time_ms apart: 3 × 1 s by default). An entry that was already resolved (STALE from
 * earlier traffic) counts at once, as the kernel itself still trusts it.
 *
 * Each trigger goes out on a socket of its own, closed once it has sent. A datagram waiting
 * for a neighbour that never answers stays charged to its socket's send buffer until the
 * kernel gives up (seconds later): on one shared socket a few hundred silent addresses filled
 * the buffer, and the triggers behind them, live hosts included, waited until their tries
 * were over (seen sweeping a /20 with a window of 256).
 */
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { formatIp, type IpAddress } from '../../core/ip.js';
import { neighbourIndex, neighbourKey, parseIpNeighJson, parseProcNetArp, type NeighbourState } from '../../core/discovery/neighbours.js';
import type { EvidenceHandler, Pinger } from './pinger.js';
import { monotonicMs } from '../raw/clock.js';

const run = promisify(execFile);

/**
 * The table is read 1 ms after a trigger, then at doubling intervals up to POLL_MS: a LAN
 * answers in well under a millisecond, and the round-trip time reported is only as fine as
 * the read that saw the answer.
 */
const FIRST_POLL_MS = 1;
const POLL_MS = 10;
/** The discard service: nothing should answer, and a reply would not matter. */
const TRIGGER_PORT = 9;

interface Host {
  readonly family: 4 | 6;
  /** Address as the socket takes it (with an IPv6 zone when there is one). */
  readonly target: string;
  readonly key: string;
  /** Monotonic ms of the latest trigger; NaN before the first has left. */
  sentAt: number;
}

/** Reads the neighbour table of the given families (IPv4 from /proc, IPv6 through `ip -j`). */
async function readTable(families: ReadonlySet<4 | 6>): Promise<Map<string, NeighbourState>> {
  const [v4, v6] = await Promise.all([
    families.has(4) ? readFile('/proc/net/arp', 'utf8').then(parseProcNetArp, () => []) : [],
    families.has(6) ? run('ip', ['-j', '-6', 'neigh', 'show'], { encoding: 'utf8', maxBuffer: 64 << 20 }).then((r) => parseIpNeighJson(r.stdout), () => []) : [],
  ]);
  return neighbourIndex([...v4, ...v6]);
}

/** Pings on-link hosts by neighbour resolution (see the file comment). */
export class NeighbourPinger implements Pinger {
  readonly costPerTry = 1;
  private readonly hosts = new Map<number, Host>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private interval = FIRST_POLL_MS;
  private reading = false;
  private closed = false;

  constructor(private readonly onEvidence: EvidenceHandler) {}

  add(id: number, ip: IpAddress, dev = ''): void {
    // The table lists IPv6 addresses without a zone; the zone only picks the link to send on.
    const bare = formatIp(ip.family === 6 ? { family: 6, value: ip.value } : ip);
    this.hosts.set(id, { family: ip.family, target: formatIp(ip), key: neighbourKey(dev, bare), sentAt: NaN });
  }

  send(id: number): void {
    const host = this.hosts.get(id);
    if (host === undefined || this.closed) return;
    let socket;
    try {
      socket = createSocket(host.family === 6 ? 'udp6' : 'udp4');
    } catch {
      return; // out of descriptors, or no IPv6 here: this try is lost, the next may go
    }
    // Send errors arrive in the callback; a socket-level one must not crash the run.
    socket.on('error', () => undefined);
    // Polling starts once the datagram has left: by then the kernel has marked the entry
    // INCOMPLETE, so an old FAILED entry is not read as this try's answer.
    socket.send(Buffer.alloc(0), TRIGGER_PORT, host.target, (err) => {
      socket.close();
      if (err !== null || !this.hosts.has(id)) return;
      host.sentAt = monotonicMs();
      this.interval = FIRST_POLL_MS;
      this.arm();
    });
  }

  remove(id: number): void {
    this.hosts.delete(id);
  }

  close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.hosts.clear();
    return Promise.resolve();
  }

  /** Schedules the next read `interval` ms from now, unless one is due sooner or running. */
  private arm(): void {
    if (this.closed || this.reading) return;
    const at = monotonicMs() + this.interval;
    if (this.timer !== undefined && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => void this.poll(), this.interval);
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    this.timerAt = Infinity;
    this.interval = Math.min(this.interval * 2, POLL_MS);
    const waiting = [...this.hosts].filter(([, h]) => !Number.isNaN(h.sentAt));
    if (waiting.length === 0 || this.closed) return;
    this.reading = true;
    let table: Map<string, NeighbourState>;
    try {
      table = await readTable(new Set(waiting.map(([, h]) => h.family)));
    } finally {
      this.reading = false;
    }
    const now = monotonicMs();
    for (const [id, h] of waiting) {
      // Removed meanwhile (decided, or timed out): nothing to report.
      if (this.hosts.get(id) !== h || table.get(h.key) !== 'resolved') continue;
      this.hosts.delete(id);
      this.onEvidence(id, { up: true, reason: h.family === 4 ? 'arp-response' : 'nd-response', rttMs: now - h.sentAt });
    }
    if (this.hosts.size > 0) this.arm();
  }
}
