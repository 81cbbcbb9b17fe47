/**
 * readFirewall's handling of what the tools say, with a fake runner replaying recorded outputs
 * (test/fixtures/audit/firewall) and the failures of a missing tool or a non-root user. The real
 * tools, in a real namespace, are exercised by test/netns/audit-exposure.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isPortcullisError } from '../../src/core/errors.js';
import { readFirewall, type ToolResult, type ToolRunner } from '../../src/audit/exposure/read-firewall.js';
import { judgeExposure } from '../../src/audit/exposure/judge.js';

const DIR = new URL('../fixtures/audit/firewall/', import.meta.url);

function fixture(name: string): string {
  return readFileSync(new URL(name, DIR), 'utf8');
}

const ok = (stdout: string, stderr = ''): ToolResult => ({ ok: true, stdout, stderr });
const missing = (file: string): ToolResult => ({ ok: false, missing: true, denied: false, message: `${file}: not installed` });
const refused = (file: string): ToolResult => ({ ok: false, missing: false, denied: true, message: `${file}: permission denied (Operation not permitted (you must be root))` });

/** A runner answering from a table keyed by the command line; records every call. */
function fakeRunner(answers: Readonly<Record<string, ToolResult>>): { run: ToolRunner; calls: string[] } {
  const calls: string[] = [];
  const run: ToolRunner = (file, args) => {
    const line = [file, ...args].join(' ');
    calls.push(line);
    const inner = file === 'nsenter' ? args.slice(1).join(' ') : line;
    return Promise.resolve(answers[inner] ?? missing(inner.split(' ')[0] ?? file));
  };
  return { run, calls };
}

const Q = { family: 4, proto: 'tcp', address: '0.0.0.0' } as const;

test('readFirewall reads nft and both iptables-save dumps and the judge uses them', async () => {
  const { run, calls } = fakeRunner({
    'nft -j list ruleset': ok(fixture('nft-basic.json')),
    'iptables-save': ok(''),
    'ip6tables-save': ok(''),
  });
  const fw = await readFirewall({ run });
  assert.deepEqual(calls, ['nft -j list ruleset', 'iptables-save', 'ip6tables-save']);
  assert.deepEqual(fw.errors, []);
  assert.equal(fw.denied, undefined);
  assert.equal(judgeExposure(fw, { ...Q, port: 22 }).exposure, 'reachable');
  assert.equal(judgeExposure(fw, { ...Q, port: 6379 }).exposure, 'blocked');
});

test('readFirewall runs every tool through nsenter for another namespace', async () => {
  const { run, calls } = fakeRunner({ 'nft -j list ruleset': ok(fixture('empty.json')), 'iptables-save': ok(''), 'ip6tables-save': ok('') });
  await readFirewall({ netnsPid: 4242, run });
  assert.deepEqual(calls, [
    'nsenter --net=/proc/4242/ns/net nft -j list ruleset',
    'nsenter --net=/proc/4242/ns/net iptables-save',
    'nsenter --net=/proc/4242/ns/net ip6tables-save',
  ]);
});

test('readFirewall asks the legacy savers when iptables-save warns of legacy tables', async () => {
  const { run, calls } = fakeRunner({
    'nft -j list ruleset': ok(fixture('ipt-legacy.json')),
    // The warning goes to stderr.
    'iptables-save': ok('', fixture('ipt-legacy.iptables-nft-save.txt')),
    'ip6tables-save': ok('', fixture('ipt-legacy.ip6tables-nft-save.txt')),
    'iptables-legacy-save': ok(fixture('ipt-legacy.iptables-save.txt')),
    'ip6tables-legacy-save': ok(fixture('ipt-legacy.ip6tables-save.txt')),
  });
  const fw = await readFirewall({ run });
  assert.deepEqual(calls.slice(3), ['iptables-legacy-save', 'ip6tables-legacy-save']);
  assert.equal(judgeExposure(fw, { ...Q, port: 6379 }).exposure, 'blocked');
  assert.match(judgeExposure(fw, { ...Q, family: 6, address: '::', port: 22 }).reason.en, /only from 2001:2::\/48/);
});

test('readFirewall records a missing nft and still judges from iptables-save', async () => {
  const { run } = fakeRunner({ 'iptables-save': ok(fixture('ipt-docker.iptables-save.txt')), 'ip6tables-save': ok('') });
  const fw = await readFirewall({ run });
  assert.deepEqual(fw.errors, ['nft: not installed']);
  assert.equal(fw.nft, undefined);
  assert.equal(judgeExposure(fw, { ...Q, port: 6379 }).exposure, 'blocked');
  assert.equal(judgeExposure(fw, { ...Q, port: 8080 }).dockerPublished, true);
});

test('readFirewall without root leads to unknown "cannot read the firewall ruleset without root"', async () => {
  const { run } = fakeRunner({ 'nft -j list ruleset': refused('nft'), 'iptables-save': refused('iptables-save'), 'ip6tables-save': refused('ip6tables-save') });
  const fw = await readFirewall({ run });
  assert.equal(fw.denied, true);
  assert.equal(fw.errors.length, 3);
  const got = judgeExposure(fw, { ...Q, port: 22 });
  assert.deepEqual([got.exposure, got.reason.en], ['unknown', 'cannot read the firewall ruleset without root']);
});

test('readFirewall treats an empty dump with a refusal on stderr as refused, not as no rules', async () => {
  const { run } = fakeRunner({
    'nft -j list ruleset': missing('nft'),
    'iptables-save': ok('', 'iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n'),
    'ip6tables-save': missing('ip6tables-save'),
  });
  const fw = await readFirewall({ run });
  assert.equal(fw.denied, true);
  assert.equal(judgeExposure(fw, { ...Q, port: 22 }).exposure, 'unknown');
});

test('readFirewall records unparsable nft output and rejects with PC_ABORTED once aborted', async () => {
  const { run } = fakeRunner({ 'nft -j list ruleset': ok('not json'), 'iptables-save': ok(''), 'ip6tables-save': ok('') });
  const fw = await readFirewall({ run });
  assert.deepEqual(fw.errors, ['nft: nft -j list ruleset did not print JSON']);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(readFirewall({ run, signal: ac.signal }), (err) => isPortcullisError(err, 'PC_ABORTED'));
});
