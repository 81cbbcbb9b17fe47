/**
 * The connect ping, for runs without raw sockets: per try, a TCP connect to each of a few
 * ports (80 and 443 by default, as nmap's unprivileged ping). A completed or refused connect
 * proves the host is there; an unreachable error is a sign of down; silence says nothing.
 * The connects themselves go through the connect scan's Connector (tcp-connector.ts).
 */
import { formatIp, type IpAddress } from '../../core/ip.js';
import type { Evidence } from '../../core/discovery/verdict.js';
import { Outcome, type OutcomeCode } from '../outcome.js';
import { createConnector, type Connector } from '../tcp-connector.js';
import type { EvidenceHandler, Pinger } from './pinger.js';

/** What a connect's outcome says about its host; undefined: nothing (timeout, local trouble). */
export function connectEvidence(outcome: OutcomeCode, rttMs: number): Evidence | undefined {
  switch (outcome) {
    case Outcome.Open:
      return { up: true, reason: 'conn-accept', rttMs };
    case Outcome.Refused:
      return { up: true, reason: 'conn-refused', rttMs };
    case Outcome.HostUnreach:
      return { up: false, reason: 'host-unreach' };
    case Outcome.NetUnreach:
      return { up: false, reason: 'net-unreach' };
    case Outcome.AdminProhibited:
      return { up: false, reason: 'admin-prohibited' };
    default:
      return undefined;
  }
}

interface Host {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Pings by TCP connect (see the file comment). */
export class ConnectPinger implements Pinger {
  readonly costPerTry: number;
  private readonly hosts = new Map<number, Host>();
  /** Connect id → host id. */
  private readonly pending = new Map<number, number>();
  private nextId = 1;
  private readonly connector: Connector;

  constructor(
    private readonly ports: readonly number[],
    private readonly timeoutMs: number,
    private readonly onEvidence: EvidenceHandler,
  ) {
    this.costPerTry = ports.length;
    this.connector = createConnector('auto', (cid, outcome, rttMs) => {
      const id = this.pending.get(cid);
      this.pending.delete(cid);
      if (id === undefined || !this.hosts.has(id)) return;
      const e = connectEvidence(outcome, rttMs);
      if (e !== undefined) this.onEvidence(id, e);
    });
  }

  add(id: number, ip: IpAddress): void {
    this.hosts.set(id, { address: formatIp(ip), family: ip.family });
  }

  send(id: number): void {
    const host = this.hosts.get(id);
    if (host === undefined) return;
    for (const port of this.ports) {
      const cid = this.nextId++;
      this.pending.set(cid, id);
      this.connector.connect(cid, host.address, host.family, port, this.timeoutMs);
    }
  }

  remove(id: number): void {
    // Its connects still pending run to their own timeout; their outcomes are dropped above.
    this.hosts.delete(id);
  }

  close(): Promise<void> {
    this.connector.close();
    this.hosts.clear();
    this.pending.clear();
    return Promise.resolve();
  }
}
