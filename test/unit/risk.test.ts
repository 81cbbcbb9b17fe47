import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RISK_LEVELS, riskEntries, riskFor, riskLanguages, riskSources } from '../../src/identify/risk.js';
import { serviceName } from '../../src/identify/services.js';

const DOC = new URL('../../docs/reference/risk-sources.md', import.meta.url);

/** Services the risk knowledge must cover, under the names IANA and nmap give them. */
const COVERED: readonly { name: string; port: number; proto: 'tcp' | 'udp'; service?: string }[] = [
  { name: 'ssh', port: 22, proto: 'tcp' },
  { name: 'telnet', port: 23, proto: 'tcp' },
  { name: 'http', port: 80, proto: 'tcp' },
  { name: 'http-alt', port: 8080, proto: 'tcp', service: 'http' },
  { name: 'https', port: 443, proto: 'tcp' },
  { name: 'ssl/http', port: 8443, proto: 'tcp', service: 'https' },
  { name: 'redis', port: 6379, proto: 'tcp' },
  { name: 'postgresql', port: 5432, proto: 'tcp' },
  { name: 'mysql', port: 3306, proto: 'tcp' },
  { name: 'mongodb', port: 27017, proto: 'tcp' },
  { name: 'memcache', port: 11211, proto: 'udp', service: 'memcached' },
  { name: 'memcached', port: 11211, proto: 'tcp' },
  { name: 'elasticsearch', port: 9200, proto: 'tcp' },
  { name: 'couchdb', port: 5984, proto: 'tcp' },
  { name: 'docker', port: 2375, proto: 'tcp' },
  { name: 'docker-tls', port: 2376, proto: 'tcp' },
  { name: 'ftp', port: 21, proto: 'tcp' },
  { name: 'smtp', port: 25, proto: 'tcp' },
  { name: 'submission', port: 587, proto: 'tcp' },
  { name: 'submissions', port: 465, proto: 'tcp' },
  { name: 'pop3', port: 110, proto: 'tcp' },
  { name: 'pop3s', port: 995, proto: 'tcp' },
  { name: 'imap', port: 143, proto: 'tcp' },
  { name: 'imaps', port: 993, proto: 'tcp' },
  { name: 'domain', port: 53, proto: 'udp' },
  { name: 'domain', port: 53, proto: 'tcp' },
  { name: 'ms-wbt-server', port: 3389, proto: 'tcp' },
  { name: 'rdp', port: 3389, proto: 'tcp', service: 'ms-wbt-server' },
  { name: 'microsoft-ds', port: 445, proto: 'tcp' },
  { name: 'netbios-ssn', port: 139, proto: 'tcp' },
  { name: 'netbios-ns', port: 137, proto: 'udp' },
  { name: 'msrpc', port: 135, proto: 'tcp' },
  { name: 'vnc', port: 5900, proto: 'tcp' },
  { name: 'ldap', port: 389, proto: 'tcp' },
  { name: 'ldaps', port: 636, proto: 'tcp' },
  { name: 'ms-sql-s', port: 1433, proto: 'tcp' },
  { name: 'ms-sql-m', port: 1434, proto: 'udp', service: 'ms-sql-s' },
  { name: 'oracle', port: 1521, proto: 'tcp' },
  { name: 'kubernetes-api', port: 6443, proto: 'tcp' },
  { name: 'kubelet', port: 10250, proto: 'tcp' },
  { name: 'etcd-client', port: 2379, proto: 'tcp', service: 'etcd' },
  { name: 'etcd-server', port: 2380, proto: 'tcp', service: 'etcd' },
  { name: 'amqp', port: 5672, proto: 'tcp' },
  { name: 'rabbitmq-management', port: 15672, proto: 'tcp' },
  { name: 'rabbitmq-dist', port: 25672, proto: 'tcp', service: 'epmd' },
  { name: 'epmd', port: 4369, proto: 'tcp' },
  { name: 'mqtt', port: 1883, proto: 'tcp' },
  { name: 'secure-mqtt', port: 8883, proto: 'tcp' },
  { name: 'nats', port: 4222, proto: 'tcp' },
  { name: 'nats-monitor', port: 8222, proto: 'tcp', service: 'nats' },
  { name: 'kafka', port: 9092, proto: 'tcp' },
  { name: 'zookeeper', port: 2181, proto: 'tcp' },
  { name: 'sip', port: 5060, proto: 'udp' },
  { name: 'rtsp', port: 554, proto: 'tcp' },
  { name: 'ntp', port: 123, proto: 'udp' },
  { name: 'snmp', port: 161, proto: 'udp' },
  { name: 'prometheus', port: 9090, proto: 'tcp' },
  { name: 'prometheus-node-exporter', port: 9100, proto: 'tcp' },
  { name: 'tftp', port: 69, proto: 'udp' },
  { name: 'rpcbind', port: 111, proto: 'tcp' },
  { name: 'sunrpc', port: 111, proto: 'udp', service: 'rpcbind' },
  { name: 'nfs', port: 2049, proto: 'tcp' },
  { name: 'x11', port: 6000, proto: 'tcp' },
  { name: 'rsync', port: 873, proto: 'tcp' },
  { name: 'winrm', port: 5985, proto: 'tcp' },
  { name: 'wsman', port: 5985, proto: 'tcp', service: 'winrm' },
  { name: 'ipp', port: 631, proto: 'tcp' },
  { name: 'cups', port: 631, proto: 'udp', service: 'ipp' },
  { name: 'ssdp', port: 1900, proto: 'udp' },
  { name: 'upnp', port: 1900, proto: 'udp', service: 'ssdp' },
  { name: 'mdns', port: 5353, proto: 'udp' },
  { name: 'kibana', port: 5601, proto: 'tcp' },
  { name: 'chargen', port: 19, proto: 'udp' },
  { name: 'mbap', port: 502, proto: 'tcp' },
  { name: 'pptp', port: 1723, proto: 'tcp' },
  { name: 'openvpn', port: 1194, proto: 'udp', service: 'vpn' },
  { name: 'socks', port: 1080, proto: 'tcp', service: 'proxy' },
  { name: 'shell', port: 514, proto: 'tcp', service: 'rsh' },
  { name: 'asf-rmcp', port: 623, proto: 'udp', service: 'ipmi' },
  { name: 'jupyter', port: 8888, proto: 'tcp' },
  { name: 'adb', port: 5555, proto: 'tcp' },
  { name: 'git', port: 9418, proto: 'tcp' },
  { name: 'syslog', port: 514, proto: 'udp' },
  { name: 'coap', port: 5683, proto: 'udp' },
  { name: 'llmnr', port: 5355, proto: 'udp' },
  { name: 'iso-tsap', port: 102, proto: 'tcp' },
  { name: 'bacnet', port: 47808, proto: 'udp' },
  { name: 'dnp', port: 20000, proto: 'tcp' },
  { name: 'elasticsearch-transport', port: 9300, proto: 'tcp', service: 'elasticsearch' },
  { name: 'cassandra', port: 9042, proto: 'tcp' },
  { name: 'influxdb', port: 8086, proto: 'tcp' },
  { name: 'consul', port: 8500, proto: 'tcp' },
];


