import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { latin1View, matchAnswer } from '../../src/identify/matcher.js';
import { SIGNATURE_FILES, signatureDb } from '../../src/identify/signatures/index.js';
import { dnsQuery, memcachedVersion, ntpClientRequest, sipOptions, snmpGet } from '../../src/identify/udp-payloads.js';
import { loadServiceFixtures } from '../helpers/service-fixtures.js';

const db = signatureDb();
const fixtures = loadServiceFixtures();

test('signature files validate against docs/reference/signatures.schema.json', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../docs/reference/signatures.schema.json', import.meta.url), 'utf8')) as object);
  for (const f of SIGNATURE_FILES) {
    assert.ok(validate(f), `${f.family}: ${ajv.errorsText(validate.errors)}`);
  }
});

test('signature database covers the services issue 4 names', () => {
  const services = new Set(db.matchers.map((m) => m.service));
  for (const s of ['http', 'ssh', 'ftp', 'smtp', 'pop3', 'imap', 'domain', 'telnet', 'ms-wbt-server', 'microsoft-ds', 'vnc', 'ldap', 'mysql', 'postgresql', 'redis', 'mongodb', 'memcached', 'amqp', 'mqtt', 'nats', 'kafka', 'zookeeper', 'sip', 'rtsp', 'ntp', 'snmp', 'docker', 'etcd-client']) {
    assert.ok(services.has(s), `no matcher for ${s}`);
  }
  const products = new Set(db.matchers.map((m) => m.product));
  for (const p of ['Elasticsearch REST API', 'CouchDB httpd', 'Kubernetes API server', 'Prometheus node_exporter']) assert.ok(products.has(p), `no matcher for ${p}`);
});

test('every signature has a fixture, and every fixture names a known matcher and probe', () => {
  const covered = new Set(fixtures.map((f) => f.matcher));
  const missing = db.matchers.filter((m) => !covered.has(m.id)).map((m) => m.id);
  assert.deepEqual(missing, []);
  for (const f of fixtures) {
    assert.ok(db.matchers.some((m) => m.id === f.matcher), `${f.file}: unknown matcher ${f.matcher}`);
    assert.ok(db.probeByName.has(f.probe), `${f.file}: unknown probe ${f.probe}`);
    assert.ok(f.source === 'recorded' || f.source === 'spec', `${f.file}: source`);
    assert.ok(f.origin.length > 10, `${f.file}: origin must say where the bytes come from`);
  }
});

test('every fixture is identified by its own matcher, with the expected name, product and version', async (t) => {
  for (const f of fixtures) {
    await t.test(f.file, () => {
      const m = matchAnswer(db, f.probe, f.bytes);
      assert.ok(m !== undefined, 'no match');
      assert.equal(m.matcher.id, f.matcher);
      const { name, product, version, extrainfo, os } = m.service;
      assert.deepEqual(Object.fromEntries(Object.entries({ name, product, version, extrainfo, os }).filter(([, v]) => v !== undefined)), f.expect);
      assert.equal(m.service.method, 'probed');
    });
  }
});

test('negative corpus: each answer fed to every other service\'s signature identifies less than 1% falsely', () => {
  let pairs = 0;
  const falses: string[] = [];
  for (const f of fixtures) {
    const own = db.matchers.find((m) => m.id === f.matcher)!;
    const view = latin1View(f.bytes);
    for (const m of db.matchers) {
      if (m.service === own.service) continue;
      pairs++;
      if (m.regex.test(view)) falses.push(`${f.file} ~ ${m.id}`);
    }
  }
  const rate = falses.length / pairs;
  // Reported in the test output (and docs/guides/service-detection.md): the overlaps are HTTP
  // answers of HTTP-based services (Docker, etcd, an HTTPS port's error page) that the generic
  // HTTP matchers also fit; file order puts the specific matcher first.
  console.log(`negative corpus: ${falses.length} of ${pairs} (answer, other-service signature) pairs match = ${(rate * 100).toFixed(2)}%`, falses);
  assert.ok(rate < 0.01, `${(rate * 100).toFixed(2)}% false identifications`);
  // Whole-database matching (what a scan does) names every fixture's own service.
  const wrong = fixtures.filter((f) => matchAnswer(db, f.probe, f.bytes)?.service.name !== f.expect.name).map((f) => f.file);
  assert.deepEqual(wrong, []);
});

test('UDP probes carry the same bytes as the udp-payloads builders', () => {
  const bytes = (name: string): Buffer => db.probeByName.get(name)!.bytes;
  assert.deepEqual(bytes('DNSVersionBindReq'), dnsQuery('version.bind', 16, 3, 0x5043));
  assert.deepEqual(bytes('NTPRequest'), ntpClientRequest());
  assert.deepEqual(bytes('SNMPv2cGetSysDescr'), snmpGet(1, 'public', 0x5043, '1.3.6.1.2.1.1.1.0'));
  assert.deepEqual(bytes('MemcachedVersionUDP'), memcachedVersion(0x5043));
  assert.deepEqual(bytes('SIPOptionsUDP'), sipOptions());
  const tcp = bytes('DNSVersionBindReqTCP');
  assert.equal(tcp.readUInt16BE(0), tcp.length - 2);
  assert.deepEqual(tcp.subarray(2), bytes('DNSVersionBindReq'));
});

test('recorded fixtures include the six loopback services of this machine', () => {
  const recorded = new Set(fixtures.filter((f) => f.source === 'recorded').map((f) => f.expect.name));
  for (const s of ['postgresql', 'mysql', 'redis', 'amqp', 'mqtt', 'nats', 'ssh', 'http', 'ftp', 'smtp', 'pop3', 'imap', 'memcached', 'domain', 'snmp', 'ntp']) assert.ok(recorded.has(s), s);
});
