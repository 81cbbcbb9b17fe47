import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findName, serviceName, portsForService, topPorts } from '../../src/identify/services.js';
import { IANA_TCP, IANA_UDP } from '../../src/identify/data/iana-services.js';

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

test('services findName agrees with a split of the registry text on every port', () => {
  for (const text of [IANA_TCP, IANA_UDP]) {
    const ref = new Map(text.split('\n').map((l) => [Number(l.slice(0, l.indexOf(' '))), l.slice(l.indexOf(' ') + 1)] as const));
    for (let port = 0; port <= 65536; port++) assert.equal(findName(text, port), ref.get(port), `port ${port}`);
  }
});

test('services findName on small texts: first, last, between and outside the lines', () => {
  const cases: [text: string, port: number, want: string | undefined][] = [
    ['', 1, undefined],
    ['7 echo', 7, 'echo'],
    ['7 echo', 8, undefined],
    ['7 echo\n', 7, 'echo'],
    ['1 a\n5 bb\n90 ccc\n65535 last', 1, 'a'],
    ['1 a\n5 bb\n90 ccc\n65535 last', 5, 'bb'],
    ['1 a\n5 bb\n90 ccc\n65535 last', 90, 'ccc'],
    ['1 a\n5 bb\n90 ccc\n65535 last', 65535, 'last'],
    ['1 a\n5 bb\n90 ccc\n65535 last', 0, undefined],
    ['1 a\n5 bb\n90 ccc\n65535 last', 6, undefined],
    ['1 a\n5 bb\n90 ccc\n65535 last', 65534, undefined],
  ];
  for (const [text, port, want] of cases) assert.equal(findName(text, port), want, `${JSON.stringify(text)} ${port}`);
});

test('services name ports the same before and after the index is built', () => {
  // The first lookups search the text; past SEARCHES_BEFORE_INDEX the index answers.
  const first = Array.from({ length: 3000 }, (_, i) => serviceName(i, 'tcp'));
  const again = Array.from({ length: 3000 }, (_, i) => serviceName(i, 'tcp'));
  assert.deepEqual(again, first);
  assert.equal(first[22], 'ssh');
  assert.equal(first[80], 'http', 'an override wins over the IANA name both ways');
});
