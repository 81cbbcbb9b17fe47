import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScanPlan, groupSizeFor, type TargetSource } from '../../src/core/scan-plan.js';

function source(n: number, excluded: (i: number) => boolean = () => false): TargetSource<number> {
  return { size: n, at: (i) => (excluded(i) ? undefined : { address: i }) };
}

function drain(plan: ScanPlan<number>) {
  const pairs: string[] = [];
  let maxHosts = 0;
  for (let g = plan.nextGroup(); g !== undefined; g = plan.nextGroup()) {
    maxHosts = Math.max(maxHosts, g.hosts.length);
    for (let k = 0; k < g.pairs; k++) {
      const [h, p] = g.pairAt(k);
      // The engine's compact form names the same pair.
      const c = g.codeAt(k);
      assert.deepEqual([c % g.hosts.length, Math.floor(c / g.hosts.length)], [h, p]);
      pairs.push(`${g.hosts[h]!.address}:${p}`);
    }
  }
  return { pairs, maxHosts };
}

const cases = [
  { hosts: 1, ports: 65535 },
  { hosts: 300, ports: 100 },
  { hosts: 5000, ports: 3 },
  { hosts: 7, ports: 1 },
];
for (const c of cases) {
  test(`scan plan covers ${c.hosts} hosts × ${c.ports} ports exactly once, in bounded groups`, () => {
    const { pairs, maxHosts } = drain(new ScanPlan(source(c.hosts), c.ports, { seed: 's', sequential: false }));
    assert.equal(pairs.length, c.hosts * c.ports);
    assert.equal(new Set(pairs).size, pairs.length);
    assert.ok(maxHosts <= groupSizeFor(c.ports));
  });
}

test('scan plan codeAt gives the same code in any order of access (it computes codes in chunks)', () => {
  const g = new ScanPlan(source(3), 20_000, { seed: 's', sequential: false }).nextGroup()!;
  const inOrder = Array.from({ length: g.pairs }, (_, k) => g.codeAt(k));
  const again = new ScanPlan(source(3), 20_000, { seed: 's', sequential: false }).nextGroup()!;
  // Backwards, then jumps across chunk edges, then the last pair.
  const ks = [g.pairs - 1, ...Array.from({ length: 50 }, (_, i) => (i * 7919) % g.pairs), 4095, 4096, 4097, 0, 8191, 8192, g.pairs - 1];
  for (const k of ks) assert.equal(again.codeAt(k), inOrder[k], `k = ${k}`);
  for (let k = g.pairs - 1; k >= g.pairs - 5000; k--) assert.equal(again.codeAt(k), inOrder[k], `k = ${k}`);
  assert.equal(new Set(inOrder).size, g.pairs);
});

test('scan plan skips excluded hosts', () => {
  const { pairs } = drain(new ScanPlan(source(100, (i) => i % 2 === 0), 10, { seed: 's', sequential: false }));
  assert.equal(pairs.length, 500);
  assert.ok(pairs.every((p) => Number(p.split(':')[0]) % 2 === 1));
});

test('scan plan is sequential with -r and shuffled otherwise', () => {
  const seq = drain(new ScanPlan(source(2), 3, { seed: 's', sequential: true })).pairs;
  assert.deepEqual(seq, ['0:0', '0:1', '0:2', '1:0', '1:1', '1:2']);
  const a = drain(new ScanPlan(source(1), 1000, { seed: 's', sequential: false })).pairs;
  const b = drain(new ScanPlan(source(1), 1000, { seed: 's', sequential: false })).pairs;
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, [...a].sort((x, y) => Number(x.split(':')[1]) - Number(y.split(':')[1])));
});
