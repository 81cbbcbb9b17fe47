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
