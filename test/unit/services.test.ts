import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceName, portsForService, topPorts } from '../../src/identify/services.js';

const names: { port: number; proto: 'tcp' | 'udp'; want: string | undefined }[] = [
  { port: 22, proto: 'tcp', want: 'ssh' },
  { port: 80, proto: 'tcp', want: 'http' },
  { port: 443, proto: 'tcp', want: 'https' },
  { port: 53, proto: 'udp', want: 'domain' },
  { port: 5432, proto: 'tcp', want: 'postgresql' },
  { port: 3306, proto: 'tcp', want: 'mysql' },
  { port: 6379, proto: 'tcp', want: 'redis' },
  { port: 5672, proto: 'tcp', want: 'amqp' },
  { port: 1883, proto: 'tcp', want: 'mqtt' },
  { port: 4222, proto: 'tcp', want: 'nats' },
  { port: 9200, proto: 'tcp', want: 'elasticsearch' },
  { port: 3389, proto: 'tcp', want: 'ms-wbt-server' },
  { port: 65000, proto: 'tcp', want: undefined },
];
for (const c of names) {
  test(`services name ${c.port}/${c.proto} as ${String(c.want)}`, () => assert.equal(serviceName(c.port, c.proto), c.want));
}

test('services find ports by name, case-insensitively and with wildcards', () => {
  assert.ok(portsForService('http', 'tcp').includes(80));
  assert.ok(portsForService('SSH', 'tcp').includes(22));
  const wild = portsForService('http*', 'tcp');
  assert.ok(wild.includes(80) && wild.includes(443) && wild.includes(8080));
  assert.deepEqual(portsForService('no-such-service', 'tcp'), []);
});

test('services rank the top ports: sorted, unique, commonly exposed ones first', () => {
  const top = topPorts(1000, 'tcp');
  assert.equal(top.length, 1000);
  assert.equal(new Set(top).size, 1000);
  assert.deepEqual([...top].sort((a, b) => a - b), top);
  for (const p of [21, 22, 23, 25, 53, 80, 110, 143, 443, 445, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 27017]) assert.ok(top.includes(p), `top 1000 has ${p}`);
  const top10 = topPorts(10, 'tcp');
  assert.ok(top10.includes(80) && top10.includes(443) && top10.includes(22));
  assert.equal(topPorts(100, 'udp').length, 100);
  assert.ok(topPorts(100, 'udp').includes(53));
});
