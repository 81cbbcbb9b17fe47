/**
 * A prober that sends nothing: each probe's outcome comes from a script, one event-loop turn
 * later, so the engine's scheduling can be tested exactly and fast.
 */
import type { Prober, ResultHandler } from '../../src/scan/prober.js';
import { Outcome, type OutcomeCode } from '../../src/scan/outcome.js';

/** Decides a probe's outcome from the host, the port and how many times this pair was probed. */
export type Script = (host: string, port: number, attempt: number) => OutcomeCode;

/** What the fake saw. */
export interface FakeLog {
  readonly sent: { host: string; port: number; timeoutMs: number }[];
  maxInFlight: number;
  attempts: Map<string, number>;
}

/** Creates a fake prober factory and the log it fills. */
export function fakeProber(script: Script, extra: { minUsefulWindow?: number } = {}): { create: (onResult: ResultHandler) => Prober; log: FakeLog } {
  const log: FakeLog = { sent: [], maxInFlight: 0, attempts: new Map() };
  const create = (onResult: ResultHandler): Prober => {
    const hosts = new Map<number, string>();
    let inFlight = 0;
    let closed = false;
    return {
      description: 'fake',
      ...extra,
      addHost: (ref, address) => void hosts.set(ref, address),
      removeHost: (ref) => void hosts.delete(ref),
      probe(id, ref, port, timeoutMs) {
        const host = hosts.get(ref);
        if (host === undefined) throw new Error(`unknown host ref ${ref}`);
        const key = `${host}:${port}`;
        const attempt = (log.attempts.get(key) ?? 0) + 1;
        log.attempts.set(key, attempt);
        log.sent.push({ host, port, timeoutMs });
        inFlight++;
        log.maxInFlight = Math.max(log.maxInFlight, inFlight);
        const outcome = script(host, port, attempt);
        setImmediate(() => {
          if (closed) return;
          inFlight--;
          onResult(id, outcome, outcome === Outcome.Timeout ? timeoutMs : 0.5);
        });
      },
      close() {
        closed = true;
        return Promise.resolve();
      },
    };
  };
  return { create, log };
}
