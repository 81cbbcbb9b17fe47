/**
 * A keyed pseudo-random permutation of [0, n): the scan order of masscan and zmap, in O(1)
 * memory. A balanced Feistel network over the smallest even power of two ≥ n, with
 * cycle-walking to stay inside [0, n). Halves are at most 24 bits, so n may reach 2^48.
 *
 * This spreads probes over hosts and ports; it is not cryptography. The round function is the
 * murmur3 32-bit finaliser (Math.imul only, no BigInt), so at(i) costs a few dozen integer
 * operations per Feistel pass.
 */

const ROUNDS = 4;
/** Largest n: two 24-bit halves keep every intermediate an exact double. */
const MAX_N = 2 ** 48;
/** Up to this many bits per half, the domain fits in a 31-bit int and bit operators apply. */
const SMALL_HALF_BITS = 15;

/** murmur3's 32-bit finaliser: cheap, and every input bit reaches every output bit. */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A 64-bit key from any text (two 32-bit FNV-1a-style lanes with different primes, finalised
 * by `mix`). Scan seeds are text, so a scan's order can be repeated from its header.
 */
export function seedFromString(s: string): bigint {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  const hi = mix(a ^ s.length);
  const lo = mix(b ^ hi);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** The 64-bit key a seed stands for: text is hashed, a number or bigint is the key itself. */
function keyOf(seed: number | bigint | string): bigint {
  if (typeof seed === 'string') return seedFromString(seed);
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) throw new RangeError(`seed ${seed} is not an integer`);
  return BigInt.asUintN(64, BigInt(seed));
}

/** Four distinct 32-bit round keys from a 64-bit key. */
function roundKeys(key: bigint): number[] {
  const hi = Number(key >> 32n);
  const lo = Number(key & 0xffffffffn);
  const keys: number[] = [];
  for (let r = 0; r < ROUNDS; r++) keys.push(mix(lo ^ mix(hi + Math.imul(r + 1, 0x9e3779b9))));
  return keys;
}

/** A bijection on [0, n) chosen by `seed`; the same (n, seed) always gives the same order. */
export class Permutation {
  readonly n: number;
  private readonly halfBits: number;
  private readonly halfSize: number;
  private readonly halfMask: number;
  private readonly k0: number;
  private readonly k1: number;
  private readonly k2: number;
  private readonly k3: number;

  constructor(n: number, seed: number | bigint | string) {
    if (!Number.isInteger(n) || n < 0 || n > MAX_N) throw new RangeError(`permutation size ${n} is out of range (0 to 2^48)`);
    this.n = n;
    let bits = 2;
    while (2 ** bits < n) bits += 2;
    this.halfBits = bits / 2;
    this.halfSize = 2 ** this.halfBits;
    this.halfMask = this.halfSize - 1;
    // Round keys as fields, not an array: no bounds checks or holes in the hot loop.
    const [k0, k1, k2, k3] = roundKeys(keyOf(seed)) as [number, number, number, number];
    this.k0 = k0;
    this.k1 = k1;
    this.k2 = k2;
    this.k3 = k3;
  }

  /** The i-th element of the permuted order; RangeError unless 0 ≤ i < n is an integer. */
  at(i: number): number {
    if (!(i >= 0 && i < this.n && Number.isInteger(i))) throw new RangeError(`permutation index ${i} is out of range (0 to ${this.n - 1})`);
    const n = this.n;
    let x = i;
    // Cycle-walking: the Feistel domain is under 4n, so on average fewer than 4 passes; the
    // walk from i < n stays on i's cycle, which returns into [0, n), so this is a bijection.
    if (this.halfBits <= SMALL_HALF_BITS) {
      do x = this.encryptSmall(x);
      while (x >= n);
    } else {
      do x = this.encryptLarge(x);
      while (x >= n);
    }
    return x;
  }

  /**
   * Writes at(from), at(from + 1), … into out[0 .. count): the same values, from one loop with
   * the rounds written out, so the JIT optimises it (on-stack) within its first few hundred
   * elements, where count calls of at() run unoptimised for as many calls. RangeError unless
   * from ≥ 0, count ≥ 0, from + count ≤ n and out holds count elements.
   */
  fill(out: Float64Array, from: number, count: number): void {
    const n = this.n;
    if (!(Number.isInteger(from) && Number.isInteger(count) && from >= 0 && count >= 0 && from + count <= n && count <= out.length)) {
      throw new RangeError(`permutation range ${from} + ${count} is out of range (0 to ${n}, at most ${out.length})`);
    }
    if (this.halfBits > SMALL_HALF_BITS) {
      for (let i = 0; i < count; i++) out[i] = this.at(from + i);
      return;
    }
    const h = this.halfBits;
    const m = this.halfMask;
    const k0 = this.k0;
    const k1 = this.k1;
    const k2 = this.k2;
    const k3 = this.k3;
    for (let i = 0; i < count; i++) {
      let x = from + i;
      do {
        let l = x >>> h;
        let r = x & m;
        l ^= mix(r ^ k0) & m;
        r ^= mix(l ^ k1) & m;
        l ^= mix(r ^ k2) & m;
        r ^= mix(l ^ k3) & m;
        x = (l << h) | r;
      } while (x >= n);
      out[i] = x;
    }
  }

  /** Domains up to 2^30: halves by shift and mask. */
  private encryptSmall(x: number): number {
    const h = this.halfBits;
    const m = this.halfMask;
    let l = x >>> h;
    let r = x & m;
    l ^= mix(r ^ this.k0) & m;
    r ^= mix(l ^ this.k1) & m;
    l ^= mix(r ^ this.k2) & m;
    r ^= mix(l ^ this.k3) & m;
    return (l << h) | r;
  }

  /** Domains up to 2^48: halves by division, since bit operators truncate to 32 bits. */
  private encryptLarge(x: number): number {
    const s = this.halfSize;
    const m = this.halfMask;
    let l = Math.floor(x / s);
    let r = x - l * s;
    l ^= mix(r ^ this.k0) & m;
    r ^= mix(l ^ this.k1) & m;
    l ^= mix(r ^ this.k2) & m;
    r ^= mix(l ^ this.k3) & m;
    return l * s + r;
  }
}

/**
 * A fresh random seed, 16 hex digits (recorded in the scan header so a scan can be repeated).
 * `fill` fills the array with random bits: by default globalThis.crypto (src/core stays free of
 * node: imports); scans pass scan/random-bytes.ts's fillRandom, where the Web Crypto object
 * costs ~5 ms of start-up to build.
 */
export function randomSeed(fill: (b: Uint32Array) => void = (b) => void globalThis.crypto.getRandomValues(b)): string {
  const b = new Uint32Array(2);
  fill(b);
  return `${b[0]!.toString(16).padStart(8, '0')}${b[1]!.toString(16).padStart(8, '0')}`;
}
