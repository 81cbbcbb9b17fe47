/**
 * ICMP rate limits and how a UDP scan lives with them. A closed UDP port is known only by the
 * ICMP port-unreachable it draws, and hosts ration those: Linux lets 6 through at once and then
 * 1 per second to each peer (net.ipv4.icmp_ratelimit = 1000 ms; IPv6 over a /64 gets 4/s), on
 * top of a host-wide 1000/s (icmp_msgs_per_sec, burst icmp_msgs_burst = 50). A suppressed ICMP
 * looks exactly like a silent (open|filtered) port.
 *
 * The model: the target's limiter is a token bucket (rate, burst) that every ICMP error it sends
 * us drains by one. Its parameters are unknown, so we keep one candidate bucket per rate on a
 * grid (from `minRatePerSec`, default 1/s, up to 1,000,000/s), each with the smallest burst that
 * explains the ICMP answers seen so far; a candidate whose burst would have to exceed max(8, one
 * second of its rate) is implausible and dropped. Replaying the probes in send order through
 * every live candidate tells, for each silent probe, whether all of them had a token for it:
 * then a closed port would have answered and the silence is real. Otherwise the silence may be
 * a suppressed ICMP, and the probe should be sent again when there is a token.
 *
 * Pacing: until the first suppressed silence, probes go as fast as the caller sends them (a fast
 * first pass costs nothing: its suppressed silences are simply probed again, and it shows how
 * fast the host really answers). After that the host counts as limited and `delay()` holds each
 * probe until the candidates have a token for it.
 *
 * Assumptions, which docs/guides/udp-scanning.md repeats: the bucket is not already drained
 * when the scan starts (by another scan just before), and the limiter allows at least
 * `minRatePerSec`. Pure and clock-free: callers pass `now` in milliseconds.
 */

/** A token bucket: `burst` answers at once, then `ratePerSec`. */
export interface IcmpBucket {
  readonly ratePerSec: number;
  readonly burst: number;
}

/** How a UDP probe ended, as far as the target's ICMP limiter is concerned. */
export type ProbeAnswer = 'icmp' | 'reply' | 'silent' | 'unsent';

/** The verdict on one silent probe. */
export interface SilenceVerdict {
  readonly ticket: number;
  /** True when an ICMP answer may have been suppressed by the limiter: probe again. */
  readonly suppressed: boolean;
}

/** Options of an IcmpPacer. */
export interface IcmpPacerOptions {
  /** The slowest limiter considered (per second); default 1, Linux's default and the slowest common one. */
  readonly minRatePerSec?: number;
  /** Spread of one-way delays (ms): timing this close to a refill is not trusted either way. Default 2. */
  readonly jitterMs?: number;
}

/** Candidate rates per doubling. */
const STEPS_PER_DOUBLING = 8;
/**
 * A limiter between two grid rates can hold fewer tokens than either neighbour for a while (the
 * faster one refills sooner, the slower one may have needed a larger burst): by at most this
 * share of its burst, so a silence is trusted only with that much to spare.
 */
const GRID_SLACK = 2 ** (1 / STEPS_PER_DOUBLING) - 1;
const MAX_RATE = 1_000_000;
/** A limiter's burst is at most this many answers or one second's worth, whichever is more. */
const MIN_BURST_CAP = 8;
/** Exploring probes are paced to candidates this many times faster than the slowest (see delay()). */
const EXPLORE = 2;

interface Candidate {
  readonly rate: number;
  readonly cap: number;
  burst: number;
  level: number;
  /** Send time of the last probe replayed through this candidate. */
  last: number;
  alive: boolean;
}

interface Entry {
  readonly ticket: number;
  readonly sentAt: number;
  answer: ProbeAnswer | null;
}

/** Tracks one host's ICMP answers, judges its silences and paces probes to its limiter. */
export class IcmpPacer {
  private readonly candidates: Candidate[] = [];
  private readonly jitterMs: number;
  /** Probes sent and not yet replayed, in send order. */
  private queue: Entry[] = [];
  private head = 0;
  private readonly byTicket = new Map<number, Entry>();
  private nextTicket = 0;
  private icmps = 0;
  private silences = 0;
  private limitedFlag = false;

  constructor(opts: IcmpPacerOptions = {}) {
    const minRate = opts.minRatePerSec ?? 1;
    if (!(minRate > 0)) throw new RangeError('minRatePerSec must be positive');
    this.jitterMs = opts.jitterMs ?? 2;
    for (let k = 0; ; k++) {
      const rate = minRate * 2 ** (k / STEPS_PER_DOUBLING);
      if (rate > MAX_RATE) break;
      // Every candidate starts with one token: we assume nobody else has just emptied the bucket.
      this.candidates.push({ rate, cap: Math.max(MIN_BURST_CAP, rate), burst: 1, level: 1, last: -Infinity, alive: true });
    }
  }

