import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillRandom, randomBytes } from '../../src/scan/random-bytes.js';

test('randomBytes: the length asked for, and different bytes each call', () => {
  for (const n of [0, 1, 16, 4096, 70_000]) assert.equal(randomBytes(n).length, n);
  const a = randomBytes(32);
  const b = randomBytes(32);
  assert.notDeepEqual(a, b);
  // 4,096 random bytes take nearly every byte value; a buffer left zero or patterned does not.
  assert.ok(new Set(randomBytes(4096)).size > 200);
});

test('fillRandom: fills exactly the view it is given (offset and length), any element type', () => {
  const buf = new ArrayBuffer(64);
  const words = new Uint32Array(buf, 16, 4);
  assert.equal(fillRandom(words), words);
  const all = new Uint8Array(buf);
  assert.ok(all.subarray(0, 16).every((x) => x === 0));
  assert.ok(all.subarray(32).every((x) => x === 0));
  assert.ok(all.subarray(16, 32).some((x) => x !== 0));
});
