import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdSet } from '../../src/core/id-set.js';

// Each case: operations in order, and what each returned.
const cases: { name: string; ops: ['add' | 'delete' | 'has', number, boolean][] }[] = [
  { name: 'empty set', ops: [['has', 0, false], ['delete', 5, false]] },
  { name: 'add, has, add again, delete, delete again', ops: [['add', 7, true], ['has', 7, true], ['add', 7, false], ['delete', 7, true], ['delete', 7, false], ['has', 7, false]] },
  { name: 'zero is an id', ops: [['add', 0, true], ['has', 0, true], ['delete', 0, true], ['has', 0, false]] },
  // Engine ids: slot + 2^20 × round; ids that differ only above bit 31 must not collide into one.
  { name: 'large ids', ops: [['add', 2 ** 20 + 5, true], ['add', 1023 * 2 ** 20 + 5, true], ['add', 2 ** 40, true], ['add', 2 ** 40 + 2 ** 32, true], ['has', 2 ** 32, false], ['delete', 2 ** 40, true], ['has', 2 ** 40 + 2 ** 32, true], ['has', 1023 * 2 ** 20 + 5, true]] },
];
for (const c of cases) {
  test(`IdSet: ${c.name}`, () => {
    const s = new IdSet(4);
    for (const [op, id, want] of c.ops) assert.equal(s[op](id), want, `${op}(${id})`);
  });
}

test('IdSet refuses what is not an id', () => {
  const s = new IdSet();
  for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53]) assert.throws(() => s.add(bad), RangeError, String(bad));
  assert.equal(s.size, 0);
});

test('IdSet agrees with a Set under heavy churn (deletions inside probe runs, growth)', () => {
  // A seeded walk: mostly adds while small, mostly deletes while large, ids from a narrow
  // range (long collision runs) and from the engine's spread-out range.
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const s = new IdSet(2);
  const model = new Set<number>();
  for (let step = 0; step < 200_000; step++) {
    const id = rand(2) === 0 ? rand(3000) : rand(1024) + (1 << 20) * (1 + rand(1023));
    const op = rand(100) < (model.size < 1500 ? 60 : 35) ? 'add' : rand(4) === 0 ? 'has' : 'delete';
    const want = op === 'add' ? !model.has(id) : model.has(id);
    if (op === 'add') model.add(id);
    else if (op === 'delete') model.delete(id);
    assert.equal(s[op](id), want, `step ${step}: ${op}(${id})`);
    assert.equal(s.size, model.size);
  }
  assert.deepEqual(s.values().sort((a, b) => a - b), [...model].sort((a, b) => a - b));
  for (const id of model) assert.ok(s.has(id));
});
