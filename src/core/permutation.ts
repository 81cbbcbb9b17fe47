/**
 * A keyed pseudo-random permutation of [0, n): the scan order of masscan and zmap, in O(1)
 * memory. A balanced Feistel network over the smallest even power of two ≥ n, with
 * cycle-walking to stay inside [0, n). Halves are at most 24 bits, so n may reach 2^48.
 */

const ROUNDS = 4;

/** 32-bit mixing (murmur3 finaliser): cheap and well spread. */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Turns any seed into four 32-bit round keys (FNV-1a over the text, then mixed). */
function roundKeys(seed: number | bigint | string): number[] {
  const text = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  const keys: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    h = mix(h + 0x9e3779b9 + r);
    keys.push(h);
  }
  return keys;
}

/** A bijection on [0, n) chosen by `seed`. */
export class Permutation {
  readonly n: number;
  private readonly halfBits: number;
  private readonly halfMask: number;
  private readonly halfSize: number;
  private readonly keys: number[];

  constructor(n: number, seed: number | bigint | string) {
    if (!Number.isInteger(n) || n < 0 || n > 2 ** 48) throw new RangeError(`permutation size ${n} is out of range (0 to 2^48)`);
    this.n = n;
    let bits = 2;
    while (2 ** bits < n) bits += 2;
    this.halfBits = bits / 2;
    this.halfSize = 2 ** this.halfBits;
    this.halfMask = this.halfSize - 1;
    this.keys = roundKeys(seed);
  }

  /** The i-th element of the permuted order (0 ≤ i < n). */
  at(i: number): number {
    if (this.n <= 1) return i;
    let x = i;
    // Cycle-walking: the Feistel domain is at most 4n, so this loops a few times at most on average.
    do x = this.encrypt(x);
    while (x >= this.n);
    return x;
  }

  private encrypt(x: number): number {
    const size = this.halfSize;
    const mask = this.halfMask;
    let left = Math.floor(x / size);
    let right = x % size;
    for (let r = 0; r < ROUNDS; r++) {
      const f = mix(right ^ this.keys[r]!) & mask;
      const next = (left ^ f) & mask;
      left = right;
      right = next;
    }
    return left * size + right;
  }
}

/** A fresh random seed, as text (recorded in the scan header so a scan can be repeated). */
export function randomSeed(): string {
  const b = new Uint32Array(2);
  globalThis.crypto.getRandomValues(b);
  return `${b[0]!.toString(16).padStart(8, '0')}${b[1]!.toString(16).padStart(8, '0')}`;
}
