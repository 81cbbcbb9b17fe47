/**
 * scan(): the library's front door. Validates options, resolves hostnames, runs the engine
 * and yields events: one header, port results as they are decided, a host report when a
 * host is finished, warnings, and one summary. Aborting the signal ends the scan early; the
 * summary then says `interrupted: true` and everything yielded before stays valid.
 */
import { PortcullisError } from '../core/errors.js';
import { formatIp, parseIp, type IpAddress } from '../core/ip.js';
import { blockOf, type AddressBlock, type TargetSpec } from '../core/target-spec.js';
import type { TargetSource, PlanTarget } from '../core/scan-plan.js';
import type { ScanEvent, ScanHeader, ScanSummary, ScanWarning } from '../core/types.js';
import { serviceName } from '../identify/services.js';
import { startEngine, type EngineAddress } from './engine.js';
import { resolveScanOptions, type ResolvedScanOptions, type ScanOptions } from './options.js';
import { createProber } from './prober.js';
import { VERSION } from '../version.js';

interface Entry {
  readonly block: AddressBlock;
  readonly hostname: string | undefined;
  readonly offset: number;
}

/** Targets after name resolution: blocks with offsets, minus exclusions, addressable by index. */
export class ResolvedTargets implements TargetSource<EngineAddress> {
  private readonly entries: Entry[] = [];
  readonly size: number;

  constructor(
    blocks: readonly { block: AddressBlock; hostname?: string | undefined }[],
    private readonly exclude: readonly AddressBlock[],
  ) {
    let offset = 0;
    for (const b of blocks) {
      this.entries.push({ block: b.block, hostname: b.hostname, offset });
      offset += b.block.size;
    }
    this.size = offset;
  }

  at(index: number): PlanTarget<EngineAddress> | undefined {
    let lo = 0;
    let hi = this.entries.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.entries[mid]!.offset <= index) lo = mid;
      else hi = mid - 1;
    }
    const e = this.entries[lo];
    if (e === undefined) return undefined;
    const a = e.block.at(index - e.offset);
    for (const x of this.exclude) if (x.contains(a)) return undefined;
    return { address: { text: formatIp(a), family: a.family }, hostname: e.hostname };
  }
}

async function resolveSpecs(
  specs: readonly TargetSpec[],
  r: ResolvedScanOptions,
  warn: (w: ScanWarning) => void,
  failed: { target: string; reason: string }[],
): Promise<{ block: AddressBlock; hostname?: string | undefined }[]> {
  const out: { block: AddressBlock; hostname?: string | undefined }[] = [];
  for (const spec of specs) {
    if (spec.kind === 'block') {
      out.push({ block: spec.block });
      continue;
    }
    try {
      const found = await r.resolver(spec.name, r.signal);
      const addrs: IpAddress[] = [];
      for (const f of found) {
        const ip = parseIp(f.address);
        if (ip !== null) addrs.push(ip);
      }
      if (addrs.length === 0) throw new Error('no addresses');
      const chosen = r.resolveAll ? addrs : addrs.slice(0, 1);
      out.push({ block: blockOf(chosen, spec.text), hostname: spec.name });
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      failed.push({ target: spec.text, reason: `could not resolve: ${reason}` });
      warn({ code: 'PC_UNRESOLVED', message: `failed to resolve "${spec.text}" (${reason}); skipping it`, subject: spec.text });
    }
  }
  return out;
}

/** Lets a slow consumer pause the engine (scan()'s queue uses it). */
interface FlowControl {
  readonly congested: () => boolean;
  /** Receives the function that restarts a paused engine. */
  readonly onResume: (resume: () => void) => void;
}

/**
 * Runs a TCP connect scan, handing each event to `onEvent` synchronously and in order, and
 * resolves with the summary (also emitted as the last event). The callback form costs no
 * promise per event, which matters at 65,535 results; scan() wraps it as an async iterable.
 * Throws PortcullisError on invalid options.
 */
