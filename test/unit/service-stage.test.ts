import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostReport, PortResult } from '../../src/core/types.js';
import { serviceStage, type StageDetection } from '../../src/scan/service-stage.js';

const port = (p: number, state: PortResult['state'] = 'open', host = '198.18.0.2'): PortResult => ({ host, port: p, proto: 'tcp', state, reason: 'conn-accept', rttMs: 1, tries: 1, service: { name: 'table-name', method: 'table', confidence: 3 } });
const report = (host: string, ports: PortResult[]): HostReport => ({ host, family: 4, proto: 'tcp', status: 'up', ports, notShown: [], counts: {}, startedAt: 0, endedAt: 1, srttMs: 1, timedOut: false });

function harness(detect: (r: PortResult) => Promise<StageDetection>, concurrency = 2) {
  const ports: PortResult[] = [];
  const hosts: HostReport[] = [];
  const stage = serviceStage({ port: (r) => ports.push(r), host: (h) => hosts.push(h) }, { detect, concurrency });
  return { stage, ports, hosts };
}

test('service stage passes non-open results through and identifies open ones', async () => {
  const { stage, ports, hosts } = harness((r) => Promise.resolve({ service: { name: `svc${r.port}`, method: 'probed', confidence: 10 } }));
  stage.port(port(1, 'closed'));
  stage.port(port(22));
  stage.port({ ...port(23), verified: false });
  assert.deepEqual(ports.map((p) => p.port), [1, 23], 'closed and unverified ports are not held');
  stage.host(report('198.18.0.2', [port(1, 'closed'), port(22)]));
  assert.equal(hosts.length, 0, 'the report waits for identification');
  await stage.drained();
  assert.deepEqual(ports.map((p) => [p.port, p.service?.name]), [[1, 'table-name'], [23, 'table-name'], [22, 'svc22']]);
  assert.deepEqual(hosts[0]!.ports.map((p) => p.service?.name), ['table-name', 'svc22']);
});

test('service stage keeps the table name when nothing is found, and survives a failing detector', async () => {
  const { stage, ports } = harness((r) => (r.port === 2 ? Promise.reject(new Error('boom')) : Promise.resolve({})));
  stage.port(port(1));
  stage.port(port(2));
  await stage.drained();
  assert.deepEqual(ports.map((p) => p.service), [port(1).service, port(2).service]);
});

test('service stage runs at most `concurrency` detections at once', async () => {
  let running = 0;
  let peak = 0;
  const { stage, ports } = harness(async () => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    return { tls: { protocol: 'TLSv1.3', cipher: 'X', via: 'direct' } };
  }, 3);
  for (let i = 1; i <= 10; i++) stage.port(port(i));
  await stage.drained();
  assert.equal(peak, 3);
  assert.equal(ports.length, 10);
  assert.ok(ports.every((p) => p.tls?.protocol === 'TLSv1.3'));
});

const udp = (p: number, state: PortResult['state']): PortResult => ({ ...port(p, state), proto: 'udp', reason: state === 'open|filtered' ? 'no-response' : 'udp-response' });

test('service stage probes silent UDP ports and opens the ones that answer, in the port, the report and its counts', async () => {
  const detect = (r: PortResult): Promise<StageDetection> =>
    Promise.resolve(r.port === 5053 ? { answered: true, service: { name: 'domain', method: 'probed', confidence: 10 } } : r.port === 7 ? { answered: true } : { answered: false });
  const { stage, ports, hosts } = harness(detect);
  stage.port(udp(5053, 'open|filtered'));
  stage.port(udp(7, 'open|filtered'));
  stage.port(udp(9, 'open|filtered'));
  stage.port({ ...udp(10, 'closed'), reason: 'port-unreach' });
  // 5053 and 9 were listed; 7 and 8 were collapsed into "not shown" with 9 others.
  stage.host({
    ...report('198.18.0.2', [udp(9, 'open|filtered'), udp(5053, 'open|filtered')]),
    proto: 'udp',
    notShown: [{ state: 'open|filtered', count: 11, reasons: { 'no-response': 11 } }],
    counts: { 'open|filtered': 13, closed: 1 },
  });
  await stage.drained();
  assert.equal(stage.opened, 2);
  const byPort = new Map(ports.map((p) => [p.port, p]));
  assert.deepEqual([byPort.get(5053)?.state, byPort.get(5053)?.reason, byPort.get(5053)?.service?.name], ['open', 'udp-response', 'domain']);
  assert.deepEqual([byPort.get(7)?.state, byPort.get(7)?.service?.name], ['open', 'table-name']);
  assert.deepEqual([byPort.get(9)?.state, byPort.get(9)?.reason], ['open|filtered', 'no-response']);
  const h = hosts[0]!;
  assert.deepEqual(h.counts, { 'open|filtered': 11, closed: 1, open: 2 });
  assert.deepEqual(h.ports.map((p) => `${p.port} ${p.state}`), ['7 open', '9 open|filtered', '5053 open']);
  assert.deepEqual(h.notShown, [{ state: 'open|filtered', count: 10, reasons: { 'no-response': 10 } }]);
});

test('service stage probes at most the per-host cap of silent UDP ports and never TCP ones', async () => {
  const seen: number[] = [];
  const ports: PortResult[] = [];
  const stage = serviceStage({ port: (r) => ports.push(r), host: () => undefined }, { detect: (r) => (seen.push(r.port), Promise.resolve({ answered: false })), concurrency: 4, openFilteredPerHost: 3 });
  for (let p = 1; p <= 6; p++) stage.port(udp(p, 'open|filtered'));
  stage.port(port(80, 'filtered'));
  await stage.drained();
  assert.deepEqual(seen.sort((a, b) => a - b), [1, 2, 3]);
  assert.equal(ports.length, 7);
  assert.equal(stage.opened, 0);
});
