/**
 * What the discovery loop (discover.ts) needs from each way of pinging: hosts come and go by
 * id, each try is one call, and whatever the replies say comes back as evidence. Sockets live
 * in the implementations only (neighbour-pinger, raw-pinger, connect-pinger).
 */
import type { IpAddress } from '../../core/ip.js';
import type { Evidence } from '../../core/discovery/verdict.js';

/** Receives evidence about host `id`; may be called synchronously from send(). */
export type EvidenceHandler = (id: number, e: Evidence) => void;

/** One way of pinging hosts. */
export interface Pinger {
  /** Registers a host; `dev` is its link for on-link hosts. */
  add(id: number, ip: IpAddress, dev?: string): void;
  /** Packets (or connects) one try sends, for the rate limit. */
  readonly costPerTry: number;
  /** Sends one try to a registered host. */
  send(id: number): void;
  /** Forgets a host: later replies for it are ignored. */
  remove(id: number): void;
  /** Stops timers and closes sockets. */
  close(): Promise<void>;
}
