import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectsBanner, planProbes, tlsFirst } from '../../src/identify/probe-plan.js';
import { compileSignatures, type ProbeSpec } from '../../src/identify/signature-db.js';
import { signatureDb } from '../../src/identify/signatures/index.js';

const probe = (name: string, rarity: number, extra: Partial<ProbeSpec> = {}): ProbeSpec => ({ name, proto: 'tcp', payload: 'x', rarity, tls: true, spec: 'test', ...extra });
const db = compileSignatures([
  {
    family: 'plan',
    description: 'probe-plan tables',
    probes: [
      { ...probe('NULL', 1), payload: '', ports: [22] },
      probe('Common', 1, { ports: [80], tlsPorts: [443] }),
      probe('Db', 6, { ports: [5432] }),
      probe('Rare', 9),
      probe('Mid', 4),
      probe('NoTls', 3, { tls: false, ports: [3389] }),
      probe('Udp', 1, { proto: 'udp', ports: [53] }),
    ],
    matchers: [
      { id: 'a', probe: 'Common', service: 'http', pattern: '^H' },
      { id: 'b', probe: 'Db', service: 'postgresql', pattern: '^E' },
      { id: 'c', probe: 'Mid', service: 'http', pattern: '^M' },
    ],
  },
]);
const names = (port: number, intensity: number, inTls = false, service?: string, proto: 'tcp' | 'udp' = 'tcp'): string[] => planProbes(db, { port, proto, intensity, inTls, service }).map((p) => p.name);

test('planProbes: the port\'s own probes first at any intensity, then the rest by rarity', () => {
  const cases: [string, string[], string[]][] = [
    ['unknown port, intensity 7', names(9999, 7), ['Common', 'NoTls', 'Mid', 'Db']],
    ['unknown port, intensity 5', names(9999, 5), ['Common', 'NoTls', 'Mid']],
    ['unknown port, intensity 9', names(9999, 9), ['Common', 'NoTls', 'Mid', 'Db', 'Rare']],
    ['unknown port, intensity 0', names(9999, 0), []],
    ['5432 at intensity 0 still gets its probe', names(5432, 0), ['Db']],
    ['5432 at intensity 7: its probe leads', names(5432, 7), ['Db', 'Common', 'NoTls', 'Mid']],
    ['inside TLS: no tls:false probes', names(9999, 7, true), ['Common', 'Mid', 'Db']],
    ['443 inside TLS counts as Common\'s port', names(443, 0, true), ['Common']],
    ['after a soft http match: only probes that can say http', names(5432, 9, false, 'http'), ['Common', 'Mid']],
    ['UDP', names(53, 0, false, undefined, 'udp'), ['Udp']],
  ];
  for (const [name, got, want] of cases) assert.deepEqual(got, want, name);
});

test('expectsBanner: full wait where the service speaks first or the port is unknown', () => {
  const cases: [number, boolean][] = [
    [22, true],
    [80, false],
    [5432, false],
    [443, false],
    [9999, true],
  ];
  for (const [port, want] of cases) assert.equal(expectsBanner(db, port, 'tcp'), want, String(port));
});

test('tlsFirst follows tlsPorts', () => {
  assert.equal(tlsFirst(db, 443), true);
  assert.equal(tlsFirst(db, 80), false);
});

test('shipped database: the six loopback services get their own probe first', () => {
  const shipped = signatureDb();
  const first = (port: number): string | undefined => planProbes(shipped, { port, proto: 'tcp', intensity: 7, inTls: false })[0]?.name;
  assert.equal(first(5432), 'PostgresBadVersion');
  assert.equal(first(6379), 'RedisInfo');
  assert.equal(first(5672), 'AMQPHeader');
  assert.equal(first(1883), 'MQTTConnect');
  assert.ok(expectsBanner(shipped, 3306, 'tcp') && expectsBanner(shipped, 4222, 'tcp'));
  assert.ok(tlsFirst(shipped, 443) && tlsFirst(shipped, 993) && !tlsFirst(shipped, 80));
});
