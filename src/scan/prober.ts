/**
 * Probers run connects for the engine, either in this thread or spread over worker threads.
 * On a loopback or LAN scan the kernel's connect path is the bottleneck and it runs in the
 * calling thread, so two workers on two cores finish a 65,535-port loopback scan in about 60%
 * of the single-thread time. The engine sees one interface either way and never touches sockets.
 */
import { createRequire } from 'node:module';
import type * as WorkerThreads from 'node:worker_threads';
import type { Worker } from 'node:worker_threads';
import { createConnector, usesNativeConnector, type ConnectorChoice } from './tcp-connector.js';
import type { OutcomeCode } from './outcome.js';
import type { IcmpReason } from '../core/types.js';

/**
 * Receives each probe's outcome. Raw probers add the reply's TTL (hop limit for IPv6) and, for
 * Outcome.Icmp, the reason named after the ICMP code.
 */
export type ResultHandler = (id: number, outcome: OutcomeCode, rttMs: number, ttl?: number, reason?: IcmpReason) => void;

/** Receives a failure that stops probing altogether (a worker thread died). */
export type FatalHandler = (err: Error) => void;

/** Runs connect probes. Hosts are registered once so probes carry only small numbers. */
export interface Prober {
  readonly description: string;
  addHost(ref: number, address: string, family: 4 | 6): void;
  removeHost(ref: number): void;
  /** Starts probe `id`; `tries` counts this probe's sends so far, itself included (1 = first). */
  probe(id: number, ref: number, port: number, timeoutMs: number, tries?: number): void;
  /** Stops every pending probe and releases threads and sockets. */
  close(): Promise<void>;
  /**
   * True when results come in batches and the prober calls its `onBatchEnd` after each (every
   * result is followed by one): the engine then refills its window once per batch.
   */
  readonly deliversInBatches?: boolean;
  /**
   * Probes in flight the engine keeps at least (per host and in all) once answers have set the
   * window; default 256. A raw prober's probe in flight costs a table entry, not a socket, and
   * its round-trip time (wire only) leaves out the time an answer waits for the JS thread, so
   * the engine's estimate of what keeps the rate up falls short there.
   */
  readonly minUsefulWindow?: number;
}

/** Options for createProber. */
export interface ProberOptions {
  /** Worker threads; 0 = probe in this thread only. */
  readonly workers: number;
  /** With workers, this thread probes too, taking `mainShare` of the load (0 = none). */
  readonly mainShare?: number;
  readonly connector: ConnectorChoice;
}

/**
 * Creates the prober the options ask for. The native connector runs its own probing threads,
 * one per worker the options ask for plus one for this thread, all driven from this thread.
 */
export function createProber(opts: ProberOptions, onResult: ResultHandler, onFatal: FatalHandler): Prober {
  if (usesNativeConnector(opts.connector)) return new InlineProber(opts.connector, onResult, opts.workers + 1);
  return opts.workers > 0 ? new WorkerProber(opts, onResult, onFatal) : new InlineProber(opts.connector, onResult);
}

class InlineProber implements Prober {
  private readonly hosts = new Map<number, { address: string; family: 4 | 6 }>();
  private readonly connector;
  readonly description: string;

  constructor(choice: ConnectorChoice, onResult: ResultHandler, threads = 1) {
    this.connector = createConnector(choice, onResult, threads);
    this.description = this.connector.kind === 'native' ? `native connector, ${threads} probing thread${threads === 1 ? '' : 's'}` : `${this.connector.kind} connector, main thread`;
  }

  addHost(ref: number, address: string, family: 4 | 6): void {
    this.hosts.set(ref, { address, family });
  }

  removeHost(ref: number): void {
    this.hosts.delete(ref);
  }

  probe(id: number, ref: number, port: number, timeoutMs: number): void {
    const h = this.hosts.get(ref);
    if (h === undefined) throw new Error(`probe for unknown host ref ${ref}`);
    this.connector.connect(id, h.address, h.family, port, timeoutMs);
  }

  close(): Promise<void> {
    this.connector.close();
    return Promise.resolve();
  }
}

/** Messages to a probe worker. Probes travel as flat [id, ref, port, timeout, ...] arrays. */
export type ToWorker =
  | { readonly t: 'host'; readonly ref: number; readonly address: string; readonly family: 4 | 6 }
  | { readonly t: 'forget'; readonly ref: number }
  | { readonly t: 'probe'; readonly batch: number[] }
  | { readonly t: 'close' };

/** Messages from a probe worker: flat [id, outcome, rtt, ...] arrays. */
export type FromWorker = { readonly t: 'results'; readonly batch: number[] } | { readonly t: 'ready'; readonly kind: string };