  /** True once a silence was found that the limiter may have caused: the host rations its ICMP. */
  get limited(): boolean {
    return this.limitedFlag;
  }

  /** The slowest limiter still consistent with the answers (null when none is: no limit seen). */
  get estimate(): IcmpBucket | null {
    const c = this.slowest();
    return c === undefined ? null : { ratePerSec: c.rate, burst: c.burst };
  }

  /** Records a probe sent at `now`; returns the ticket to settle it with. */
  sent(now: number): number {
    const e: Entry = { ticket: this.nextTicket++, sentAt: now, answer: null };
    this.queue.push(e);
    this.byTicket.set(e.ticket, e);
    return e.ticket;
  }

  /**
   * Records how a probe ended. Returns the verdicts that became known, in send order: a silent
   * probe is judged only once every probe sent before it has ended (their ICMP answers, if any,
   * came out of the same bucket first).
   */
  settle(ticket: number, answer: ProbeAnswer): SilenceVerdict[] {
    const e = this.byTicket.get(ticket);
    if (e === undefined || e.answer !== null) return [];
    e.answer = answer;
    const out: SilenceVerdict[] = [];
    while (this.head < this.queue.length && this.queue[this.head]!.answer !== null) {
      const v = this.replay(this.queue[this.head]!);
      this.byTicket.delete(this.queue[this.head]!.ticket);
      this.head++;
      if (v !== null) out.push(v);
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /**
   * Milliseconds to wait before the next probe may go (0 = now): until every live candidate
   * holds a token for it, beyond those the probes still in flight may take. Zero until the host
   * is limited. With `explore`, only the candidates at least twice as fast as the slowest are
   * waited for: if the host's limiter is faster than seen so far, its answers show it and the
   * slow candidates are ruled out; if not, the suppressed silences are sent again. Callers
   * explore with first tries and first re-sends, and wait for every candidate after that, so
   * that each port's answer is settled within a few tries.
   */
  delay(now: number, explore = false): number {
    if (!this.limitedFlag) return 0;
    // Tokens the probes in flight may take: one per ICMP already back, a share of each pending one.
    const share = (this.icmps + 1) / (this.icmps + this.silences + 2);
    let reserved = 0;
    for (let i = this.head; i < this.queue.length; i++) {
      const a = this.queue[i]!.answer;
      reserved += a === 'icmp' ? 1 : a === null ? share : 0;
    }
    const slow = this.slowest();
    const fastest = this.candidates.findLast((c) => c.alive);
    const from = explore && slow !== undefined && fastest !== undefined ? Math.min(slow.rate * EXPLORE, fastest.rate) : 0;
    let wait = 0;
    for (const c of this.candidates) {
      if (!c.alive || c.rate < from) continue;
      // A candidate refilling faster than we send never holds more than its burst for us.
      const need = Math.min(c.burst, 1 + GRID_SLACK * c.burst + reserved);
      if (c.level >= need) continue;
      // When the level reaches `need`, judged at the earliest arrival the jitter allows, as replay() does.
      const ready = c.last + this.jitterMs + ((need - c.level) * 1000) / c.rate;
      if (ready > now) wait = Math.max(wait, ready - now);
    }
    return wait;
  }

  private slowest(): Candidate | undefined {
    return this.candidates.find((c) => c.alive);
  }

  /** Passes one ended probe through every live candidate bucket. */
  private replay(e: Entry): SilenceVerdict | null {
    if (e.answer === 'unsent' || e.answer === 'reply') return null;
    const icmp = e.answer === 'icmp';
    if (icmp) this.icmps++;
    else this.silences++;
    let suppressed = false;
    for (const c of this.candidates) {
      if (!c.alive) continue;
      const dt = e.sentAt - c.last;
      // The level `x` ms after the last replayed probe. Arrival times are known only to within
      // the jitter: judge silence at the earliest and a violation at the latest they allow.
      const at = (x: number): number => Math.min(c.burst, c.level + (c.rate * Math.max(0, x)) / 1000);
      if (icmp) {
        if (at(dt + this.jitterMs) < 1) {
          // The host answered while this candidate had no token: its burst must be larger.
          c.burst += 1 - at(dt);
          if (c.burst > c.cap) {
            c.alive = false;
            continue;
          }
          c.level = 1;
        } else {
          c.level = at(dt);
        }
        c.level = Math.max(0, c.level - 1);
      } else {
        if (at(dt - this.jitterMs) < Math.min(c.burst, 1 + GRID_SLACK * c.burst)) suppressed = true;
        c.level = at(dt);
      }
      c.last = e.sentAt;
    }
    if (icmp) return null;
    if (suppressed) this.limitedFlag = true;
    return { ticket: e.ticket, suppressed };
  }
}
