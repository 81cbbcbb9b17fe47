import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostReport, PortResult, PortState } from '../../src/core/types.js';
import { answersEveryPort, guardOpenPorts, JUDGE_AFTER } from '../../src/scan/open-guard.js';
import type { VerifyVerdict } from '../../src/scan/open-verifier.js';

function port(n: number, state: PortState, host = '198.18.0.2'): PortResult {
  return { host, port: n, proto: 'tcp', state, reason: state === 'open' ? 'syn-ack' : 'reset', rttMs: 0.1, tries: 1 };
}
function report(ports: PortResult[], host = '198.18.0.2'): HostReport {
  return { host, family: 4, proto: 'tcp', status: 'up', ports: ports.filter((p) => p.state === 'open'), notShown: [], counts: {}, startedAt: 0, endedAt: 1, srttMs: 0.1, timedOut: false };
}

/** Runs results through a guard whose verifier confirms only `listening`; returns what came out. */
async function run(results: PortResult[], listening: Set<number>, verifyAll = false) {
  const ports: PortResult[] = [];
  const hosts: HostReport[] = [];
  const asked: number[] = [];
  const guard = guardOpenPorts(
    { port: (r) => ports.push(r), host: (h) => hosts.push(h) },
    {
      verifyAll,
      concurrency: 4,
      verify: (r): Promise<VerifyVerdict> => {
        asked.push(r.port);
        return Promise.resolve(listening.has(r.port) ? { verified: true, how: 'banner' } : { verified: false, why: 'reset-after-handshake' });
      },
    },
  );
  for (const r of results) guard.port(r);
  guard.host(report(results));
  await guard.drained();
  return { ports, hosts, asked };
}

test('open guard judges hosts by their share of open answers', () => {
  const cases: [open: number, answered: number, suspect: boolean][] = [
    [0, 100, false],
    [3, 3, false], // too few answers to judge: a host with three open ports is normal
    [JUDGE_AFTER - 1, JUDGE_AFTER - 1, false],
    [JUDGE_AFTER, JUDGE_AFTER, true],
    [16, 32, false],
    [17, 32, true],
    [65535, 65535, true],
  ];
  for (const [open, answered, want] of cases) assert.equal(answersEveryPort(open, answered), want, `${open}/${answered}`);
});

test('open guard passes a normal host through unchanged and unverified', async () => {
  const results = [port(22, 'open'), ...Array.from({ length: 100 }, (_, i) => port(1000 + i, 'closed')), port(80, 'open')];
  const { ports, hosts, asked } = await run(results, new Set());
  assert.deepEqual(asked, []);
  assert.equal(ports.length, results.length);
  assert.ok(ports.every((p) => p.verified === undefined));
  assert.equal(hosts.length, 1);
});

test('open guard counts the closed ports that come without a result (tally) when judging', async () => {
  // 40 open ports and 100 closed ones the engine only tallied (the consumer wants listed ports
  // only): 40 of 140 answers are open, a normal host. Counting only the results would see
  // 40 of 40 and verify them all.
  const ports: PortResult[] = [];
  const tallied: string[] = [];
  const asked: number[] = [];
  const guard = guardOpenPorts(
    { port: (r) => ports.push(r), host: () => undefined, everyPort: false, tally: (h, s) => tallied.push(`${h} ${s}`) },
    { verifyAll: false, concurrency: 4, verify: (r) => (asked.push(r.port), Promise.resolve({ verified: true, how: 'banner' })) },
  );
  assert.equal(guard.everyPort, false, 'the consumer\'s wish passes through');
  const open = Array.from({ length: 40 }, (_, i) => port(2000 + i, 'open'));
  for (let i = 0; i < 100; i++) {
    if (i < 40) guard.port(open[i]!);
    guard.tally?.('198.18.0.2', 'closed');
  }
  guard.host(report(open));
  await guard.drained();
  assert.deepEqual(asked, []);
  assert.equal(ports.length, 40);
  assert.equal(tallied.length, 100, 'tallies go on to the consumer');
});

test('open guard verifies every open port of a host that answers for every port', async () => {
  const results = Array.from({ length: 200 }, (_, i) => port(i + 1, 'open'));
  const { ports, hosts, asked } = await run(results, new Set([22, 80]));
  assert.equal(asked.length, 200);
  const verified = ports.filter((p) => p.verified === true).map((p) => p.port);
  assert.deepEqual(verified.sort((a, b) => a - b), [22, 80]);
  assert.equal(ports.filter((p) => p.verified === false && p.verifyReason === 'reset-after-handshake').length, 198);
  // The host report comes after its verifications and carries the verified results.
  assert.equal(hosts.length, 1);
  assert.equal(hosts[0]!.ports.filter((p) => p.verified === true).length, 2);
  assert.equal(hosts[0]!.ports.filter((p) => p.verified === false).length, 198);
});

test('open guard with --verify checks open ports of every host, and only open ones', async () => {
  const results = [port(22, 'open'), port(23, 'closed'), port(24, 'filtered'), port(80, 'open')];
  const { ports, asked } = await run(results, new Set([22]), true);
  assert.deepEqual(asked.sort((a, b) => a - b), [22, 80]);
  assert.equal(ports.find((p) => p.port === 22)?.verified, true);
  assert.equal(ports.find((p) => p.port === 80)?.verified, false);
  assert.equal(ports.find((p) => p.port === 23)?.verified, undefined);
});
