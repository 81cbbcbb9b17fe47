import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IcmpPacer, type ProbeAnswer } from '../../src/core/icmp-pacing.js';
import { Limiter, simulate, type Kind } from '../helpers/icmp-sim.js';

/** Feeds probes [sentAt, answer] in order, each settled right away; returns the verdicts. */
function feed(p: IcmpPacer, probes: readonly (readonly [number, ProbeAnswer])[]): boolean[] {
  const out: boolean[] = [];
  for (const [at, answer] of probes) for (const v of p.settle(p.sent(at), answer)) out.push(v.suppressed);
  return out;
}

const burst = (n: number, at = 0): [number, ProbeAnswer][] => Array.from({ length: n }, (_, k) => [at + k, 'icmp']);

test('icmp pacing silence before any ICMP is real', () => {
  const p = new IcmpPacer();
  assert.deepEqual(feed(p, [[0, 'silent'], [1, 'silent'], [2, 'reply'], [3, 'silent']]), [false, false, false]);
  assert.equal(p.limited, false);
  assert.equal(p.delay(10), 0);
});

test('icmp pacing judges each silence by the buckets the answers before it left', () => {
  const cases: { name: string; probes: [number, ProbeAnswer][]; want: boolean[] }[] = [
    // Right after a burst every candidate could be empty: may be suppressed.
    { name: 'silence right after 6 answers', probes: [...burst(6), [10, 'silent']], want: [true] },
    // 1.6 s later even the slowest plausible limiter (1/s) has a token again, with the margin
    // for limiters between two candidate rates.
    { name: 'silence 1.6 s after the burst', probes: [...burst(6), [1600, 'silent']], want: [false] },
    { name: 'silence 0.5 s after the burst', probes: [...burst(6), [500, 'silent']], want: [true] },
    // Open ports do not touch the bucket.
    { name: 'replies cost nothing', probes: [[0, 'reply'], [1, 'reply'], [1100, 'silent']], want: [false] },
    // One answer 1.2 s before: every candidate refilled past one token.
    { name: 'one old answer', probes: [[0, 'icmp'], [1200, 'silent']], want: [false] },
  ];
  for (const c of cases) assert.deepEqual(feed(new IcmpPacer(), c.probes), c.want, c.name);
});

test('icmp pacing a host answering 200 ICMPs in 100 ms rules out slow limiters', () => {
  const p = new IcmpPacer();
  feed(p, Array.from({ length: 200 }, (_, k) => [k / 2, 'icmp'] as [number, ProbeAnswer]));
  const est = p.estimate;
  assert.ok(est !== null && est.ratePerSec > 100, `slowest plausible rate ${est?.ratePerSec}`);
  // A silence 300 ms later: even the slowest plausible limiter has refilled.
  assert.deepEqual(feed(p, [[400, 'silent']]), [false]);
});

test('icmp pacing verdicts wait for every earlier probe, then come in send order', () => {
  const p = new IcmpPacer();
  const a = p.sent(0);
  const b = p.sent(1);
  const c = p.sent(2);
  assert.deepEqual(p.settle(c, 'silent'), []);
  assert.deepEqual(p.settle(b, 'silent'), []);
  assert.deepEqual(
    p.settle(a, 'icmp').map((v) => v.ticket),
    [b, c],
  );
  assert.deepEqual(p.settle(a, 'silent'), [], 'a ticket settles once');
});

test('icmp pacing once limited, waits until every plausible limiter has a token', () => {
  const p = new IcmpPacer();
  feed(p, [...burst(6), [10, 'silent']]);
  assert.equal(p.limited, true);
  assert.equal(p.estimate?.ratePerSec, 1);
  assert.equal(Math.round(p.estimate?.burst ?? 0), 6);
  // One token plus the margin for limiters between candidate rates (9% of the burst).
  const d = p.delay(10);
  assert.ok(d > 1500 && d < 1560, `delay ${d}`);
  assert.equal(p.delay(1600), 0);
  // A probe in flight may take the token: the next waits for another.
  p.sent(1600);
  assert.ok(p.delay(1600) > 0);
});

test('icmp pacing rejects a bad minimum rate', () => {
  assert.throws(() => new IcmpPacer({ minRatePerSec: 0 }), RangeError);
});

function ports(closed: number, silent: number, open: number): Kind[] {
  return [...Array<Kind>(closed).fill('closed'), ...Array<Kind>(silent).fill('silent'), ...Array<Kind>(open).fill('open')];
}

function wrong(kinds: readonly Kind[], states: readonly string[]): string[] {
  const want = { closed: 'closed', silent: 'open|filtered', open: 'open' } as const;
  return kinds.flatMap((k, i) => (states[i] === want[k] ? [] : [`${i}: ${k} → ${states[i]}`]));
}

const scenarios: { name: string; kinds: Kind[]; limiter: () => Limiter; maxSeconds: number; opts?: object; limited?: boolean }[] = [
  { name: 'Linux IPv4 default (1/s, burst 6)', kinds: ports(100, 97, 3), limiter: () => new Limiter(1000, 6), maxSeconds: 100 * 1.1 },
  { name: 'Linux IPv6 to a /64 (4/s, burst 6)', kinds: ports(100, 97, 3), limiter: () => new Limiter(250, 6), maxSeconds: 60 },
  { name: 'a slow path (50 ms RTT), 1/s', kinds: ports(100, 97, 3), limiter: () => new Limiter(1000, 6), maxSeconds: 110, opts: { rttMs: 50, timeoutMs: 400 } },
  { name: 'no per-peer limit', kinds: ports(100, 97, 3), limiter: () => new Limiter(0, 1), maxSeconds: 2 },
  { name: 'host-wide 1000/s, burst 50', kinds: ports(3000, 500, 0), limiter: () => new Limiter(1, 50), maxSeconds: 30 },
  { name: '200/s, burst 20', kinds: ports(1000, 1000, 0), limiter: () => new Limiter(5, 20), maxSeconds: 30 },
  { name: 'a few closed among silent ports, 1/s, small window', kinds: ports(20, 178, 2), limiter: () => new Limiter(1000, 6), maxSeconds: 25, opts: { window: 16 } },
  { name: 'everything silent', kinds: ports(0, 1000, 0), limiter: () => new Limiter(1000, 6), maxSeconds: 2, limited: false },
];

for (const s of scenarios) {
  test(`icmp pacing scan simulation: ${s.name} — every closed port found, silent ports stay open|filtered`, (t) => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = simulate(s.kinds, s.limiter(), { shuffle: seed, ...s.opts });
      assert.deepEqual(wrong(s.kinds, r.states), [], `seed ${seed}`);
      t.diagnostic(`seed ${seed}: ${(r.ms / 1000).toFixed(1)} s, ${r.probes} probes for ${s.kinds.length} ports, estimate ${JSON.stringify(r.pacer.estimate)}`);
      assert.ok(r.ms <= s.maxSeconds * 1000, `took ${(r.ms / 1000).toFixed(1)} s`);
      if (s.limited !== undefined) assert.equal(r.pacer.limited, s.limited);
    }
  });
}

test('icmp pacing assumes limiters of at least 1/s: a slower one needs minRatePerSec', () => {
  const kinds = ports(50, 50, 0);
  const slow = () => new Limiter(2000, 6); // 0.5/s
  assert.notDeepEqual(wrong(kinds, simulate(kinds, slow(), { shuffle: 1 }).states), []);
  assert.deepEqual(wrong(kinds, simulate(kinds, slow(), { shuffle: 1, minRatePerSec: 0.5 }).states), []);
});
