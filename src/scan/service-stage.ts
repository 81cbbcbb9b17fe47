/**
 * -sV in the scan: sits between the engine (or the open-port guard) and the consumer. Open
 * ports are held while their service is identified, a bounded number at a time, then passed
 * on with `service` (method "probed") and `tls`; every other result passes straight through.
 * As in nmap, silent UDP ports (open|filtered) get the UDP probes too: a service that answers
 * one of them is open after all (reason udp-response), and the host report and the scan's
 * counts say so.
 * A host's report waits for its ports' identifications, so the report carries them too. No
 * I/O here: the detection is injected (scan.ts passes service-prober.ts).
 */
import type { HostReport, PortResult, PortState, ServiceInfo, TlsInfo } from '../core/types.js';
import type { EngineSink } from './engine.js';

/** What the injected detection returns for one port; must not reject. */
export interface StageDetection {
  readonly service?: ServiceInfo | undefined;
  readonly tls?: TlsInfo | undefined;
  /** Whether the port sent anything back (turns an open|filtered UDP port open). */
  readonly answered?: boolean | undefined;
}

/** Options of the stage. */
export interface ServiceStageOptions {
  /** Identifies the service of one open port. */
  readonly detect: (r: PortResult) => Promise<StageDetection>;
  /** Identifications at once (each holds a socket and up to `totalMs` of time). */
  readonly concurrency: number;
  /**
   * open|filtered UDP ports probed per host at most (default OPEN_FILTERED_PER_HOST); the rest
   * pass through unprobed, so a firewalled host's -sU -p- does not cost 65,535 probe plans.
   */
  readonly openFilteredPerHost?: number;
}

/** Default cap on the open|filtered UDP ports probed per host. */
export const OPEN_FILTERED_PER_HOST = 1024;

interface HostState {
  pending: number;
  report: HostReport | undefined;
  readonly done: Map<string, PortResult>;
  /** open|filtered UDP ports taken for probing so far. */
  openFiltered: number;
  /** Ports that answered a probe while open|filtered, with the reason they had before. */
  readonly opened: { readonly result: PortResult; readonly wasReason: string }[];
}

const key = (r: PortResult): string => `${r.proto}/${r.port}`;

/** The port result after identification: probed service when found, the table one otherwise. */
export function withDetection(r: PortResult, d: StageDetection): PortResult {
  if (d.service === undefined && d.tls === undefined) return r;
  const out: { -readonly [K in keyof PortResult]: PortResult[K] } = { ...r };
  if (d.service !== undefined) out.service = d.service;
  if (d.tls !== undefined) out.tls = d.tls;
  return out;
}

/**
 * A host report with the ports that answered while open|filtered moved to open: counts, the
 * listed ports (a port collapsed into "not shown" is listed now) and the not-shown tallies.
 */
export function reopenedReport(rep: HostReport, done: ReadonlyMap<string, PortResult>, opened: readonly { readonly result: PortResult; readonly wasReason: string }[]): HostReport {
  const listed = new Set(rep.ports.map(key));
  const ports = rep.ports.map((p) => done.get(key(p)) ?? p);
  const notShown = rep.notShown.map((e) => ({ ...e, reasons: { ...e.reasons }, ports: e.ports === undefined ? undefined : ({ ...e.ports }) }));
  const counts: Partial<Record<PortState, number>> = { ...rep.counts };
  for (const { result, wasReason } of opened) {
    counts['open|filtered'] = (counts['open|filtered'] ?? 1) - 1;
    counts.open = (counts.open ?? 0) + 1;
    if (listed.has(key(result))) continue;
    ports.push(result);
    const e = notShown.find((x) => x.state === 'open|filtered');
    if (e !== undefined) {
      e.count--;
      const left = (e.reasons[wasReason] ?? 1) - 1;
      if (left > 0) e.reasons[wasReason] = left;
      else delete e.reasons[wasReason];
      const listed = e.ports?.[wasReason];
      if (e.ports !== undefined && listed !== undefined) {
        const rest = listed.filter((p) => p !== result.port);
        if (rest.length > 0) e.ports[wasReason] = rest;
        else delete e.ports[wasReason];
      }
    }
  }
  if (counts['open|filtered'] === 0) delete counts['open|filtered'];
  ports.sort((a, b) => (a.proto === b.proto ? a.port - b.port : a.proto < b.proto ? -1 : 1));
  const kept = notShown.filter((e) => e.count > 0).map(({ ports: byReason, ...e }) => (byReason === undefined ? e : { ...e, ports: byReason }));
  return { ...rep, ports, notShown: kept, counts };
}

/**
 * The stage in front of `inner`; `drained()` resolves when no identification is running or
 * queued, and `opened` counts the open|filtered ports found open by their answers.
 */
export function serviceStage(inner: EngineSink, opts: ServiceStageOptions): EngineSink & { drained(): Promise<void>; readonly opened: number } {
  const hosts = new Map<string, HostState>();
  const queue: { r: PortResult; h: HostState }[] = [];
  let running = 0;
  let opened = 0;
  const idle: (() => void)[] = [];
  const cap = opts.openFilteredPerHost ?? OPEN_FILTERED_PER_HOST;

  const stateOf = (host: string): HostState => {
    let h = hosts.get(host);
    if (h === undefined) {
      h = { pending: 0, report: undefined, done: new Map(), openFiltered: 0, opened: [] };
      hosts.set(host, h);
    }
    return h;
  };

  function emitReport(h: HostState): void {
    const rep = h.report!;
    hosts.delete(rep.host);
    if (h.opened.length > 0) inner.host(reopenedReport(rep, h.done, h.opened));
    else inner.host(h.done.size === 0 ? rep : { ...rep, ports: rep.ports.map((p) => h.done.get(key(p)) ?? p) });
  }

  function next(): void {
    while (running < opts.concurrency && queue.length > 0) {
      const { r, h } = queue.shift()!;
      running++;
      void opts
        .detect(r)
        .catch((): StageDetection => ({}))
        .then((d) => {
          running--;
          let out = withDetection(r, d);
          if (r.state === 'open|filtered') {
            if (d.answered === true) {
              out = { ...out, state: 'open', reason: 'udp-response' };
              h.opened.push({ result: out, wasReason: r.reason });
              opened++;
            } else out = r;
          }
          h.done.set(key(r), out);
          inner.port(out);
          h.pending--;
          if (h.pending === 0 && h.report !== undefined) emitReport(h);
          next();
          if (running === 0 && queue.length === 0) for (const f of idle.splice(0)) f();
        });
    }
  }

  return {
    port(r) {
      const h0 = r.proto === 'udp' && r.state === 'open|filtered' ? stateOf(r.host) : undefined;
      const silentUdp = h0 !== undefined && h0.openFiltered < cap;
      // An open port that failed verification (a SYN proxy's) has nothing behind it to identify.
      if ((r.state !== 'open' || r.verified === false) && !silentUdp) {
        inner.port(r);
        return;
      }
      const h = h0 ?? stateOf(r.host);
      if (silentUdp) h.openFiltered++;
      h.pending++;
      queue.push({ r, h });
      next();
    },
    host(report) {
      const h = stateOf(report.host);
      h.report = report;
      if (h.pending === 0) emitReport(h);
    },
    // Silent UDP ports (open|filtered, collapsed in the report) are probed too: it sees every port.
    everyPort: true,
    congested: inner.congested,
    get opened() {
      return opened;
    },
    drained() {
      if (running === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((res) => idle.push(res));
    },
  };
}
