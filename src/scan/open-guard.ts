/**
 * No false opens. A host whose first answers are mostly SYN-ACKs is not a host with thousands
 * of services: it is a SYN proxy (nftables synproxy), a tarpit or a firewall that answers for
 * every port. Such a host's open ports are held back, each confirmed by a full connection and
 * a data exchange (open-verifier.ts), and reported `verified: false` with the reason when the
 * confirmation fails. `--verify` confirms every open port of every host.
 *
 * Sits between the engine and the consumer: port results pass straight through except open
 * ones on hosts still being judged (held until the host has enough answers) or on suspect
 * hosts (held until verified); a host's report waits for its verifications. No I/O here: the
 * verification is injected.
 */
import type { HostReport, PortResult } from '../core/types.js';
import type { EngineSink } from './engine.js';
import type { VerifyVerdict } from './open-verifier.js';

/** Answers (open or closed) a host must give before it is judged. */
export const JUDGE_AFTER = 32;
/** Share of open answers above which a host is judged to answer for every port. */
export const SUSPECT_SHARE = 0.5;

/** Whether a host with `open` of `answered` answers looks like it answers for every port. */
export function answersEveryPort(open: number, answered: number): boolean {
  return answered >= JUDGE_AFTER && open / answered > SUSPECT_SHARE;
}

/** Options of the guard. */
export interface OpenGuardOptions {
  /** Confirm every open port, not only those of suspect hosts (--verify). */
  readonly verifyAll: boolean;
  /** Confirms one open port; must not reject. */
  readonly verify: (r: PortResult) => Promise<VerifyVerdict>;
  /** Verifications at once (each holds a socket). */
  readonly concurrency: number;
}

interface HostState {
  answered: number;
  open: number;
  /** undefined while being judged. */
  suspect: boolean | undefined;
  held: PortResult[];
  verifying: number;
  /** The host's report, once the engine finished the host, waiting for verifications. */
  report: HostReport | undefined;
  /** Verified results by port, to put into the report. */
  readonly checked: Map<number, PortResult>;
}

/** The guard of one TCP engine run: an EngineSink in front of `inner`; `drained()` resolves when nothing is held. */
export function guardOpenPorts(inner: EngineSink, opts: OpenGuardOptions): EngineSink & { drained(): Promise<void> } {
  const hosts = new Map<string, HostState>();
  const queue: { r: PortResult; h: HostState }[] = [];
  let running = 0;
  let idle: (() => void) | undefined;

  const stateOf = (host: string): HostState => {
    let h = hosts.get(host);
    if (h === undefined) {
      h = { answered: 0, open: 0, suspect: opts.verifyAll ? true : undefined, held: [], verifying: 0, report: undefined, checked: new Map() };
      hosts.set(host, h);
    }
    return h;
  };

  function enqueue(r: PortResult, h: HostState): void {
    h.verifying++;
    queue.push({ r, h });
    next();
  }

  function next(): void {
    while (running < opts.concurrency && queue.length > 0) {
      const { r, h } = queue.shift()!;
      running++;
      void opts.verify(r).then((v) => {
        running--;
        const out: PortResult = v.verified ? { ...r, verified: true } : { ...r, verified: false, verifyReason: v.why };
        h.checked.set(r.port, out);
        inner.port(out);
        h.verifying--;
        if (h.verifying === 0 && h.report !== undefined) emitReport(h);
        next();
        if (running === 0 && queue.length === 0) idle?.();
      });
    }
  }

  function emitReport(h: HostState): void {
    const rep = h.report!;
    hosts.delete(rep.host);
    inner.host(h.checked.size === 0 ? rep : { ...rep, ports: rep.ports.map((p) => h.checked.get(p.port) ?? p) });
  }

  function judge(h: HostState): void {
    h.suspect = answersEveryPort(h.open, h.answered);
    const held = h.held;
    h.held = [];
    for (const r of held) {
      if (h.suspect) enqueue(r, h);
      else inner.port(r);
    }
  }

  return {
    port(r) {
      const h = stateOf(r.host);
      if (r.state === 'open' || r.state === 'closed') h.answered++;
      if (r.state !== 'open') {
        inner.port(r);
      } else {
        h.open++;
        if (h.suspect === true) enqueue(r, h);
        else if (h.suspect === false) inner.port(r);
        else h.held.push(r);
      }
      if (h.suspect === undefined && h.answered >= JUDGE_AFTER) judge(h);
    },
    host(report) {
      const h = stateOf(report.host);
      // Judged at the end when it never gave enough answers: a handful of open ports is normal.
      if (h.suspect === undefined) judge(h);
      h.report = report;
      if (h.verifying === 0) emitReport(h);
    },
    // A port decided without a result (the consumer does not want every port): never open, so
    // it only counts towards judging its host.
    everyPort: inner.everyPort,
    tally(host, state) {
      if (state === 'closed') {
        const h = stateOf(host);
        h.answered++;
        if (h.suspect === undefined && h.answered >= JUDGE_AFTER) judge(h);
      }
      inner.tally?.(host, state);
    },
    congested: inner.congested,
    drained() {
      if (running === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((res) => (idle = res));
    },
  };
}
