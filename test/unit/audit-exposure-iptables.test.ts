/**
 * The iptables side of the exposure judge: parseIptablesSave over real iptables-save and
 * ip6tables-save dumps (test/fixtures/audit/firewall/ipt-*, mixed.*, recorded by record.sh), and
 * judgeExposure / dockerPublished over snapshots that combine them with nft dumps the way
 * readFirewall does: iptables-nft rules once, legacy tables in addition to nft.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseIptablesSave } from '../../src/audit/exposure/iptables-save.js';
import { parseNftRuleset } from '../../src/audit/exposure/nft-ruleset.js';
import { dockerPublished, judgeExposure, type ExposureQuery, type FirewallSnapshot } from '../../src/audit/exposure/judge.js';
import type { Chain, IptablesRuleset } from '../../src/audit/exposure/types.js';

const DIR = new URL('../fixtures/audit/firewall/', import.meta.url);

function fixture(name: string): string {
  return readFileSync(new URL(name, DIR), 'utf8');
}

function chain(r: IptablesRuleset, table: string, name: string): Chain {
  const c = r.tables.find((tb) => tb.name === table)?.chains.find((x) => x.name === name);
  assert.ok(c !== undefined, `no chain ${table}/${name}`);
  return c;
}

/** A host with iptables-legacy rules only: the nf_tables iptables-save prints just the warning. */
const LEGACY: FirewallSnapshot = {
  nft: parseNftRuleset(fixture('ipt-legacy.json')),
  iptables: {
    v4: parseIptablesSave(fixture('ipt-legacy.iptables-nft-save.txt'), 4),
    legacyV4: parseIptablesSave(fixture('ipt-legacy.iptables-save.txt'), 4),
    legacyV6: parseIptablesSave(fixture('ipt-legacy.ip6tables-save.txt'), 6),
  },
  errors: [],
};

/** Docker on iptables-nft: the same rules in the nft JSON (as xt expressions) and in iptables-save. */
const DOCKER: FirewallSnapshot = {
  nft: parseNftRuleset(fixture('ipt-docker.json')),
  iptables: { v4: parseIptablesSave(fixture('ipt-docker.iptables-save.txt'), 4), v6: parseIptablesSave(fixture('ipt-docker.ip6tables-save.txt'), 6) },
  errors: [],
};

/** nftables and iptables-legacy side by side. */
const MIXED: FirewallSnapshot = {
  nft: parseNftRuleset(fixture('mixed.json')),
  iptables: { v4: parseIptablesSave(fixture('mixed.iptables-nft-save.txt'), 4), legacyV4: parseIptablesSave(fixture('mixed.iptables-legacy-save.txt'), 4) },
  errors: [],
};

test('parseIptablesSave reads chain policies, hooks and user chains', () => {
  const r = parseIptablesSave(fixture('ipt-legacy.iptables-save.txt'), 4);
  assert.deepEqual([r.family, r.backend, r.legacyTablesPresent], [4, 'legacy', false]);
  assert.deepEqual(
    r.tables.map((tb) => [tb.origin, tb.family, tb.name, tb.chains.map((c) => [c.name, c.hook])]),
    [['iptables', 'ip', 'filter', [['INPUT', { type: 'filter', hook: 'input', prio: 0, policy: 'drop' }], ['SERVICES', undefined]]]],
  );
  assert.equal(chain(r, 'filter', 'INPUT').rules.length, 9);
  assert.deepEqual(
    chain(r, 'filter', 'SERVICES').rules.map((x) => x.verdict.kind),
    ['accept', 'accept', 'return', 'reject', 'accept'],
  );
});