/** The sources table of the doc: id → URL. */
function documentedSources(): Map<string, string> {
  const doc = readFileSync(DOC, 'utf8');
  const out = new Map<string, string>();
  for (const m of doc.matchAll(/^\| `([a-z0-9.-]+)` \| \[[^\]]+\]\((https?:\/\/[^)\s]+)\) \|/gm)) out.set(m[1]!, m[2]!);
  return out;
}

/** The tables docs/reference/risk-sources.md must hold, rendered from the data. */
function renderTables(): { sources: string; services: string } {
  const entries = riskEntries();
  const used = new Map<string, string[]>();
  for (const e of entries) for (const id of e.sources) used.set(id, [...(used.get(id) ?? []), e.service]);
  const sources = [
    '| id | source | used for |',
    '|---|---|---|',
    ...Object.entries(riskSources()).map(([id, s]) => `| \`${id}\` | [${s.title}](${s.url}) | ${(used.get(id) ?? []).join(', ')} |`),
  ].join('\n');
  const services = [
    '| service | also known as | usual ports | level | sources |',
    '|---|---|---|---|---|',
    ...entries.map((e) => `| \`${e.service}\` | ${(e.aliases ?? []).map((a) => `\`${a}\``).join(', ')} | ${e.ports.join(', ')} | ${e.level} | ${e.sources.map((s) => `\`${s}\``).join(', ')} |`),
  ].join('\n');
  return { sources, services };
}

/** The first markdown table after a heading line. */
function tableAfter(doc: string, heading: string): string {
  const at = doc.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `missing heading ${heading}`);
  const lines = doc.slice(at).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rest = lines.slice(start);
  const end = rest.findIndex((l) => !l.startsWith('|'));
  return rest.slice(0, end < 0 ? undefined : end).join('\n');
}

for (const c of COVERED) {
  test(`riskFor ${c.name} ${c.port}/${c.proto} resolves in every language`, () => {
    for (const lang of riskLanguages) {
      const r = riskFor({ name: c.name, port: c.port, proto: c.proto }, lang);
      assert.ok(r, `${c.name} in ${lang}`);
      assert.equal(r.service, c.service ?? c.name);
      assert.equal(r.lang, lang);
      assert.equal(r.matchedBy, 'name');
    }
  });
}

test('risk entries have non-empty text in both languages, with as many fix steps in each', () => {
  assert.deepEqual([...riskLanguages], ['en', 'es']);
  for (const e of riskEntries()) {
    for (const lang of riskLanguages) {
      const t = e[lang];
      assert.ok(t.summary.trim().length > 10, `${e.service} ${lang} summary`);
      assert.ok(t.why.trim().length > 40, `${e.service} ${lang} why`);
      assert.ok(t.fix.length >= 2, `${e.service} ${lang} needs at least two fix steps`);
      for (const step of t.fix) assert.ok(step.trim().length > 10, `${e.service} ${lang} fix step`);
      // Backticks mark literal config text; an odd count would bleed into the next words.
      for (const s of [t.summary, t.why, ...t.fix]) assert.equal((s.match(/`/g) ?? []).length % 2, 0, `${e.service} ${lang}: unbalanced backticks in "${s}"`);
    }
    assert.equal(e.es.fix.length, e.en.fix.length, `${e.service}: fix steps differ in number`);
    assert.ok(e.sources.length > 0, `${e.service} has no source`);
    assert.ok(e.ports.length > 0, `${e.service} has no port`);
  }
});

