/**
 * The scan plan: which (host, port) pair comes next. Pure and lazy: hosts are drawn through a
 * keyed permutation of the target index space and processed in groups; inside a group the
 * pairs come through a second permutation. Memory is O(group), never O(targets × ports), and
 * the same seed gives the same order. -r (sequential) keeps the natural order.
 */
import { Permutation } from './permutation.js';

/** One host of the plan, as the target list describes it. */
export interface PlanTarget<A> {
  readonly address: A;
  /** The name the user typed, when the target was a hostname. */
  readonly hostname?: string | undefined;
}

/** The targets, addressable by index; undefined for an excluded index. */
export interface TargetSource<A> {
  readonly size: number;
  at(index: number): PlanTarget<A> | undefined;
}

/** A group of hosts whose pairs are interleaved. */
export interface PlanGroup<A> {
  readonly hosts: readonly PlanTarget<A>[];
  /** Number of (host, port) pairs in the group. */
  readonly pairs: number;
  /** The k-th pair in scan order, as [host index in group, port index]. */
  pairAt(k: number): readonly [number, number];
  /**
   * The k-th pair as one number c: host index c % hosts.length, port index
   * Math.floor(c / hosts.length). What the engine uses: no array per pair.
   */
  codeAt(k: number): number;
}

/** How the plan orders work. */
export interface PlanOptions {
  readonly seed: string;
  readonly sequential: boolean;
  /** Hosts per group; default chosen from the port count (see groupSizeFor). */
  readonly groupSize?: number;
}

/** Pairs per group we aim for: enough to keep thousands of probes in flight, few hosts at once. */
const PAIRS_PER_GROUP = 8_192;
/** Codes of a group computed at once (see nextGroup), after a first chunk of FIRST_CHUNK, doubling. */
const CODE_CHUNK = 4096;
const FIRST_CHUNK = 32;
const MAX_GROUP = 4096;

/** Hosts per group for a scan of `ports` ports per host. */
export function groupSizeFor(ports: number): number {
  return Math.max(1, Math.min(MAX_GROUP, Math.ceil(PAIRS_PER_GROUP / Math.max(1, ports))));
}

/** Walks a target source group by group. */
export class ScanPlan<A> {
  private readonly hostPerm: Permutation | null;
  private nextHostIndex = 0;
  private groupNo = 0;
  readonly groupSize: number;

  constructor(
    private readonly targets: TargetSource<A>,
    private readonly portCount: number,
    private readonly opts: PlanOptions,
  ) {
    this.groupSize = opts.groupSize ?? groupSizeFor(portCount);
    this.hostPerm = opts.sequential ? null : new Permutation(targets.size, `${opts.seed}/hosts`);
  }

  /** Total pairs including excluded hosts: the denominator of progress. */
  get totalPairs(): number {
    return this.targets.size * this.portCount;
  }

  /** Fraction of the host index space handed out so far. */
  get hostsVisited(): number {
    return this.nextHostIndex;
  }

  /** The next group of hosts, or undefined when every host has been handed out. */
  nextGroup(): PlanGroup<A> | undefined {
    const hosts: PlanTarget<A>[] = [];
    while (hosts.length < this.groupSize && this.nextHostIndex < this.targets.size) {
      const i = this.nextHostIndex++;
      const t = this.targets.at(this.hostPerm === null ? i : this.hostPerm.at(i));
      if (t !== undefined) hosts.push(t);
    }
    if (hosts.length === 0) return undefined;
    const ports = this.portCount;
    const pairs = hosts.length * ports;
    const g = this.groupNo++;
    if (this.opts.sequential) {
      const n = hosts.length;
      return { hosts, pairs, pairAt: (k) => [Math.floor(k / ports), k % ports], codeAt: (k) => (k % ports) * n + Math.floor(k / ports) };
    }
    const perm = new Permutation(pairs, `${this.opts.seed}/group/${g}`);
    const n = hosts.length;
    // The engine draws codes in order (k, k + 1, …): they are computed up to CODE_CHUNK at a
    // time by Permutation.fill, one tight loop the JIT optimises early, rather than one call
    // per probe through the permutation's rounds. Any order of k still gets the right code.
    // The first chunks are short: the refill branch then runs a few times while the engine's
    // first probes go out, so the JIT has seen it when it optimises codeAt (a branch first
    // taken in optimised code throws that code away: "insufficient type feedback").
    const chunk = new Float64Array(Math.min(CODE_CHUNK, pairs));
    let chunkStart = 0;
    let chunkLen = 0;
    let nextLen = FIRST_CHUNK;
    // Host-minor order after the permutation spreads consecutive probes over hosts and ports.
    return {
      hosts,
      pairs,
      pairAt: (k) => {
        const x = perm.at(k);
        return [x % n, Math.floor(x / n)];
      },
      codeAt: (k) => {
        if (k < chunkStart || k >= chunkStart + chunkLen) {
          chunkStart = k;
          chunkLen = Math.min(nextLen, chunk.length, pairs - k);
          nextLen = Math.min(2 * nextLen, chunk.length);
          perm.fill(chunk, k, chunkLen);
        }
        return chunk[k - chunkStart]!;
      },
    };
  }
}
