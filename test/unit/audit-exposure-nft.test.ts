/**
 * The nft side of the exposure judge: parseNftRuleset over real `nft -j list ruleset` dumps
 * (test/fixtures/audit/firewall/*.json, recorded by record.sh in a throwaway namespace from the
 * .nft file of the same name) and judgeExposure over the parsed rulesets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isPortcullisError } from '../../src/core/errors.js';
import { parseNftRuleset } from '../../src/audit/exposure/nft-ruleset.js';
import { dockerPublished, judgeExposure, type ExposureQuery, type FirewallSnapshot } from '../../src/audit/exposure/judge.js';
import type { Chain, RuleTable } from '../../src/audit/exposure/types.js';

const DIR = new URL('../fixtures/audit/firewall/', import.meta.url);

function fixture(name: string): string {
  return readFileSync(new URL(name, DIR), 'utf8');
}

function nftOnly(name: string): FirewallSnapshot {
  return { nft: parseNftRuleset(fixture(`${name}.json`)), errors: [] };
}

function chain(tables: readonly RuleTable[], table: string, name: string): Chain {
  const c = tables.find((tb) => tb.name === table)?.chains.find((x) => x.name === name);
  assert.ok(c !== undefined, `no chain ${table}/${name}`);
  return c;
}

test('parseNftRuleset keeps input base chains with their family, priority and policy', () => {
  const { tables } = parseNftRuleset(fixture('nft-two-chains.json'));
  assert.deepEqual(
    tables.map((tb) => ({ family: tb.family, name: tb.name, chains: tb.chains.map((c) => ({ name: c.name, hook: c.hook })) })),
    [
      { family: 'inet', name: 'early', chains: [{ name: 'input', hook: { type: 'filter', hook: 'input', prio: -10, policy: 'accept' } }] },
      { family: 'inet', name: 'late', chains: [{ name: 'input', hook: { type: 'filter', hook: 'input', prio: 10, policy: 'drop' } }] },
    ],
  );
});

test('parseNftRuleset keeps the regular chains reachable by jump and goto, with their rules in order', () => {
  const { tables } = parseNftRuleset(fixture('nft-jump.json'));
  assert.deepEqual(tables[0]?.chains.map((c) => c.name).sort(), ['deny', 'input', 'services']);
  assert.deepEqual(
    chain(tables, 'host', 'services').rules.map((r) => r.verdict),
    [{ kind: 'return' }, { kind: 'accept' }],
  );
  assert.deepEqual(
    chain(tables, 'host', 'input').rules.map((r) => r.verdict),
    [{ kind: 'accept' }, { kind: 'jump', target: 'services' }, { kind: 'goto', target: 'deny' }, { kind: 'accept' }],
  );
});

test('parseNftRuleset resolves named and anonymous sets into port and address ranges', () => {
  const rules = chain(parseNftRuleset(fixture('nft-sets.json')).tables, 'host', 'input').rules;
  const ports = rules.map((r) => r.conds.flatMap((c) => (c.kind === 'port' ? [c.ports] : [])));
  assert.deepEqual(ports, [
    [],
    [[[22, 22], [80, 80], [8000, 8100]]],
    [[[53, 53], [123, 123]]],
    [[[443, 443], [9000, 9010]]],
    [[[5432, 5432]]],
  ]);
  const admins = rules[4]?.conds.find((c) => c.kind === 'addr');
  assert.deepEqual(admins?.kind === 'addr' ? admins.ranges : undefined, [
    { family: 4, lo: 0xc6120000n, hi: 0xc61200ffn },
    { family: 4, lo: 0xc6130505n, hi: 0xc6130505n },
  ]);
});

test('parseNftRuleset splits a ct state verdict map into one rule per element', () => {
  const rules = chain(parseNftRuleset(fixture('nft-inet.json')).tables, 'host', 'input').rules;
  assert.deepEqual(
    rules.slice(0, 3).map((r) => [r.conds.map((c) => (c.kind === 'ctstate' ? c.states.join(',') : c.kind)), r.verdict.kind]),
    [
      [['invalid'], 'drop'],
      [['established'], 'accept'],
      [['related'], 'accept'],
    ],
  );
  // counter and log rules carry no verdict.
  assert.deepEqual(
    rules.filter((r) => r.verdict.kind === 'continue').map((r) => r.conds.length),
    [0, 0],
  );
});

test('parseNftRuleset leaves out output, forward and postrouting chains and marks xt matches unknown', () => {
  // Rules written by iptables-nft: nft's JSON shows their matches as opaque xt expressions.
  const { tables } = parseNftRuleset(fixture('ipt-docker.json'));
  assert.deepEqual(
    tables.map((tb) => [tb.name, tb.chains.map((c) => c.name)]),
    [
      ['nat', ['PREROUTING', 'DOCKER']],
      ['filter', ['INPUT', 'SVC']],
    ],
  );
  const first = chain(tables, 'filter', 'INPUT').rules[1];
  assert.deepEqual(first?.conds, [{ kind: 'unknown', text: 'xt match conntrack' }]);
  assert.deepEqual(chain(tables, 'nat', 'DOCKER').rules[1]?.verdict, { kind: 'unknown', text: 'xt target DNAT' });
});

test('parseNftRuleset reads native dnat statements of prerouting nat chains', () => {
  const rules = chain(parseNftRuleset(fixture('nft-docker-nat.json')).tables, 'nat', 'DOCKER').rules;
  assert.deepEqual(
    rules.map((r) => r.verdict),
    [{ kind: 'return' }, { kind: 'dnat', addr: '172.17.0.2', port: 80 }, { kind: 'dnat', addr: '172.17.0.3', port: 53 }],
  );
});

test('parseNftRuleset rejects output that is not nft JSON with PC_AUDIT_SOURCE', () => {
  for (const bad of ['', 'table ip x {}', '{"tables": []}', '[]']) {
    assert.throws(() => parseNftRuleset(bad), (err) => isPortcullisError(err, 'PC_AUDIT_SOURCE'), JSON.stringify(bad));
  }
});

/** [fixture, query, exposure, reason (English) must match]. */
const CASES: readonly [string, Partial<ExposureQuery> & { port: number }, 'reachable' | 'blocked' | 'unknown', RegExp][] = [
  // Default drop, established + lo + SSH.
  ['nft-basic', { port: 22 }, 'reachable', /^accepted by "tcp dport 22 accept" \(ip host input\)$/],
  ['nft-basic', { port: 6379 }, 'blocked', /^dropped by the policy of ip host input \(drop\)$/],
  ['nft-basic', { port: 22, address: '198.18.0.1' }, 'reachable', /tcp dport 22 accept/],
  ['nft-basic', { port: 6379, family: 6, address: '::' }, 'reachable', /^no firewall rule filters incoming IPv6$/],
  // inet table, vmap, th dport, ip protocol, counter and log rules.
  ['nft-inet', { port: 22 }, 'reachable', /"tcp dport 22 accept" \(inet host input\)/],
  ['nft-inet', { port: 22, family: 6, address: '::' }, 'reachable', /tcp dport 22/],
  ['nft-inet', { port: 51820, proto: 'udp', family: 6, address: '::' }, 'reachable', /udp dport 51820/],
  ['nft-inet', { port: 443 }, 'reachable', /ip protocol tcp tcp dport 443 accept/],
  ['nft-inet', { port: 443, family: 6, address: '::' }, 'blocked', /policy of inet host input/],
  ['nft-inet', { port: 80 }, 'blocked', /policy of inet host input \(drop\)/],
  ['nft-inet', { port: 53 }, 'reachable', /^accepted by "meta l4proto \{ tcp, udp \} th dport 53 accept"/],
  ['nft-inet', { port: 53, proto: 'udp', family: 6, address: '::' }, 'reachable', /th dport 53/],
  ['nft-inet', { port: 54, proto: 'udp' }, 'blocked', /policy/],
  // ip6-only table: IPv4 is not filtered at all.
  ['nft-ip6-only', { port: 6379 }, 'reachable', /no firewall rule filters incoming IPv4/],
  ['nft-ip6-only', { port: 6379, family: 6, address: '::' }, 'blocked', /policy of ip6 host6 input/],
  ['nft-ip6-only', { port: 22, family: 6, address: '2001:2::1' }, 'reachable', /tcp dport 22 accept/],
  // Reject instead of drop.
  ['nft-reject', { port: 22 }, 'reachable', /tcp dport 22 accept/],
  ['nft-reject', { port: 6379 }, 'blocked', /^rejected by "tcp dport 6379 reject"/],
  ['nft-reject', { port: 53, proto: 'udp' }, 'blocked', /^rejected by "reject" \(inet host input\)$/],
  // Named and anonymous sets, ranges.
  ['nft-sets', { port: 8000 }, 'reachable', /@tcp_open/],
  ['nft-sets', { port: 8100 }, 'reachable', /@tcp_open/],
  ['nft-sets', { port: 8101 }, 'blocked', /policy/],
  ['nft-sets', { port: 123, proto: 'udp' }, 'reachable', /@udp_open/],
  ['nft-sets', { port: 22, proto: 'udp' }, 'blocked', /policy/],
  ['nft-sets', { port: 9010 }, 'reachable', /\{ 443, 9000-9010 \}/],
  ['nft-sets', { port: 5432 }, 'reachable', /^accepted only from @admins, by "ip saddr @admins tcp dport 5432 accept"/],
  ['nft-sets', { port: 5432, family: 6, address: '::' }, 'blocked', /policy/],
  // Jump to a user chain with return; goto a dropping chain.
  ['nft-jump', { port: 22 }, 'reachable', /"tcp dport 1-1024 accept" \(inet host services\)/],
  ['nft-jump', { port: 6379 }, 'blocked', /policy of inet host input/],
  ['nft-jump', { port: 2000 }, 'blocked', /policy of inet host input/],
  ['nft-jump', { port: 5000, proto: 'udp' }, 'blocked', /^dropped by "drop" \(inet host deny\)$/],
  ['nft-jump', { port: 5001, proto: 'udp' }, 'reachable', /udp dport 4000-6000 accept/],
  // Source-restricted accepts.
  ['nft-saddr', { port: 22 }, 'reachable', /^accepted only from 198\.18\.0\.0\/15, by "ip saddr 198\.18\.0\.0\/15 tcp dport 22 accept"/],
  ['nft-saddr', { port: 22, family: 6, address: '::' }, 'reachable', /^accepted only from 2001:2::\/48, by/],
  ['nft-saddr', { port: 80 }, 'reachable', /^accepted only on interface eth0, by/],
  // `ip saddr != X drop` then accept: only X gets through over IPv4; IPv6 is not affected.
  ['nft-saddr', { port: 443 }, 'reachable', /^accepted only from 198\.18\.0\.0\/15, by "tcp dport 443 accept"/],
  ['nft-saddr', { port: 443, family: 6, address: '::' }, 'reachable', /^accepted by "tcp dport 443 accept"/],
  ['nft-saddr', { port: 6379 }, 'blocked', /policy/],
  // Two base chains: an accept at -10 still meets the drop policy at 10.
  ['nft-two-chains', { port: 22 }, 'blocked', /^dropped by the policy of inet late input \(drop\)$/],
  ['nft-two-chains', { port: 80 }, 'reachable', /^accepted by "tcp dport 80 accept" \(inet late input\)$/],
  ['nft-two-chains', { port: 23 }, 'blocked', /^dropped by "tcp dport 23 drop" \(inet early input\)$/],
  // Policy accept with one port dropped.
  ['nft-policy-accept', { port: 22 }, 'reachable', /^accepted by the policy of ip host input \(accept\)$/],
  ['nft-policy-accept', { port: 6379 }, 'blocked', /^dropped by "tcp dport 6379 drop"/],
  ['nft-policy-accept', { port: 6379, proto: 'udp' }, 'reachable', /policy of ip host input \(accept\)/],
  // UDP.
  ['nft-udp', { port: 53, proto: 'udp' }, 'reachable', /udp dport 53 accept/],
  ['nft-udp', { port: 53 }, 'blocked', /policy/],
  ['nft-udp', { port: 60999, proto: 'udp', family: 6, address: '::' }, 'reachable', /60000-61000/],
  ['nft-udp', { port: 61001, proto: 'udp' }, 'blocked', /policy/],
  // A mark the judge cannot know: unknown only where it could change the verdict.
  ['nft-unknown', { port: 22 }, 'reachable', /tcp dport 22 accept/],
  ['nft-unknown', { port: 6379 }, 'unknown', /^depends on a rule the audit cannot evaluate: "meta mark 1 tcp dport 6379 accept" \(inet host input\)$/],
  ['nft-unknown', { port: 80 }, 'blocked', /policy of inet host input/],
  // Reverse-path fib, ct status, pkttype, a dynamic blocklist, a rate limit, a destination address, a bitwise test.
  ['nft-misc', { port: 22 }, 'reachable', /^accepted only within the rate limit \(limit rate 10\/minute\), except from @blocklist, by/],
  ['nft-misc', { port: 22, family: 6, address: '::' }, 'reachable', /^accepted only within the rate limit \(limit rate 10\/minute\), by/],
  ['nft-misc', { port: 2222 }, 'reachable', /^accepted only to 198\.18\.0\.1, except from @blocklist/],
  ['nft-misc', { port: 2222, address: '198.18.0.1' }, 'reachable', /^accepted except from @blocklist/],
  ['nft-misc', { port: 2222, address: '198.18.0.2' }, 'blocked', /policy of inet misc input/],
  ['nft-misc', { port: 25 }, 'unknown', /tcp flags & \(syn \| ack\)/],
  ['nft-misc', { port: 80 }, 'blocked', /policy of inet misc input/],
  // Docker-style nat published ports bypass input.
  ['nft-docker-nat', { port: 8080 }, 'reachable', /^Docker-published \(DNAT to 172\.17\.0\.2:80\), bypasses INPUT rules$/],
  ['nft-docker-nat', { port: 5353, proto: 'udp', address: '198.18.0.1' }, 'reachable', /DNAT to 172\.17\.0\.3:53/],
  ['nft-docker-nat', { port: 5353, proto: 'udp', address: '198.18.0.2' }, 'blocked', /policy of ip host input/],
  ['nft-docker-nat', { port: 8080, proto: 'udp' }, 'blocked', /policy of ip host input/],
  ['nft-docker-nat', { port: 22 }, 'reachable', /tcp dport 22 accept/],
  // Nothing at all.
  ['empty', { port: 22 }, 'reachable', /^no host firewall rules$/],
  ['empty', { port: 53, proto: 'udp', family: 6, address: '::' }, 'reachable', /^no host firewall rules$/],
];

