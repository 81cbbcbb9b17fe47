/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit hash, fast on short inputs and
 * unpredictable without the key, which makes it the right tool for SYN cookies. JavaScript has
 * no fast 64-bit integers (BigInt allocates), so each 64-bit word is kept as two 32-bit halves.
 */

// State v0..v3 as [hi, lo] pairs in one reusable array: v0 = s[0], s[1]; v1 = s[2], s[3]; ...
const s = new Uint32Array(8);

/** v_a += v_b (mod 2^64). */
function add(a: number, b: number): void {
  const lo = s[a + 1]! + s[b + 1]!;
  s[a + 1] = lo;
  s[a] = s[a]! + s[b]! + (lo > 0xffffffff ? 1 : 0);
}

/** v_a = rotl(v_a, n) for 0 < n < 32. */
function rotl(a: number, n: number): void {
  const hi = s[a]!;
  const lo = s[a + 1]!;
  s[a] = (hi << n) | (lo >>> (32 - n));
  s[a + 1] = (lo << n) | (hi >>> (32 - n));
}

/** v_a = rotl(v_a, 32): swap the halves. */
function swap(a: number): void {
  const hi = s[a]!;
  s[a] = s[a + 1]!;
  s[a + 1] = hi;
}

/** v_a ^= v_b. */
function xor(a: number, b: number): void {
  s[a] = s[a]! ^ s[b]!;
  s[a + 1] = s[a + 1]! ^ s[b + 1]!;
}

const V0 = 0;
const V1 = 2;
const V2 = 4;
const V3 = 6;

function sipRound(): void {
  add(V0, V1);
  rotl(V1, 13);
  xor(V1, V0);
  swap(V0);
  add(V2, V3);
  rotl(V3, 16);
  xor(V3, V2);
  add(V0, V3);
  rotl(V3, 21);
  xor(V3, V0);
  add(V2, V1);
  rotl(V1, 17);
  xor(V1, V2);
  swap(V2);
}

function le32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

/** Absorbs one message word m = [hi, lo]: v3 ^= m, two rounds, v0 ^= m. */
function absorb(hi: number, lo: number): void {
  s[V3] = s[V3]! ^ hi;
  s[V3 + 1] = s[V3 + 1]! ^ lo;
  sipRound();
  sipRound();
  s[V0] = s[V0]! ^ hi;
  s[V0 + 1] = s[V0 + 1]! ^ lo;
}

/**
 * SipHash-2-4 of msg[0, length) under a 16-byte key, as the [high, low] 32-bit halves of the
 * 64-bit result. The result's first output bytes (little-endian) are the low half.
 */
export function sipHash24(key: Uint8Array, msg: Uint8Array, length = msg.length): [hi: number, lo: number] {
  if (key.length !== 16) throw new RangeError('SipHash key must be 16 bytes');
  const k0hi = le32(key, 4);
  const k0lo = le32(key, 0);
  const k1hi = le32(key, 12);
  const k1lo = le32(key, 8);
  // "somepseudorandomlygeneratedbytes"
  s[V0] = k0hi ^ 0x736f6d65;
  s[V0 + 1] = k0lo ^ 0x70736575;
  s[V1] = k1hi ^ 0x646f7261;
  s[V1 + 1] = k1lo ^ 0x6e646f6d;
  s[V2] = k0hi ^ 0x6c796765;
  s[V2 + 1] = k0lo ^ 0x6e657261;
  s[V3] = k1hi ^ 0x74656462;
  s[V3 + 1] = k1lo ^ 0x79746573;
  const full = length - (length % 8);
  for (let i = 0; i < full; i += 8) absorb(le32(msg, i + 4), le32(msg, i));
  // Last word: the remaining bytes little-endian, the length (mod 256) in the top byte.
  let hi = (length & 0xff) << 24;
  let lo = 0;
  for (let i = full; i < length; i++) {
    const shift = (i - full) * 8;
    if (shift < 32) lo |= msg[i]! << shift;
    else hi |= msg[i]! << (shift - 32);
  }
  absorb(hi >>> 0, lo >>> 0);
  s[V2 + 1] = s[V2 + 1]! ^ 0xff;
  for (let r = 0; r < 4; r++) sipRound();
  return [(s[V0] ^ s[V1] ^ s[V2] ^ s[V3]) >>> 0, (s[V0 + 1]! ^ s[V1 + 1]! ^ s[V2 + 1]! ^ s[V3 + 1]!) >>> 0];
}