export async function runScan(options: ScanOptions, onEvent: (e: ScanEvent) => void, flow?: FlowControl, extraSignal?: AbortSignal): Promise<ScanSummary> {
  const r = resolveScanOptions(options);
  const startedAt = Date.now();
  const failed: { target: string; reason: string }[] = [];
  const warnings: ScanWarning[] = [];
  const warn = (w: ScanWarning): void => void warnings.push(w);

  const blocks = await resolveSpecs(r.targets, r, warn, failed);
  const excludeBlocks = (await resolveSpecs(r.exclude, r, warn, [])).map((b) => b.block);
  const targets = new ResolvedTargets(blocks, excludeBlocks);

  const header: ScanHeader = {
    tool: 'portcullis',
    version: VERSION,
    args: r.args,
    scanType: 'connect',
    protocols: ['tcp'],
    portSpec: { tcp: r.portSpec },
    numPorts: r.ports.tcp.length,
    numHosts: targets.size,
    startedAt,
    seed: r.seed,
  };
  onEvent({ type: 'header', header });
  for (const w of warnings) onEvent({ type: 'warning', warning: w });

  const signals = [r.signal, extraSignal].filter((x): x is AbortSignal => x !== undefined);
  const engine = startEngine(
    {
      targets,
      ports: r.ports.tcp,
      proto: 'tcp',
      timing: r.timing,
      seed: r.seed,
      sequential: r.sequential,
      signal: signals.length <= 1 ? signals[0] : AbortSignal.any(signals),
      createProber: (onResult, onFatal) => createProber({ workers: r.workers, mainShare: r.mainShare, connector: r.connector }, onResult, onFatal),
      serviceName,
    },
    {
      port: (result) => onEvent({ type: 'port', result }),
      host: (report) => onEvent({ type: 'host', report }),
      congested: flow?.congested,
    },
  );
  flow?.onResume(() => engine.resume());
  r.onStats?.(engine.stats);
  const outcome = await engine.done;
  if (outcome.error !== undefined) {
    throw new PortcullisError('PC_INTERNAL', `probing failed: ${outcome.error.message}`, { cause: outcome.error });
  }
  const endedAt = Date.now();
  const summary: ScanSummary = {
    endedAt,
    elapsedMs: endedAt - startedAt,
    hostsTotal: engine.stats.hostsDone,
    hostsUp: engine.stats.hostsUp,
    probesSent: engine.stats.probesSent,
    portsScanned: engine.stats.pairsDone,
    counts: engine.stats.counts,
    interrupted: outcome.interrupted,
    failedTargets: failed,
  };
  onEvent({ type: 'summary', summary });
  return summary;
}

/** Runs a TCP connect scan and yields its events. Throws PortcullisError on invalid options. */
export async function* scan(options: ScanOptions): AsyncGenerator<ScanEvent, void, undefined> {
  const queue: ScanEvent[] = [];
  let wake: (() => void) | undefined;
  let resume: () => void = () => undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  // Our own controller stops the engine when the consumer stops iterating early.
  const stop = new AbortController();
  let finished = false;
  let failure: { err: unknown } | undefined;
  const run = runScan(
    options,
    (e) => {
      queue.push(e);
      notify();
    },
    { congested: () => queue.length > 8192, onResume: (fn) => (resume = fn) },
    stop.signal,
  ).then(
    () => {
      finished = true;
      notify();
    },
    (err: unknown) => {
      failure = { err };
      finished = true;
      notify();
    },
  );
  try {
    for (;;) {
      if (queue.length > 0) {
        const batch = queue.splice(0, queue.length);
        resume();
        for (const e of batch) yield e;
        continue;
      }
      if (finished) break;
      await new Promise<void>((res) => (wake = res));
    }
    if (failure !== undefined) throw failure.err;
  } finally {
    if (!finished) {
      // The consumer stopped iterating early (break / return): stop the engine too.
      stop.abort();
      await run;
    }
  }
}