for (const [name, partial, exposure, reason] of CASES) {
  const q: ExposureQuery = { family: 4, proto: 'tcp', address: '0.0.0.0', ...partial };
  test(`judgeExposure on ${name} says ${exposure} for ${q.proto}/${q.port} on ${q.address}`, () => {
    const got = judgeExposure(nftOnly(name), q);
    assert.equal(got.exposure, exposure, got.reason.en);
    assert.match(got.reason.en, reason);
    assert.notEqual(got.reason.es, got.reason.en);
    assert.ok(got.reason.es.length > 0);
    assert.equal(got.dockerPublished, name === 'nft-docker-nat' && /Docker/.test(got.reason.en) ? true : undefined);
  });
}

test('judgeExposure says blocked for a loopback address whatever the rules', () => {
  assert.equal(judgeExposure(nftOnly('empty'), { family: 4, proto: 'tcp', address: '127.0.0.1', port: 22 }).exposure, 'blocked');
  assert.equal(judgeExposure(nftOnly('empty'), { family: 6, proto: 'tcp', address: '::1', port: 22 }).exposure, 'blocked');
});

test('judgeExposure says unknown, naming the cause, when nothing could be read', () => {
  const denied = judgeExposure({ errors: ['nft: permission denied'], denied: true }, { family: 4, proto: 'tcp', address: '0.0.0.0', port: 22 });
  assert.deepEqual([denied.exposure, denied.reason.en], ['unknown', 'cannot read the firewall ruleset without root']);
  const missing = judgeExposure({ errors: ['nft: not installed', 'iptables-save: not installed'] }, { family: 4, proto: 'tcp', address: '0.0.0.0', port: 22 });
  assert.deepEqual([missing.exposure, missing.reason.en], ['unknown', 'could not read the firewall ruleset: nft: not installed; iptables-save: not installed']);
});