test('parseIptablesSave reads multiport lists and ranges, conntrack and state matches', () => {
  const input = chain(parseIptablesSave(fixture('ipt-legacy.iptables-save.txt'), 4), 'filter', 'INPUT').rules;
  assert.deepEqual(input[1]?.conds, [{ kind: 'ctstate', states: ['related', 'established'], negate: false, text: '--ctstate RELATED,ESTABLISHED' }]);
  assert.deepEqual(
    input[3]?.conds.map((c) => (c.kind === 'port' ? [c.dir, c.proto, c.ports] : c.kind)),
    ['l4proto', ['dport', 'tcp', [[22, 22], [80, 80], [443, 443]]]],
  );
  assert.deepEqual(
    input[4]?.conds.map((c) => (c.kind === 'port' ? c.ports : c.kind === 'ctstate' ? c.states : c.kind)),
    ['l4proto', ['new'], [[8000, 8010]]],
  );
  const services = chain(parseIptablesSave(fixture('ipt-legacy.iptables-save.txt'), 4), 'filter', 'SERVICES').rules;
  assert.deepEqual(services[1]?.conds.find((c) => c.kind === 'port'), {
    kind: 'port',
    dir: 'dport',
    proto: 'udp',
    ports: [[60000, 61000], [123, 123]],
    negate: false,
    text: '--dports 60000:61000,123',
    value: '60000:61000,123',
  });
  // -m mark is not something the judge can know.
  assert.deepEqual(input[7]?.conds.at(-1), { kind: 'unknown', text: '-m mark --mark 0x1' });
});

test('parseIptablesSave tells the nf_tables backend and the legacy warning apart', () => {
  const docker = parseIptablesSave(fixture('ipt-docker.iptables-save.txt'), 4);
  assert.deepEqual([docker.backend, docker.legacyTablesPresent], ['nft', false]);
  const warned = parseIptablesSave(fixture('ipt-legacy.iptables-nft-save.txt'), 4);
  assert.deepEqual([warned.backend, warned.legacyTablesPresent, warned.tables], ['nft', true, []]);
  assert.deepEqual(parseIptablesSave(fixture('empty.iptables-save.txt'), 4).tables, []);
});

test('parseIptablesSave reads DNAT targets and keeps only nat chains reachable from PREROUTING', () => {
  const r = parseIptablesSave(fixture('ipt-docker.iptables-save.txt'), 4);
  const nat = r.tables.find((tb) => tb.name === 'nat');
  assert.deepEqual(nat?.chains.map((c) => c.name), ['PREROUTING', 'DOCKER']);
  assert.deepEqual(
    chain(r, 'nat', 'DOCKER').rules.map((x) => x.verdict),
    [{ kind: 'return' }, { kind: 'dnat', addr: '172.17.0.2', port: 80 }, { kind: 'dnat', addr: '172.17.0.3', port: 53 }],
  );
  assert.deepEqual(chain(r, 'nat', 'PREROUTING').rules[0]?.conds, [{ kind: 'const', value: true, text: '-m addrtype --dst-type LOCAL' }]);
});

test('parseIptablesSave keeps quoted comments out of the conditions and negations in', () => {
  const text = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    '-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "ssh -j DROP from \\"anywhere\\"" -j ACCEPT',
    '-A INPUT ! -s 198.18.0.0/15 -p udp -m udp ! --dport 1000:2000 -j DROP',
    '-A INPUT ! -i lo -p tcp --dport 6379 -j DROP',
    'COMMIT',
  ].join('\n');
  const rules = chain(parseIptablesSave(text, 4), 'filter', 'INPUT').rules;
  assert.deepEqual(
    rules.map((r) => [r.conds.map((c) => `${c.kind}${'negate' in c && c.negate ? '!' : ''}`), r.verdict.kind]),
    [
      [['l4proto', 'port'], 'accept'],
      [['addr!', 'l4proto', 'port!'], 'drop'],
      [['iface!', 'l4proto', 'port'], 'drop'],
    ],
  );
  const q = { family: 4, proto: 'tcp', address: '0.0.0.0' } as const;
  const fw: FirewallSnapshot = { iptables: { v4: parseIptablesSave(text, 4) }, errors: [] };
  assert.equal(judgeExposure(fw, { ...q, port: 6379 }).exposure, 'blocked');
  assert.equal(judgeExposure(fw, { ...q, port: 22 }).exposure, 'reachable');
  assert.match(judgeExposure(fw, { ...q, proto: 'udp', port: 3000 }).reason.en, /^accepted only from 198\.18\.0\.0\/15, by the policy of iptables filter INPUT/);
  assert.match(judgeExposure(fw, { ...q, proto: 'udp', port: 1500 }).reason.en, /^accepted by the policy/);
});