test('risk Spanish text is written, not copied from the English', () => {
  for (const e of riskEntries()) {
    assert.notEqual(e.es.summary, e.en.summary, `${e.service} summary`);
    assert.notEqual(e.es.why, e.en.why, `${e.service} why`);
    e.en.fix.forEach((step, i) => assert.notEqual(e.es.fix[i], step, `${e.service} fix ${i + 1}`));
    // Spanish prose has Spanish function words; a copied English sentence does not.
    assert.match(`${e.es.summary} ${e.es.why}`, /\b(el|la|los|las|de|que|en|es|un|una)\b/, `${e.service} Spanish text`);
  }
});

test('risk levels are valid', () => {
  assert.deepEqual([...RISK_LEVELS], ['info', 'low', 'medium', 'high', 'critical']);
  for (const e of riskEntries()) assert.ok(RISK_LEVELS.includes(e.level), `${e.service}: ${e.level}`);
});

test('risk levels are calibrated for the services everyone knows', () => {
  const level = (name: string, port: number): string | undefined => riskFor({ name, port, proto: 'tcp' }, 'en')?.level;
  assert.equal(level('telnet', 23), 'critical');
  assert.equal(level('docker', 2375), 'critical');
  assert.equal(level('redis', 6379), 'critical');
  assert.equal(level('mongodb', 27017), 'critical');
  assert.ok(['high', 'critical'].includes(level('memcached', 11211) ?? ''));
  assert.ok(['low', 'medium'].includes(level('ssh', 22) ?? ''));
  assert.ok(['info', 'low'].includes(level('http', 80) ?? ''));
  assert.ok(['info', 'low'].includes(level('https', 443) ?? ''));
});

test('risk names, aliases and ports each belong to one entry', () => {
  const names = new Map<string, string>();
  const ports = new Map<string, string>();
  for (const e of riskEntries()) {
    for (const n of [e.service, ...(e.aliases ?? [])]) {
      assert.equal(n, n.toLowerCase(), `${n} must be lower case`);
      assert.ok(!names.has(n), `${n} is claimed by ${names.get(n)} and ${e.service}`);
      names.set(n, e.service);
    }
    for (const p of e.ports) {
      assert.match(p, /^([1-9]\d{0,4})\/(tcp|udp)$/);
      assert.ok(Number(p.split('/')[0]) <= 65535, p);
      assert.ok(!ports.has(p), `${p} is claimed by ${ports.get(p)} and ${e.service}`);
      ports.set(p, e.service);
    }
  }
});

