/**
 * A set of probe ids (integers 0 … 2^53 − 1) in one typed array: open addressing with linear
 * probing and backward-shift deletion, so adding and removing tens of thousands of ids a second
 * allocates nothing (a Map of the same churn rehashes its tables over and over). Pure.
 */

const EMPTY = -1;

export class IdSet {
  private keys: Float64Array;
  private mask: number;
  /** How many ids the set holds. */
  size = 0;

  constructor(capacity = 64) {
    let n = 16;
    while (n < capacity * 2) n *= 2;
    this.keys = new Float64Array(n).fill(EMPTY);
    this.mask = n - 1;
  }

  private home(id: number): number {
    // Low and high 32 bits mixed, so ids that differ only above bit 31 spread too.
    return (Math.imul((id | 0) ^ ((id / 4294967296) | 0), 0x9e3779b1) >>> 0) & this.mask;
  }

  has(id: number): boolean {
    const k = this.keys;
    for (let i = this.home(id); ; i = (i + 1) & this.mask) {
      const v = k[i]!;
      if (v === id) return true;
      if (v === EMPTY) return false;
    }
  }

  /** Adds `id`; false when it was already there. Throws on a value that is not an id. */
  add(id: number): boolean {
    if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`not a probe id: ${id}`);
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const k = this.keys;
    for (let i = this.home(id); ; i = (i + 1) & this.mask) {
      const v = k[i]!;
      if (v === id) return false;
      if (v === EMPTY) {
        k[i] = id;
        this.size++;
        return true;
      }
    }
  }

  /** Removes `id`; false when it was not there. */
  delete(id: number): boolean {
    const k = this.keys;
    const mask = this.mask;
    let i = this.home(id);
    for (;;) {
      const v = k[i]!;
      if (v === EMPTY) return false;
      if (v === id) break;
      i = (i + 1) & mask;
    }
    // Backward shift: move later members of the run into the hole when their home allows it.
    let hole = i;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const v = k[j]!;
      if (v === EMPTY) break;
      const h = this.home(v);
      // v may fill the hole when its home is not cyclically inside (hole, j].
      if (((j - h) & mask) >= ((j - hole) & mask)) {
        k[hole] = v;
        hole = j;
      }
    }
    k[hole] = EMPTY;
    this.size--;
    return true;
  }

  /** Every id, in no particular order (a copy: the set may change while the caller walks it). */
  values(): number[] {
    const out: number[] = [];
    for (const v of this.keys) if (v !== EMPTY) out.push(v);
    return out;
  }

  private grow(): void {
    const old = this.keys;
    this.keys = new Float64Array(old.length * 2).fill(EMPTY);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (const v of old) if (v !== EMPTY) this.add(v);
  }
}
