import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseSourcePort } from '../../src/scan/raw/source.js';

/** A set of used ports as chooseSourcePort asks about them. */
function inSet(ports: Iterable<number>): (port: number) => boolean {
  const set = new Set(ports);
  return (p) => set.has(p);
}

/** A deterministic [0, 1) sequence. */
function seq(...xs: number[]): () => number {
  let i = 0;
  return () => xs[i++ % xs.length]!;
}

const cases: { name: string; random: () => number; ephemeral: [number, number]; used: number[]; want: number }[] = [
  { name: 'takes the random pick when it is free', random: seq(0), ephemeral: [32768, 60999], used: [], want: 1024 },
  { name: 'skips a port in use', random: seq(0, 1 / 64512), ephemeral: [32768, 60999], used: [1024], want: 1025 },
  { name: 'skips the ephemeral range', random: seq((40000 - 1024) / 64512, 0.999999), ephemeral: [32768, 60999], used: [], want: 65535 },
];
for (const c of cases) {
  test(`chooseSourcePort ${c.name}`, () => {
    assert.equal(chooseSourcePort(c.random, c.ephemeral, inSet(c.used)), c.want);
  });
}

test('chooseSourcePort finds the one free port by walking when random picks keep failing', () => {
  const used = inSet(Array.from({ length: 65536 }, (_, i) => i).filter((p) => p !== 5000));
  assert.equal(chooseSourcePort(seq(0.5), [32768, 60999], used), 5000);
});

test('chooseSourcePort with a span returns a block of free ports, skipping one with a used port inside', () => {
  // First pick 1024: 1027 is in use, so 1024..1031 is no block; second pick 1028: 1028..1035 is free.
  assert.equal(chooseSourcePort(seq(0, 4 / 64505), [32768, 60999], inSet([1027]), 8), 1028);
});

test('chooseSourcePort with a span never returns a block that crosses into the ephemeral range or past 65535', () => {
  const r = chooseSourcePort(seq(0.999999), [32768, 60999], inSet([]), 8);
  assert.equal(r, 65528);
  const below = chooseSourcePort(seq((32762 - 1024) / 64505, 0), [32768, 60999], inSet([]), 8);
  assert.equal(below, 1024);
});

test('chooseSourcePort throws when no port is free', () => {
  assert.throws(() => chooseSourcePort(seq(0.5), [1024, 65535], inSet([])), /no free source port/);
});

test('chooseSourcePort asks only about candidate ports', () => {
  const asked: number[] = [];
  const taken = new Set([1028, 1029]);
  const port = chooseSourcePort(
    seq(4 / 64505, 0),
    [32768, 60999],
    (p) => {
      asked.push(p);
      return taken.has(p);
    },
    2,
  );
  assert.equal(port, 1024);
  assert.deepEqual(asked, [1028, 1024, 1025]);
});