test('riskFor falls back to the well-known port when the name is unknown or only from the table', () => {
  const cases: { q: Parameters<typeof riskFor>[0]; want: string | undefined; by?: 'name' | 'port' }[] = [
    { q: { name: 'unknown', port: 6379, proto: 'tcp' }, want: 'redis', by: 'port' },
    { q: { name: '', port: 5432, proto: 'tcp' }, want: 'postgresql', by: 'port' },
    { q: { name: 'tcpwrapped', port: 2375, proto: 'tcp', method: 'probed' }, want: 'docker', by: 'port' },
    { q: { name: 'unknown', port: 11211, proto: 'udp', method: 'probed' }, want: 'memcached', by: 'port' },
    // A table name Portcullis has no entry for: the port decides.
    { q: { name: 'no-such-registered-name', port: 27017, proto: 'tcp', method: 'table' }, want: 'mongodb', by: 'port' },
    // A probed name is trusted: a web server found on 6379 is not explained as Redis...
    { q: { name: 'http', port: 6379, proto: 'tcp', method: 'probed' }, want: 'http', by: 'name' },
    // ...and a probed service Portcullis knows nothing about is not guessed from the port.
    { q: { name: 'some-other-daemon', port: 6379, proto: 'tcp', method: 'probed' }, want: undefined },
    // Case, nmap's trailing "?" and a TLS prefix do not get in the way.
    { q: { name: 'Redis', port: 1, proto: 'tcp' }, want: 'redis', by: 'name' },
    { q: { name: 'mysql?', port: 1, proto: 'tcp' }, want: 'mysql', by: 'name' },
    { q: { name: 'ssl/redis', port: 1, proto: 'tcp' }, want: 'redis', by: 'name' },
    // Proto matters for the port: 6379/udp is not Redis.
    { q: { name: 'unknown', port: 6379, proto: 'udp' }, want: undefined },
    // Nothing known by name or port.
    { q: { name: 'unknown', port: 47, proto: 'tcp' }, want: undefined },
    { q: { name: 'no-such-service', port: 65000, proto: 'udp' }, want: undefined },
  ];
  for (const { q, want, by } of cases) {
    const r = riskFor(q, 'en');
    assert.equal(r?.service, want, JSON.stringify(q));
    assert.equal(r?.matchedBy, by, JSON.stringify(q));
  }
});

test('riskFor returns the language asked for, with references resolved', () => {
  const en = riskFor({ name: 'redis', port: 6379, proto: 'tcp' }, 'en');
  const es = riskFor({ name: 'redis', port: 6379, proto: 'tcp' }, 'es');
  assert.ok(en && es);
  assert.notEqual(en.summary, es.summary);
  assert.deepEqual(en.sources, es.sources);
  assert.equal(en.references.length, en.sources.length);
  for (const ref of en.references) assert.match(ref.url, /^https:\/\//);
  assert.ok(en.fix.some((s) => s.includes('bind 127.0.0.1 ::1')));
  assert.ok(en.fix.some((s) => s.includes('protected-mode yes')));
});

test('risk data is frozen', () => {
  const e = riskEntries()[0]!;
  assert.ok(Object.isFrozen(e) && Object.isFrozen(e.en) && Object.isFrozen(e.en.fix));
});

test('every risk source id exists in docs/reference/risk-sources.md, with the same URL', () => {
  const documented = documentedSources();
  const inCode = riskSources();
  for (const e of riskEntries()) for (const id of e.sources) assert.ok(documented.has(id), `${e.service}: source ${id} is not in risk-sources.md`);
  assert.deepEqual(
    [...documented].sort(),
    Object.entries(inCode)
      .map(([id, s]) => [id, s.url])
      .sort(),
  );
  // No source left unused.
  const used = new Set(riskEntries().flatMap((e) => e.sources));
  for (const id of Object.keys(inCode)) assert.ok(used.has(id as never), `source ${id} is used by no entry`);
});

test('risk-sources.md tables match the data (paste the expected table on a mismatch)', () => {
  const doc = readFileSync(DOC, 'utf8');
  const want = renderTables();
  assert.equal(tableAfter(doc, '## Sources'), want.sources);
  assert.equal(tableAfter(doc, '## Services covered'), want.services);
});

test('every risk entry is reachable by its name and by each of its ports', () => {
  for (const e of riskEntries()) {
    assert.equal(riskFor({ name: e.service, port: 0, proto: 'tcp' }, 'es')?.service, e.service);
    for (const a of e.aliases ?? []) assert.equal(riskFor({ name: a, port: 0, proto: 'tcp' }, 'en')?.service, e.service, a);
    for (const p of e.ports) {
      const [port, proto] = p.split('/') as [string, 'tcp' | 'udp'];
      assert.equal(riskFor({ name: 'unknown', port: Number(port), proto }, 'en')?.service, e.service, p);
    }
  }
});

test('every well-known port of an entry is explained as that entry under the name the port table gives it', () => {
  // Whether the table name is one of the entry's names (6379 → redis) or one Portcullis has no
  // entry for (2181 → IANA's "eforward"), an unprobed port gets the right explanation.
  for (const e of riskEntries()) {
    for (const p of e.ports) {
      const [port, proto] = p.split('/') as [string, 'tcp' | 'udp'];
      const name = serviceName(Number(port), proto) ?? 'unknown';
      assert.equal(riskFor({ name, port: Number(port), proto, method: 'table' }, 'en')?.service, e.service, `${p} (table name ${name})`);
    }
  }
});
