/**
 * -sV in the scan: sits between the engine (or the open-port guard) and the consumer. Open
 * ports are held while their service is identified, a bounded number at a time, then passed
 * on with `service` (method "probed") and `tls`; every other result passes straight through.
 * A host's report waits for its ports' identifications, so the report carries them too. No
 * I/O here: the detection is injected (scan.ts passes service-prober.ts).
 */
import type { HostReport, PortResult, ServiceInfo, TlsInfo } from '../core/types.js';
import type { EngineSink } from './engine.js';

/** What the injected detection returns for one port; must not reject. */
export interface StageDetection {
  readonly service?: ServiceInfo | undefined;
  readonly tls?: TlsInfo | undefined;
}

/** Options of the stage. */
export interface ServiceStageOptions {
  /** Identifies the service of one open port. */
  readonly detect: (r: PortResult) => Promise<StageDetection>;
  /** Identifications at once (each holds a socket and up to `totalMs` of time). */
  readonly concurrency: number;
}

interface HostState {
  pending: number;
  report: HostReport | undefined;
  readonly done: Map<string, PortResult>;
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

/** The stage in front of `inner`; `drained()` resolves when no identification is running or queued. */
export function serviceStage(inner: EngineSink, opts: ServiceStageOptions): EngineSink & { drained(): Promise<void> } {
  const hosts = new Map<string, HostState>();
  const queue: { r: PortResult; h: HostState }[] = [];
  let running = 0;
  const idle: (() => void)[] = [];

  const stateOf = (host: string): HostState => {
    let h = hosts.get(host);
    if (h === undefined) {
      h = { pending: 0, report: undefined, done: new Map() };
      hosts.set(host, h);
    }
    return h;
  };

  function emitReport(h: HostState): void {
    const rep = h.report!;
    hosts.delete(rep.host);
    inner.host(h.done.size === 0 ? rep : { ...rep, ports: rep.ports.map((p) => h.done.get(key(p)) ?? p) });
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
          const out = withDetection(r, d);
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
      // An open port that failed verification (a SYN proxy's) has nothing behind it to identify.
      if (r.state !== 'open' || r.verified === false) {
        inner.port(r);
        return;
      }
      const h = stateOf(r.host);
      h.pending++;
      queue.push({ r, h });
      next();
    },
    host(report) {
      const h = stateOf(report.host);
      h.report = report;
      if (h.pending === 0) emitReport(h);
    },
    congested: inner.congested,
    drained() {
      if (running === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((res) => idle.push(res));
    },
  };
}
