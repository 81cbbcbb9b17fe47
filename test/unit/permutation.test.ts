import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Permutation, randomSeed } from '../../src/core/permutation.js';

for (const n of [0, 1, 2, 3, 7, 100, 4096, 65535, 65536, 100_000]) {
  test(`permutation is a bijection on [0, ${n})`, () => {
    const p = new Permutation(n, 'seed');
    const seen = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const x = p.at(i);
      assert.ok(x >= 0 && x < n && Number.isInteger(x));
      assert.equal(seen[x], 0, `duplicate ${x}`);
      seen[x] = 1;
    }
  });
}

test('permutation depends on the seed, repeats with it, and shuffles', () => {
  const order = (seed: string) => Array.from({ length: 1000 }, (_, i) => new Permutation(1000, seed).at(i));
  assert.deepEqual(order('a'), order('a'));
  assert.notDeepEqual(order('a'), order('b'));
  const o = order('a');
  const fixed = o.filter((x, i) => x === i).length;
  assert.ok(fixed < 20, `${fixed} fixed points`);
});

test('permutation handles 2^48 and random seeds differ', () => {
  const p = new Permutation(2 ** 48, 'big');
  const x = p.at(2 ** 48 - 1);
  assert.ok(x >= 0 && x < 2 ** 48);
  assert.notEqual(randomSeed(), randomSeed());
  assert.throws(() => new Permutation(2 ** 48 + 1, 'x'), RangeError);
});