test('dockerPublished lists the DNAT rules of native nft nat chains', () => {
  assert.deepEqual(dockerPublished(nftOnly('nft-docker-nat')), [
    { proto: 'tcp', hostPort: 8080, containerAddress: '172.17.0.2', containerPort: 80 },
    { proto: 'udp', hostPort: 5353, hostAddress: '198.18.0.1', containerAddress: '172.17.0.3', containerPort: 53 },
  ]);
  assert.deepEqual(dockerPublished(nftOnly('nft-basic')), []);
});

test('judgeExposure follows both outcomes of a queue verdict, which a userspace program decides', () => {
  // Hand-written in the libnftables-json schema: this kernel has no nft_queue to record it with.
  const rule = (expr: unknown[]): unknown => ({ rule: { family: 'inet', table: 'q', chain: 'input', expr } });
  const json = {
    nftables: [
      { table: { family: 'inet', name: 'q' } },
      { chain: { family: 'inet', table: 'q', name: 'input', type: 'filter', hook: 'input', prio: 0, policy: 'drop' } },
      rule([{ match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 25 } }, { queue: { num: 3 } }]),
      rule([{ match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 22 } }, { accept: null }]),
    ],
  };
  const fw: FirewallSnapshot = { nft: parseNftRuleset(json), errors: [] };
  const q = { family: 4, proto: 'tcp', address: '0.0.0.0' } as const;
  const queued = judgeExposure(fw, { ...q, port: 25 });
  assert.deepEqual([queued.exposure, queued.reason.en], ['unknown', 'depends on a rule the audit cannot evaluate: "tcp dport 25 queue" (inet q input)']);
  assert.equal(judgeExposure(fw, { ...q, port: 22 }).exposure, 'reachable');
  assert.equal(judgeExposure(fw, { ...q, port: 80 }).exposure, 'blocked');
});
