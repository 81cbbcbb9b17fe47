import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine, type EngineAddress, type EngineTiming } from '../../src/scan/engine.js';
import { Outcome } from '../../src/scan/outcome.js';
import type { HostReport, PortResult } from '../../src/core/types.js';
import type { TargetSource } from '../../src/core/scan-plan.js';
import { fakeProber, type Script } from '../helpers/fake-prober.js';

const timing: EngineTiming = {
  initialRttTimeoutMs: 1000,
  minRttTimeoutMs: 100,
  maxRttTimeoutMs: 10000,
  maxRetries: 10,
  scanDelayMs: 0,
  hostTimeoutMs: 0,
  initialCwnd: 16,
  minParallelism: 1,
  maxParallelism: 64,
  minRate: 0,
  maxRate: 0,
};

function hosts(...texts: string[]): TargetSource<EngineAddress> {
  return { size: texts.length, at: (i) => ({ address: { text: texts[i]!, family: 4 } }) };
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

async function run(script: Script, opts: { ports: number[]; targets?: TargetSource<EngineAddress>; timing?: Partial<EngineTiming>; seed?: string; sequential?: boolean; signal?: AbortSignal; everyPort?: boolean }) {
  const fake = fakeProber(script);
  const ports: PortResult[] = [];
  const reports: HostReport[] = [];
  const tallied: string[] = [];
  const h = startEngine(
    {
      targets: opts.targets ?? hosts('198.18.0.2'),
      ports: opts.ports,
      proto: 'tcp',
      timing: { ...timing, ...opts.timing },
      seed: opts.seed ?? 'test',
      sequential: opts.sequential ?? false,
      signal: opts.signal,
      createProber: fake.create,
      serviceName: (p) => (p === 22 ? 'ssh' : undefined),
    },
    { port: (r) => ports.push(r), host: (r) => reports.push(r), everyPort: opts.everyPort, tally: (host, state) => tallied.push(`${host} ${state}`) },
  );
  const { interrupted } = await h.done;
  return { ports, reports, tallied, log: fake.log, interrupted, stats: h.stats };
}

const groundTruth: Script = (_h, port) => (port === 22 || port === 80 ? Outcome.Open : port >= 900 ? Outcome.Timeout : port >= 800 ? Outcome.AdminProhibited : Outcome.Refused);

test('engine gives every port exactly one state with the right reason', async () => {
  const { ports, reports } = await run(groundTruth, { ports: range(1, 1000) });
  assert.equal(ports.length, 1000);
  assert.equal(new Set(ports.map((p) => p.port)).size, 1000);
  const byPort = new Map(ports.map((p) => [p.port, p]));
  assert.deepEqual([byPort.get(22)?.state, byPort.get(22)?.reason], ['open', 'conn-accept']);
  assert.equal(byPort.get(22)?.service?.name, 'ssh');
  assert.deepEqual([byPort.get(23)?.state, byPort.get(23)?.reason], ['closed', 'conn-refused']);
  assert.deepEqual([byPort.get(850)?.state, byPort.get(850)?.reason], ['filtered', 'admin-prohibited']);
  assert.deepEqual([byPort.get(950)?.state, byPort.get(950)?.reason], ['filtered', 'no-response']);
  assert.equal(reports.length, 1);
  const r = reports[0]!;
  assert.equal(r.status, 'up');
  assert.deepEqual(r.counts, { open: 2, closed: 797, filtered: 201 });
  assert.deepEqual(r.ports.map((p) => p.port), [22, 80]);
  assert.deepEqual(r.notShown.map((n) => [n.state, n.count]), [['closed', 797], ['filtered', 201]]);
  assert.deepEqual(r.notShown[1]?.reasons, { 'admin-prohibited': 100, 'no-response': 101 });
  // The collapsed ports are named per reason, ascending (what -oX writes as nmap 7.80+ does).
  assert.deepEqual(r.notShown[0]?.ports, { 'conn-refused': range(1, 799).filter((p) => p !== 22 && p !== 80) });
  assert.deepEqual(r.notShown[1]?.ports, { 'admin-prohibited': range(800, 899), 'no-response': range(900, 1000) });
});

test('engine without everyPort builds results only for listed ports and reports the same hosts', async () => {
  const all = await run(groundTruth, { ports: range(1, 1000) });
  const listed = await run(groundTruth, { ports: range(1, 1000), everyPort: false });
  assert.equal(all.tallied.length, 0, 'every port has its result');
  // Port events: both open ports, then each other state until it passes the threshold (25).
  assert.deepEqual(
    listed.ports.filter((p) => p.state === 'open').map((p) => p.port).sort((a, b) => a - b),
    [22, 80],
  );
  const byState = (xs: readonly { state: string }[]): Record<string, number> => xs.reduce<Record<string, number>>((m, x) => ((m[x.state] = (m[x.state] ?? 0) + 1), m), {});
  assert.deepEqual(byState(listed.ports), { open: 2, closed: 25, filtered: 25 });
  assert.deepEqual(byState(listed.tallied.map((t) => ({ state: t.split(' ')[1]! }))), { closed: 797 - 25, filtered: 201 - 25 });
  assert.ok(listed.tallied.every((t) => t.startsWith('198.18.0.2 ')));
  const strip = (r: HostReport): Omit<HostReport, 'startedAt' | 'endedAt' | 'srttMs'> => {
    const { startedAt: _s, endedAt: _e, srttMs: _r, ...rest } = r;
    return { ...rest, ports: rest.ports.map((p) => ({ ...p, rttMs: null })) };
  };
  assert.deepEqual(listed.reports.map(strip), all.reports.map(strip));
});

test('engine names collapsed ports in ascending order whatever the order of the port list', async () => {
  const ports = range(1, 1000).reverse();
  const { reports } = await run(groundTruth, { ports, everyPort: false });
  assert.deepEqual(reports[0]?.notShown[0]?.ports, { 'conn-refused': range(1, 799).filter((p) => p !== 22 && p !== 80) });
  assert.deepEqual(reports[0]?.notShown[1]?.ports, { 'admin-prohibited': range(800, 899), 'no-response': range(900, 1000) });
  assert.deepEqual(reports[0]?.ports.map((p) => p.port), [22, 80]);
});

// The collapsed ports of a report, against every port's own result: a combo holding most ports
// (cut out of the port list, or found one by one past MAX_CUTS other ports), combos that hold
// few, no dominant combo, a reversed port list, and a host that timed out with ports undecided.
/** Refusals, fast for the first 400 probes, then 5 ms each: a 40 ms host timeout leaves ~100 of 500 ports undecided. */
const slowingRefusal = (): Script => {
  let calls = 0;
  return () => {
    if (++calls > 400) {
      const until = performance.now() + 5;
      while (performance.now() < until) {
        // a slow answer
      }
    }
    return Outcome.Refused;
  };
};
interface CollapseCase {
  name: string;
  script: Script;
  ports: number[];
  timing?: Partial<EngineTiming>;
}
const collapseCases: CollapseCase[] = [
  { name: 'a dominant combo and 1,250 other ports', script: (_h, p) => (p % 4 === 0 ? Outcome.AdminProhibited : Outcome.Refused), ports: range(1, 5000) },
  { name: 'two combos of equal size', script: (_h, p) => (p % 2 === 0 ? Outcome.Timeout : Outcome.Refused), ports: range(1, 1000) },
  { name: 'a dominant combo on a reversed port list', script: groundTruth, ports: range(1, 1000).reverse() },
  { name: 'three reasons, first ports far apart', script: (_h, p) => (p > 900 ? Outcome.HostUnreach : p > 600 ? Outcome.AdminProhibited : p === 3 ? Outcome.Open : Outcome.Refused), ports: range(1, 1000) },
  { name: 'a host that timed out with most ports decided', script: slowingRefusal(), ports: range(1, 500), timing: { hostTimeoutMs: 40 } },
];
const collapses = collapseCases.map((input) => ({ input, want: 'the ports of each state and reason' as const }));
for (const c of collapses) {
  test(`engine's collapsed ports name ${c.want}: ${c.input.name}`, async () => {
    const { ports, reports } = await run(c.input.script, { ports: c.input.ports, timing: c.input.timing });
    const r = reports[0]!;
    assert.ok(r.notShown.length > 0);
    for (const e of r.notShown) {
      const want: Record<string, number[]> = {};
      for (const p of [...ports].sort((a, b) => a.port - b.port)) if (p.state === e.state) (want[p.reason] ??= []).push(p.port);
      assert.deepEqual(e.ports, want, e.state);
      // Reasons in the order their first port has in the port list.
      const decided = new Map(ports.map((p) => [p.port, p]));
      const order = [...new Set(c.input.ports.flatMap((port) => (decided.get(port)?.state === e.state ? [decided.get(port)!.reason] : [])))];
      assert.deepEqual(Object.keys(e.ports ?? {}), order, e.state);
    }
    if (c.input.timing?.hostTimeoutMs !== undefined) assert.ok(r.timedOut && ports.length < c.input.ports.length && ports.length * 2 > c.input.ports.length, `${ports.length} decided`);
  });
}

test('engine probes silent ports twice on a firewalled host that never lost a probe', async () => {
  // Most ports silent: silence is the firewall's answer, two probes settle it.
  const script: Script = (_h, port) => (port === 22 ? Outcome.Open : port <= 100 ? Outcome.Refused : Outcome.Timeout);
  const { log, ports } = await run(script, { ports: range(1, 1000) });
  for (let p = 500; p <= 1000; p++) assert.equal(log.attempts.get(`198.18.0.2:${p}`), 2, `port ${p}`);
  assert.equal(log.attempts.get('198.18.0.2:23'), 1);
  assert.ok(ports.filter((p) => p.state === 'filtered').every((p) => p.tries === 2));
});

test('engine gives a silent port a third probe on a host that mostly answers', async () => {
  const { log } = await run(groundTruth, { ports: range(1, 1000), sequential: true });
  for (let p = 900; p <= 1000; p++) assert.equal(log.attempts.get(`198.18.0.2:${p}`), 3, `port ${p}`);
  const capped = await run(groundTruth, { ports: range(1, 1000), sequential: true, timing: { maxRetries: 1 } });
  assert.equal(capped.log.attempts.get('198.18.0.2:1000'), 2, '--max-retries 1 still caps it');
});

test('engine retries more once a retransmission is answered (loss detected)', async () => {
  // A mostly firewalled host (ports above 300 silent) whose port 5 loses its first probe.
  const script: Script = (_h, port, attempt) => (port === 5 && attempt === 1 ? Outcome.Timeout : port > 300 ? Outcome.Timeout : Outcome.Refused);
  const { ports, log } = await run(script, { ports: range(1, 1000), sequential: true });
  assert.equal(ports.find((p) => p.port === 5)?.state, 'closed');
  assert.equal(ports.find((p) => p.port === 5)?.tries, 2);
  // Silent ports probed after the loss was seen get a third probe.
  for (let p = 950; p <= 1000; p++) assert.equal(log.attempts.get(`198.18.0.2:${p}`), 3, `port ${p}`);
});

test('engine treats out-of-descriptors as back-pressure, never as a state', async () => {
  let emfiles = 0;
  const script: Script = (h, port, attempt) => {
    if (attempt === 1 && port % 3 === 0) {
      emfiles++;
      return Outcome.Resource;
    }
    return groundTruth(h, port, attempt);
  };
  const { ports } = await run(script, { ports: range(1, 300) });
  assert.ok(emfiles > 50);
  assert.equal(ports.length, 300);
  const truth = await run(groundTruth, { ports: range(1, 300) });
  const key = (r: PortResult) => `${r.port}/${r.state}/${r.reason}`;
  assert.deepEqual(ports.map(key).sort(), truth.ports.map(key).sort());
});

test('engine retries a self-connect and ends with closed', async () => {
  const script: Script = (_h, port, attempt) => (port === 7 ? (attempt < 3 ? Outcome.SelfConnect : Outcome.Refused) : port === 8 ? Outcome.SelfConnect : Outcome.Refused);
  const { ports } = await run(script, { ports: [7, 8, 9] });
  assert.deepEqual(
    ports.map((p) => [p.port, p.state]).sort(),
    [
      [7, 'closed'],
      [8, 'closed'],
      [9, 'closed'],
    ],
  );
});

test("engine keeps at least the prober's minUsefulWindow in flight on a fast host, 256 without it", async () => {
  const refused: Script = () => Outcome.Refused;
  const widths: number[] = [];
  for (const extra of [{}, { minUsefulWindow: 1024 }]) {
    const fake = fakeProber(refused, extra);
    const h = startEngine(
      { targets: hosts('198.18.0.2'), ports: range(1, 20000), proto: 'tcp', timing: { ...timing, initialCwnd: 128, maxParallelism: 8192 }, seed: 't', sequential: false, createProber: fake.create },
      { port: () => undefined, host: () => undefined },
    );
    await h.done;
    widths.push(fake.log.maxInFlight);
  }
  // Answers in 0.5 ms: the rate estimate alone would hold the window at its floor.
  assert.ok(widths[0]! <= 256, `without: ${widths[0]}`);
  assert.ok(widths[1]! > 512 && widths[1]! <= 1024, `with 1024: ${widths[1]}`);
});

test('engine never exceeds max parallelism', async () => {
  const { log } = await run(groundTruth, { ports: range(1, 1000), timing: { maxParallelism: 7, initialCwnd: 7 } });
  assert.ok(log.maxInFlight <= 7, `max in flight ${log.maxInFlight}`);
});

test('engine order is reproducible by seed and sequential with -r', async () => {
  const a = await run(groundTruth, { ports: range(1, 200), seed: 'x' });
  const b = await run(groundTruth, { ports: range(1, 200), seed: 'x' });
  const c = await run(groundTruth, { ports: range(1, 200), seed: 'y' });
  const order = (l: { port: number }[]) => l.slice(0, 200).map((s) => s.port).join(',');
  assert.equal(order(a.log.sent), order(b.log.sent));
  assert.notEqual(order(a.log.sent), order(c.log.sent));
  const seq = await run(groundTruth, { ports: range(1, 50), sequential: true });
  assert.equal(order(seq.log.sent), range(1, 50).join(','));
});

test('engine scans many hosts with bounded state and reports each once', async () => {
  const n = 3000;
  const targets: TargetSource<EngineAddress> = { size: n, at: (i) => (i % 10 === 3 ? undefined : { address: { text: `198.18.${i >> 8}.${i & 255}`, family: 4 } }) };
  const { reports, ports } = await run((_h, port) => (port === 80 ? Outcome.Open : Outcome.Refused), { ports: [22, 80, 443], targets });
  assert.equal(reports.length, n - n / 10);
  assert.equal(new Set(reports.map((r) => r.host)).size, reports.length);
  assert.equal(ports.length, reports.length * 3);
  assert.ok(reports.every((r) => r.counts.open === 1 && r.counts.closed === 2));
});

test('engine stops on abort and says it was interrupted', async () => {
  const ac = new AbortController();
  let answered = 0;
  const script: Script = () => {
    if (++answered === 100) ac.abort();
    return Outcome.Refused;
  };
  const { ports, interrupted } = await run(script, { ports: range(1, 5000), signal: ac.signal });
  assert.equal(interrupted, true);
  assert.ok(ports.length < 5000);
});

test('engine respects --max-rate', async () => {
  const t0 = performance.now();
  const { ports } = await run(groundTruth, { ports: range(1, 40), timing: { maxRate: 400 } });
  const elapsed = performance.now() - t0;
  assert.equal(ports.length, 40);
  // 40 probes at 400/s cannot take less than ~75 ms (one token of burst is allowed).
  assert.ok(elapsed >= 70, `elapsed ${elapsed}`);
});

test('engine gives up on a host after --host-timeout and reports it as timed out', async () => {
  const script: Script = () => {
    const until = performance.now() + 3;
    while (performance.now() < until) {
      // each answer takes 3 ms, so a 20 ms host timeout ends the host early
    }
    return Outcome.Refused;
  };
  const { reports, ports } = await run(script, { ports: range(1, 500), timing: { hostTimeoutMs: 20, initialCwnd: 4, maxParallelism: 4 } });
  assert.equal(reports.length, 1);
  assert.equal(reports[0]?.timedOut, true);
  assert.ok(ports.length < 500, `${ports.length} ports decided`);
});

test('engine never reports an unverified completion as open: it asks again', async () => {
  const script: Script = (_h, port, attempt) => (port === 7 ? (attempt === 1 ? Outcome.Unverified : Outcome.AdminProhibited) : port === 8 ? Outcome.Unverified : Outcome.Refused);
  const { ports } = await run(script, { ports: [6, 7, 8] });
  const by = new Map(ports.map((p) => [p.port, `${p.state}/${p.reason}`]));
  assert.equal(by.get(7), 'filtered/admin-prohibited');
  assert.equal(by.get(8), 'filtered/no-response');
  assert.equal(by.get(6), 'closed/conn-refused');
});