/** [snapshot, name, query, exposure, reason (English) must match]. */
const CASES: readonly [FirewallSnapshot, string, Partial<ExposureQuery> & { port: number }, 'reachable' | 'blocked' | 'unknown', RegExp][] = [
  [LEGACY, 'legacy', { port: 22 }, 'reachable', /^accepted by "-p tcp -m multiport --dports 22,80,443 -j ACCEPT" \(iptables filter INPUT\)$/],
  [LEGACY, 'legacy', { port: 443 }, 'reachable', /--dports 22,80,443/],
  [LEGACY, 'legacy', { port: 8010 }, 'reachable', /--state NEW -m tcp --dport 8000:8010/],
  [LEGACY, 'legacy', { port: 8011 }, 'blocked', /policy of iptables filter INPUT \(drop\)/],
  [LEGACY, 'legacy', { port: 5432 }, 'reachable', /^accepted only from 198\.18\.0\.0\/15, by "-s 198\.18\.0\.0\/15/],
  [LEGACY, 'legacy', { port: 9100 }, 'reachable', /^accepted only on interface eth1, by/],
  [LEGACY, 'legacy', { port: 3306 }, 'unknown', /cannot evaluate: "-p tcp -m tcp --dport 3306 -m mark --mark 0x1 -j ACCEPT"/],
  [LEGACY, 'legacy', { port: 53, proto: 'udp' }, 'reachable', /\(iptables filter SERVICES\)$/],
  [LEGACY, 'legacy', { port: 60500, proto: 'udp' }, 'reachable', /--dports 60000:61000,123/],
  [LEGACY, 'legacy', { port: 6379 }, 'blocked', /^dropped by the policy of iptables filter INPUT \(drop\)$/],
  [LEGACY, 'legacy', { port: 25 }, 'blocked', /^rejected by "-p tcp -m tcp --dport 25 -j REJECT --reject-with tcp-reset"/],
  [LEGACY, 'legacy', { port: 2048 }, 'reachable', /--dport 1024:2048/],
  [LEGACY, 'legacy', { port: 22, family: 6, address: '::' }, 'reachable', /^accepted only from 2001:2::\/48, by .*\(ip6tables filter INPUT\)$/],
  [LEGACY, 'legacy', { port: 80, family: 6, address: '2001:2::1' }, 'reachable', /^accepted by "-p tcp -m tcp --dport 80 -j ACCEPT"/],
  [LEGACY, 'legacy', { port: 443, family: 6, address: '::' }, 'blocked', /ip6tables filter INPUT/],
  [DOCKER, 'docker', { port: 8080 }, 'reachable', /^Docker-published \(DNAT to 172\.17\.0\.2:80\), bypasses INPUT rules$/],
  [DOCKER, 'docker', { port: 5353, proto: 'udp', address: '198.18.0.1' }, 'reachable', /Docker-published/],
  [DOCKER, 'docker', { port: 5353, proto: 'udp', address: '198.18.0.9' }, 'blocked', /policy of iptables filter INPUT/],
  [DOCKER, 'docker', { port: 22 }, 'reachable', /--dports 22,80,443/],
  [DOCKER, 'docker', { port: 3000 }, 'blocked', /^rejected by "-p tcp -j REJECT --reject-with tcp-reset" \(iptables filter SVC\)$/],
  [DOCKER, 'docker', { port: 6379 }, 'blocked', /^dropped by the policy of iptables filter INPUT/],
  [DOCKER, 'docker', { port: 22, family: 6, address: '::' }, 'reachable', /^no firewall rule filters incoming IPv6$/],
  [MIXED, 'mixed', { port: 22 }, 'reachable', /^accepted by "-p tcp -m multiport --dports 22,8080 -j ACCEPT" \(iptables filter INPUT\)$/],
  [MIXED, 'mixed', { port: 8080 }, 'blocked', /^dropped by "tcp dport 8080 drop" \(inet host input\)$/],
  [MIXED, 'mixed', { port: 443 }, 'blocked', /^dropped by the policy of iptables filter INPUT \(drop\)$/],
  [MIXED, 'mixed', { port: 443, family: 6, address: '::' }, 'reachable', /policy of inet host input \(accept\)/],
];

for (const [fw, name, partial, exposure, reason] of CASES) {
  const q: ExposureQuery = { family: 4, proto: 'tcp', address: '0.0.0.0', ...partial };
  test(`judgeExposure on ${name} says ${exposure} for ${q.proto}/${q.port} on ${q.address}`, () => {
    const got = judgeExposure(fw, q);
    assert.equal(got.exposure, exposure, got.reason.en);
    assert.match(got.reason.en, reason);
    assert.notEqual(got.reason.es, got.reason.en);
  });
}

test('judgeExposure on iptables-nft rules reads them from iptables-save, not from opaque xt expressions', () => {
  const q: ExposureQuery = { family: 4, proto: 'tcp', address: '0.0.0.0', port: 22 };
  assert.equal(judgeExposure(DOCKER, q).exposure, 'reachable');
  // Without the iptables-save text the same rules are xt matches nft's JSON cannot show.
  const nftOnly = judgeExposure({ nft: DOCKER.nft, errors: [] }, q);
  assert.equal(nftOnly.exposure, 'unknown');
  assert.match(nftOnly.reason.en, /xt match conntrack/);
});

test('judgeExposure says unknown when legacy tables are present but were not read', () => {
  const { legacyV4: _v4, legacyV6: _v6, ...ipt } = LEGACY.iptables ?? {};
  const got = judgeExposure({ ...LEGACY, iptables: ipt }, { family: 4, proto: 'tcp', address: '0.0.0.0', port: 22 });
  assert.deepEqual([got.exposure, got.reason.en], ['unknown', 'iptables-legacy tables are present but iptables-legacy-save could not be read']);
});

test('judgeExposure says reachable with no rules in nft or iptables', () => {
  const fw: FirewallSnapshot = { nft: parseNftRuleset(fixture('empty.json')), iptables: { v4: parseIptablesSave(fixture('empty.iptables-save.txt'), 4) }, errors: [] };
  const got = judgeExposure(fw, { family: 4, proto: 'udp', address: '198.18.0.1', port: 53 });
  assert.deepEqual([got.exposure, got.reason.en, got.reason.es], ['reachable', 'no host firewall rules', 'no hay reglas de cortafuegos en el equipo']);
});

test('dockerPublished reads the nat DOCKER chain of iptables-save, and nothing from xt DNAT targets alone', () => {
  const want = [
    { proto: 'tcp', hostPort: 8080, containerAddress: '172.17.0.2', containerPort: 80 },
    { proto: 'udp', hostPort: 5353, hostAddress: '198.18.0.1', containerAddress: '172.17.0.3', containerPort: 53 },
  ];
  assert.deepEqual(dockerPublished(DOCKER), want);
  assert.deepEqual(dockerPublished({ iptables: { v4: parseIptablesSave(fixture('ipt-docker.iptables-save.txt'), 4) }, errors: [] }), want);
  assert.deepEqual(dockerPublished({ nft: DOCKER.nft, errors: [] }), []);
  assert.deepEqual(dockerPublished(LEGACY), []);
});

test('judgeExposure flags Docker-published ports with dockerPublished', () => {
  assert.equal(judgeExposure(DOCKER, { family: 4, proto: 'tcp', address: '0.0.0.0', port: 8080 }).dockerPublished, true);
  assert.equal(judgeExposure(DOCKER, { family: 4, proto: 'tcp', address: '0.0.0.0', port: 22 }).dockerPublished, undefined);
  // The DNAT rules are IPv4: an IPv6 socket on the same port is judged by the filter rules.
  assert.equal(judgeExposure(DOCKER, { family: 6, proto: 'tcp', address: '::', port: 8080 }).dockerPublished, undefined);
});
