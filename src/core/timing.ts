/**
 * Timing maths for the scan engine: timing templates, the per-host RTT estimator (RFC 6298:
 * srtt + 4·rttvar) and the congestion window. Pure and clock-free: callers pass times in.
 */

/** The knobs a timing template sets; flags override them one by one. */
export interface TimingTemplate {
  readonly name: string;
  readonly initialRttTimeoutMs: number;
  readonly minRttTimeoutMs: number;
  readonly maxRttTimeoutMs: number;
  readonly maxRetries: number;
  readonly scanDelayMs: number;
  /** Probes a host may have in flight before anything has answered. */
  readonly initialCwnd: number;
  readonly maxParallelism: number;
  readonly hostTimeoutMs: number;
}

/**
 * -T0…-T5. Timeouts and retries follow nmap's templates so users get what they expect;
 * the windows are larger because our congestion control does not mistake a firewall's
 * silence for loss (see HostTiming.onSilence) and so can afford to open up.
 */
export const TIMING_TEMPLATES: readonly TimingTemplate[] = [
  { name: 'paranoid', initialRttTimeoutMs: 300_000, minRttTimeoutMs: 100, maxRttTimeoutMs: 300_000, maxRetries: 10, scanDelayMs: 300_000, initialCwnd: 1, maxParallelism: 1, hostTimeoutMs: 0 },
  { name: 'sneaky', initialRttTimeoutMs: 15_000, minRttTimeoutMs: 100, maxRttTimeoutMs: 15_000, maxRetries: 10, scanDelayMs: 15_000, initialCwnd: 1, maxParallelism: 1, hostTimeoutMs: 0 },
  { name: 'polite', initialRttTimeoutMs: 1_000, minRttTimeoutMs: 100, maxRttTimeoutMs: 10_000, maxRetries: 10, scanDelayMs: 400, initialCwnd: 1, maxParallelism: 1, hostTimeoutMs: 0 },
  { name: 'normal', initialRttTimeoutMs: 1_000, minRttTimeoutMs: 100, maxRttTimeoutMs: 10_000, maxRetries: 10, scanDelayMs: 0, initialCwnd: 128, maxParallelism: 8192, hostTimeoutMs: 0 },
  { name: 'aggressive', initialRttTimeoutMs: 500, minRttTimeoutMs: 100, maxRttTimeoutMs: 1_250, maxRetries: 6, scanDelayMs: 0, initialCwnd: 256, maxParallelism: 8192, hostTimeoutMs: 0 },
  { name: 'insane', initialRttTimeoutMs: 250, minRttTimeoutMs: 50, maxRttTimeoutMs: 300, maxRetries: 2, scanDelayMs: 0, initialCwnd: 512, maxParallelism: 8192, hostTimeoutMs: 900_000 },
];

/** The template used when -T is not given. */
export const DEFAULT_TIMING_LEVEL = 3;

/** RFC 6298 smoothed RTT estimator. */
export class RttEstimator {
  srtt: number | null = null;
  rttvar = 0;

  /** Feeds one measured round trip (ms). */
  sample(rtt: number): void {
    if (!(rtt >= 0) || !Number.isFinite(rtt)) return;
    if (this.srtt === null) {
      this.srtt = rtt;
      this.rttvar = rtt / 2;
    } else {
      const delta = rtt - this.srtt;
      this.rttvar += (Math.abs(delta) - this.rttvar) / 4;
      this.srtt += delta / 8;
    }
  }

  /** The probe timeout: srtt + 4·rttvar clamped to [min, max], or `initial` before any sample. */
  timeout(initial: number, min: number, max: number): number {
    if (this.srtt === null) return clamp(initial, min, max);
    return clamp(this.srtt + 4 * this.rttvar, min, max);
  }
}

/**
 * The congestion window of one host (or of the whole scan). Grows by one probe per answer in
 * slow start, by 1/cwnd in congestion avoidance, and halves at most once per RTT on a drop —
 * TCP's Reno rules, which nmap also uses.
 */
export class CongestionWindow {
  cwnd: number;
  ssthresh: number;
  private lastDropAt = -Infinity;

  constructor(
    initial: number,
    readonly min: number,
    readonly max: number,
  ) {
    this.cwnd = clamp(initial, min, max);
    this.ssthresh = max;
  }

  /** How many probes may be in flight now. */
  get limit(): number {
    return Math.max(this.min, Math.floor(this.cwnd));
  }

  /** A probe was answered (or was met by silence that is not evidence of loss). */
  onAnswer(): void {
    if (this.cwnd < this.ssthresh) this.cwnd += 1;
    else this.cwnd += 1 / this.cwnd;
    if (this.cwnd > this.max) this.cwnd = this.max;
  }

  /**
   * A probe was lost (a retransmission was answered, so the first try was dropped on the way).
   * Reacts once per `rttMs`, so one burst of losses does not collapse the window.
   */
  onDrop(now: number, rttMs: number): void {
    if (now - this.lastDropAt < Math.max(rttMs, 1)) return;
    this.lastDropAt = now;
    this.ssthresh = Math.max(this.min, this.cwnd / 2);
    this.cwnd = this.ssthresh;
  }

  /** Back-pressure from the OS (out of file descriptors or ports): shrink below what is in flight. */
  onResourceLimit(inFlight: number): void {
    this.cwnd = Math.max(this.min, Math.min(this.cwnd, inFlight * 0.75));
    this.ssthresh = Math.max(this.min, this.cwnd);
  }
}

/**
 * nmap's adaptive retry rule: a silent port is retried only as many times as retries have
 * ever been needed on this host (plus one), up to --max-retries. A host that never loses a
 * probe spends two probes on a filtered port, not eleven.
 */
export function allowedTries(maxSuccessfulTry: number, maxRetries: number): number {
  return Math.min(maxRetries, Math.max(1, maxSuccessfulTry + 1)) + 1;
}

/** A token bucket for --max-rate: how long to wait before the next probe may go. */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    readonly ratePerSec: number,
    now: number,
    readonly burst = Math.max(1, Math.min(ratePerSec / 20, 1000)),
  ) {
    this.tokens = Math.min(1, this.burst);
    this.last = now;
  }

  /** Takes one token if there is one; returns 0, or the ms to wait until there is. */
  take(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSec) / 1000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return ((1 - this.tokens) * 1000) / this.ratePerSec;
  }
}

/** Clamps x to [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
