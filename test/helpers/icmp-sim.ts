/**
 * A simulated UDP scan against a simulated ICMP limiter, driving IcmpPacer the way the UDP
 * prober does: for table tests of the pacer (whole scans in virtual time) and for experiments.
 */
import { IcmpPacer, type ProbeAnswer } from '../../src/core/icmp-pacing.js';

/** Linux's inet_peer_xrlim_allow in ms: tokens are ms of credit, capped at burst × interval. */
export class Limiter {
  private tokens: number;
  private last = 0;
  constructor(
    private readonly intervalMs: number,
    private readonly burst: number,
  ) {
    this.tokens = burst * intervalMs;
  }
  allow(t: number): boolean {
    if (this.intervalMs === 0) return true;
    this.tokens = Math.min(this.burst * this.intervalMs, this.tokens + (t - this.last));
    this.last = t;
    if (this.tokens >= this.intervalMs) {
      this.tokens -= this.intervalMs;
      return true;
    }
    return false;
  }
}

export type Kind = 'closed' | 'silent' | 'open';

/**
 * Event-driven scan of `kinds` (index = port) the way the UDP prober drives its pacer: every
 * port is offered at once, at most `window` in flight, sends `gapMs` apart when the pacer allows;
 * a suppressed verdict sends the port again. Returns each port's state and the scan's duration.
 */
export function simulate(kinds: readonly Kind[], limiter: Limiter, o: { rttMs?: number; timeoutMs?: number; window?: number; gapMs?: number; shuffle?: number; minRatePerSec?: number } = {}): { states: string[]; ms: number; probes: number; pacer: IcmpPacer } {
  const rtt = o.rttMs ?? 1;
  const timeout = o.timeoutMs ?? 300;
  const window = o.window ?? 256;
  const gap = o.gapMs ?? 0.05;
  const pacer = new IcmpPacer(o.minRatePerSec !== undefined ? { minRatePerSec: o.minRatePerSec } : {});
  const events: { at: number; run: () => void }[] = [];
  const at = (t: number, run: () => void): void => {
    let i = events.length;
    while (i > 0 && events[i - 1]!.at > t) i--;
    events.splice(i, 0, { at: t, run });
  };
  // A fixed pseudo-random port order, as the engine permutes ports.
  const order = kinds.map((_, i) => i);
  let seed = o.shuffle ?? 7;
  for (let i = order.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const todo = [...order];
  const states: string[] = kinds.map(() => '');
  const byTicket = new Map<number, number>();
  let inFlight = 0;
  let now = 0;
  let probes = 0;
  let wakeAt = Infinity;
  const resent = new Map<number, number>();
  const pump = (): void => {
    while (todo.length > 0 && inFlight < window) {
      const d = pacer.delay(now, (resent.get(todo[0]!) ?? 0) < 2);
      if (d > 0) {
        // Infinity: wait for the probes in flight, whose settling pumps again.
        if (d !== Infinity && now + d < wakeAt) {
          const when = now + d;
          wakeAt = when;
          at(when, () => {
            if (wakeAt !== when) return; // superseded by an earlier wake-up
            wakeAt = Infinity;
            pump();
          });
        }
        return;
      }
      const port = todo.shift()!;
      const ticket = pacer.sent(now);
      byTicket.set(ticket, port);
      inFlight++;
      probes++;
      const k = kinds[port]!;
      const answer: ProbeAnswer = k === 'open' ? 'reply' : k === 'closed' && limiter.allow(now + rtt / 2) ? 'icmp' : 'silent';
      at(now + (answer === 'silent' ? timeout : rtt), () => settle(ticket, answer));
      now += gap; // sends take time
    }
  };
  let lastSettle = 0;
  const settle = (ticket: number, answer: ProbeAnswer): void => {
    lastSettle = now;
    inFlight--;
    const port = byTicket.get(ticket)!;
    if (answer === 'icmp') states[port] = 'closed';
    if (answer === 'reply') states[port] = 'open';
    for (const v of pacer.settle(ticket, answer)) {
      const p = byTicket.get(v.ticket)!;
      if (v.suppressed) {
        resent.set(p, (resent.get(p) ?? 0) + 1);
        todo.unshift(p);
      }
      else states[p] = 'open|filtered';
    }
    pump();
  };
  pump();
  for (let n = 0; events.length > 0; n++) {
    if (n > 1_000_000) throw new Error(`simulation runs away at ${now.toFixed(0)} ms after ${probes} probes`);
    const e = events.shift()!;
    now = Math.max(now, e.at);
    e.run();
  }
  return { states, ms: lastSettle, probes, pacer };
}