/**
 * A probe worker holds sockets, not data: a small young generation keeps its garbage from
 * growing the process's memory (measured: ~20 MB less peak RSS per worker on a full scan).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 };

/** node:worker_threads, loaded by the first worker: the native connector needs none (~4.6 ms of start-up). */
let workerClass: typeof Worker | undefined;

/** Starts a probe worker from dist/ (.js), or from TypeScript sources under tsx (tests, bench). */
function spawnWorker(workerData: unknown): Worker {
  const Worker = (workerClass ??= (createRequire(import.meta.url)('node:worker_threads') as typeof WorkerThreads).Worker);
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./probe-worker.js', import.meta.url), { workerData, resourceLimits: WORKER_LIMITS });
  // Loader hooks are per thread: register tsx in the worker before importing the .ts entry.
  const entry = new URL('./probe-worker.ts', import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`, { eval: true, workerData, resourceLimits: WORKER_LIMITS });
}

class WorkerProber implements Prober {
  private readonly workers: Worker[] = [];
  /** This thread's own connector when it shares the load, and the hosts it knows. */
  private readonly inline: InlineProber | null;
  private inlineOutstanding = 0;
  private readonly mainShare: number;
  private readonly outstanding: number[] = [];
  private readonly batches: number[][] = [];
  /** Which worker each in-flight probe went to, so its completion lowers the right count. */
  private readonly owner = new Map<number, number>();
  private flushQueued = false;
  readonly description: string;

  constructor(
    opts: ProberOptions,
    private readonly onResult: ResultHandler,
    onFatal: FatalHandler,
  ) {
    this.mainShare = opts.mainShare ?? 0;
    this.inline =
      this.mainShare > 0
        ? new InlineProber(opts.connector, (id, outcome, rtt) => {
            if (this.owner.get(id) === -1) {
              this.owner.delete(id);
              this.inlineOutstanding--;
            }
            this.onResult(id, outcome, rtt);
          })
        : null;
    for (let w = 0; w < opts.workers; w++) {
      const worker = spawnWorker({ connector: opts.connector });
      worker.on('message', (m: FromWorker) => {
        if (m.t === 'results') this.deliver(m.batch);
      });
      // A worker crash is a bug; its probes would never answer, so stop the scan loudly.
      worker.on('error', (err) => onFatal(err instanceof Error ? err : new Error(String(err))));
      this.workers.push(worker);
      this.outstanding.push(0);
      this.batches.push([]);
    }
    this.description = `${opts.connector} connector, ${opts.workers} worker threads${this.inline !== null ? ' and the main thread' : ''}`;
  }

  private deliver(batch: number[]): void {
    for (let i = 0; i + 2 < batch.length; i += 3) {
      const id = batch[i]!;
      const w = this.owner.get(id);
      if (w !== undefined) {
        this.owner.delete(id);
        this.outstanding[w]!--;
      }
      this.onResult(id, batch[i + 1] as OutcomeCode, batch[i + 2]!);
    }
  }

  private post(w: number, msg: ToWorker): void {
    this.workers[w]!.postMessage(msg);
  }

  addHost(ref: number, address: string, family: 4 | 6): void {
    this.inline?.addHost(ref, address, family);
    this.flush(); // keep order: probes queued before stay before
    for (let w = 0; w < this.workers.length; w++) this.post(w, { t: 'host', ref, address, family });
  }

  removeHost(ref: number): void {
    this.inline?.removeHost(ref);
    this.flush();
    for (let w = 0; w < this.workers.length; w++) this.post(w, { t: 'forget', ref });
  }

  probe(id: number, ref: number, port: number, timeoutMs: number): void {
    let best = 0;
    for (let w = 1; w < this.outstanding.length; w++) if (this.outstanding[w]! < this.outstanding[best]!) best = w;
    if (this.inline !== null && this.inlineOutstanding < this.outstanding[best]! * this.mainShare) {
      this.inlineOutstanding++;
      this.owner.set(id, -1);
      this.inline.probe(id, ref, port, timeoutMs);
      return;
    }
    this.outstanding[best]!++;
    this.owner.set(id, best);
    this.batches[best]!.push(id, ref, port, timeoutMs);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushQueued = false;
    for (let w = 0; w < this.workers.length; w++) {
      const batch = this.batches[w]!;
      if (batch.length > 0) {
        this.batches[w] = [];
        this.post(w, { t: 'probe', batch });
      }
    }
  }

  async close(): Promise<void> {
    await this.inline?.close();
    this.flush();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
