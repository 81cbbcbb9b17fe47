import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Permutation, randomSeed, seedFromString } from '../../src/core/permutation.js';

const order = (n: number, seed: number | bigint | string, count = n): number[] => {
  const p = new Permutation(n, seed);
  return Array.from({ length: count }, (_, i) => p.at(i));
};

// Every size class: empty, tiny (1-bit halves), odd sizes, exact powers of four and two, sizes
// just past them (longest cycle walks), and the switch to the large-domain path (2^30 < n).
const sizes: { input: number; want: 'bijection' }[] = [0, 1, 2, 3, 4, 5, 7, 16, 17, 100, 255, 256, 257, 1000, 4096, 65535, 65536, 65537, 100_000, 262_145].map((n) => ({ input: n, want: 'bijection' as const }));
for (const c of sizes) {
  test(`Permutation is a bijection on [0, ${c.input})`, () => {
    for (const seed of ['seed', 'other', 7n]) {
      const p = new Permutation(c.input, seed);
      const seen = new Uint8Array(c.input);
      for (let i = 0; i < c.input; i++) {
        const x = p.at(i);
        assert.ok(Number.isInteger(x) && x >= 0 && x < c.input, `at(${i}) = ${x}`);
        assert.equal(seen[x], 0, `duplicate ${x}`);
        seen[x] = 1;
      }
    }
  });
}

test('Permutation is a bijection on a sample of the large-domain path', () => {
  // 2^31 + 1 takes the division path (16-bit halves); a full check is too slow, so check a
  // window of indices for range and distinctness.
  const n = 2 ** 31 + 1;
  const p = new Permutation(n, 'large');
  const seen = new Set<number>();
  for (let i = 0; i < 200_000; i++) {
    const x = p.at(i);
    assert.ok(Number.isInteger(x) && x >= 0 && x < n);
    seen.add(x);
  }
  assert.equal(seen.size, 200_000);
});

const show = (s: number | bigint | string): string => (typeof s === 'bigint' ? `${s}n` : JSON.stringify(s));

const repeats: { input: [number | bigint | string, number | bigint | string]; want: boolean }[] = [
  { input: ['a', 'a'], want: true },
  { input: [42, 42], want: true },
  { input: [42, 42n], want: true },
  { input: ['a', 'b'], want: false },
  { input: ['seed/group/1', 'seed/group/2'], want: false },
  { input: [1, 2], want: false },
  { input: [0n, 2n ** 64n], want: true },
  { input: ['a', seedFromString('a')], want: true },
];
for (const c of repeats) {
  test(`Permutation with seeds ${show(c.input[0])} and ${show(c.input[1])} gives ${c.want ? 'the same' : 'a different'} order`, () => {
    const same = order(1000, c.input[0]).every((x, i) => x === order(1000, c.input[1])[i]);
    assert.equal(same, c.want);
  });
}

test('Permutation shuffles: few fixed points, no long runs', () => {
  for (const seed of ['a', 'b', 'c']) {
    const o = order(10_000, seed);
    const fixed = o.filter((x, i) => x === i).length;
    // A random permutation has one fixed point on average.
    assert.ok(fixed < 10, `${fixed} fixed points`);
    const ascending = o.filter((x, i) => i > 0 && x === o[i - 1]! + 1).length;
    assert.ok(ascending < 50, `${ascending} consecutive steps`);
  }
});

test('Permutation spreads the first indices over the whole range', () => {
  // The scan plan takes hosts from the front of the order; they must not cluster.
  const n = 1 << 20;
  const buckets = new Array<number>(16).fill(0);
  for (const x of order(n, 'spread', 16_000)) buckets[Math.floor((x * 16) / n)]!++;
  for (const b of buckets) assert.ok(b > 800 && b < 1200, `bucket holds ${b} of 16000`);
});

const bad: { input: { n: number; seed?: number | bigint | string; i?: number }; wantErr: RegExp }[] = [
  { input: { n: -1 }, wantErr: /permutation size -1 is out of range/ },
  { input: { n: 1.5 }, wantErr: /permutation size 1\.5 is out of range/ },
  { input: { n: 2 ** 48 + 1 }, wantErr: /out of range \(0 to 2\^48\)/ },
  { input: { n: Number.NaN }, wantErr: /permutation size NaN/ },
  { input: { n: 10, seed: 1.5 }, wantErr: /seed 1\.5 is not an integer/ },
  { input: { n: 10, i: 10 }, wantErr: /permutation index 10 is out of range \(0 to 9\)/ },
  { input: { n: 10, i: -1 }, wantErr: /permutation index -1/ },
  { input: { n: 10, i: 0.5 }, wantErr: /permutation index 0\.5/ },
  { input: { n: 0, i: 0 }, wantErr: /permutation index 0 is out of range/ },
];
for (const c of bad) {
  test(`Permutation refuses n=${c.input.n} seed=${String(c.input.seed ?? 's')} i=${c.input.i ?? 0}`, () => {
    assert.throws(() => new Permutation(c.input.n, c.input.seed ?? 's').at(c.input.i ?? 0), (e: unknown) => e instanceof RangeError && c.wantErr.test(e.message));
  });
}

