/**
 * A small scan loop around the UDP prober, standing in for the engine in tests: a window of
 * probes in flight, silent ports tried again (`tries` in all), outcomes turned into nmap's UDP
 * states. Resolves with every port's state and the scan's wall time.
 */
import { Outcome, type OutcomeCode } from '../../src/scan/outcome.js';
import { createUdpProber, type UdpProberOptions } from '../../src/scan/udp-prober.js';
import { udpPayloadFor } from '../../src/identify/udp-payloads.js';

/** A UDP port state as nmap -sU names it. */
export type UdpState = 'open' | 'closed' | 'filtered' | 'open|filtered';

/** What a loop scan found. */
export interface UdpScanResult {
  readonly states: Map<number, UdpState>;
  /** The outcome that decided each port (Outcome code names). */
  readonly outcomes: Map<number, string>;
  /** First bytes of each open port's reply. */
  readonly replies: Map<number, Buffer>;
  readonly ms: number;
  /** Probes the loop asked for (re-sends inside the prober not counted). */
  readonly probes: number;
}

const NAMES = Object.fromEntries(Object.entries(Outcome).map(([k, v]) => [v, k])) as Record<OutcomeCode, string>;

/** Scans `ports` of `address` with the UDP prober (see the file comment). */
export async function udpLoopScan(
  address: string,
  family: 4 | 6,
  ports: readonly number[],
  o: { readonly timeoutMs?: number; readonly tries?: number; readonly window?: number } & Partial<UdpProberOptions> = {},
): Promise<UdpScanResult> {
  const timeoutMs = o.timeoutMs ?? 500;
  const tries = o.tries ?? 2;
  const window = o.window ?? 128;
  const states = new Map<number, UdpState>();
  const outcomes = new Map<number, string>();
  const replies = new Map<number, Buffer>();
  const todo: { port: number; tries: number }[] = ports.map((port) => ({ port, tries: 0 }));
  const byId = new Map<number, { port: number; tries: number }>();
  let nextId = 0;
  let probes = 0;
  const t0 = performance.now();
  return new Promise<UdpScanResult>((resolve) => {
    const prober = createUdpProber({ payloadFor: udpPayloadFor, ...o }, (id, outcome, _rtt, reply) => {
      const job = byId.get(id)!;
      byId.delete(id);
      const decide = (s: UdpState): void => {
        states.set(job.port, s);
        outcomes.set(job.port, NAMES[outcome]);
      };
      switch (outcome) {
        case Outcome.Open:
          decide('open');
          if (reply !== undefined) replies.set(job.port, reply);
          break;
        case Outcome.Refused:
          decide('closed');
          break;
        case Outcome.HostUnreach:
        case Outcome.NetUnreach:
        case Outcome.AdminProhibited:
          decide('filtered');
          break;
        case Outcome.Timeout:
          if (job.tries < tries) todo.push(job);
          else decide('open|filtered');
          break;
        default:
          todo.push({ port: job.port, tries: job.tries - 1 }); // not an answer: again, same try
      }
      setImmediate(pump);
    });
    prober.addHost(0, address, family);
    let finished = false;
    function pump(): void {
      while (todo.length > 0 && byId.size < window) {
        const job = todo.shift()!;
        job.tries++;
        const id = nextId++;
        byId.set(id, job);
        probes++;
        prober.probe(id, 0, job.port, timeoutMs);
      }
      if (!finished && todo.length === 0 && byId.size === 0) {
        finished = true;
        void prober.close().then(() => resolve({ states, outcomes, replies, ms: performance.now() - t0, probes }));
      }
    }
    pump();
  });
}