test('Permutation reaches 2^48', () => {
  const n = 2 ** 48;
  const p = new Permutation(n, 'big');
  const xs = [0, 1, 2 ** 32, n - 2, n - 1].map((i) => p.at(i));
  for (const x of xs) assert.ok(Number.isInteger(x) && x >= 0 && x < n);
  assert.equal(new Set(xs).size, xs.length);
});

const seeds: { input: string; want: RegExp }[] = [
  { input: '', want: /^\d+$/ },
  { input: 'abc', want: /^\d+$/ },
  { input: 'ñandú/😀', want: /^\d+$/ },
];
for (const c of seeds) {
  test(`seedFromString hashes ${JSON.stringify(c.input)} to a 64-bit key`, () => {
    const k = seedFromString(c.input);
    assert.match(String(k), c.want);
    assert.ok(k >= 0n && k < 2n ** 64n);
    assert.equal(seedFromString(c.input), k);
    assert.notEqual(seedFromString(`${c.input}x`), k);
  });
}

test('randomSeed gives 16 hex digits, different each time', () => {
  const a = randomSeed();
  assert.match(a, /^[0-9a-f]{16}$/);
  assert.notEqual(randomSeed(), a);
});

test('randomSeed takes its bits from the source it is given, zero-padded', () => {
  assert.equal(randomSeed((b) => b.set([0xdeadbeef, 0x1f])), 'deadbeef0000001f');
  assert.equal(randomSeed((b) => b.fill(0)), '0000000000000000');
});

test('Permutation at() speed (printed, not asserted)', () => {
  for (const n of [65_536 * 1000, 2 ** 40]) {
    const p = new Permutation(n, 'bench');
    const count = 2_000_000;
    let sink = 0;
    const t0 = performance.now();
    for (let i = 0; i < count; i++) sink ^= p.at(i);
    const ms = performance.now() - t0;
    console.log(`# Permutation(${n}).at: ${((ms * 1e6) / count).toFixed(1)} ns per call (${sink & 1})`);
  }
});

// fill() is at() over a range: every size class (cycle walks, the large-domain path), ranges at
// the start, in the middle and at the end, and empty ones.
const fills: { input: [n: number, from: number, count: number]; want: 'same as at()' }[] = [
  [1, 0, 1],
  [5, 0, 5],
  [17, 3, 10],
  [65535, 0, 4096],
  [65535, 61439, 4096],
  [65537, 65000, 537],
  [262_145, 100_000, 2048],
  [2 ** 31 + 1, 2 ** 31 - 1000, 1001],
  [100, 100, 0],
].map(([n, from, count]) => ({ input: [n!, from!, count!] as [number, number, number], want: 'same as at()' as const }));
for (const c of fills) {
  const [n, from, count] = c.input;
  test(`Permutation.fill(${from}, ${count}) on [0, ${n}) is ${c.want}`, () => {
    const p = new Permutation(n, 'fill');
    const out = new Float64Array(count + 3).fill(-1);
    p.fill(out, from, count);
    for (let i = 0; i < count; i++) assert.equal(out[i], p.at(from + i), `element ${i}`);
    assert.deepEqual([...out.subarray(count)], [-1, -1, -1], 'writes nothing past count');
  });
}

const badFills: { input: [n: number, from: number, count: number, room: number]; want: RegExp }[] = [
  { input: [100, 99, 2, 10], want: /99 \+ 2 is out of range/ },
  { input: [100, -1, 1, 10], want: /-1 \+ 1 is out of range/ },
  { input: [100, 0, 11, 10], want: /at most 10/ },
  { input: [100, 0.5, 1, 10], want: /0\.5 \+ 1 is out of range/ },
];
for (const c of badFills) {
  const [n, from, count, room] = c.input;
  test(`Permutation.fill(${from}, ${count}) on [0, ${n}) into ${room} elements throws a RangeError`, () => {
    assert.throws(() => new Permutation(n, 'x').fill(new Float64Array(room), from, count), (err: unknown) => err instanceof RangeError && c.want.test(err.message));
  });
}
