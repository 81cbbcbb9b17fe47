/**
 * The six firewall renderers: golden files per backend and policy, and table tests of the
 * properties every backend must keep (ICMPv6 neighbour discovery open, IPv4-only sources never
 * opening IPv6, denies before allows, hostile text staying inside its quotes).
 *
 * Golden files: test/fixtures/firewall/golden/<backend>/<case>.txt, from the policies in
 * test/fixtures/firewall/golden/policies/. Regenerate with UPDATE_GOLDEN=1 and review the diff.
 *
 * Backend docs the expectations follow:
 * - nftables: https://wiki.nftables.org/wiki-nftables/index.php/Atomic_rule_replacement
 * - iptables: iptables-restore(8), https://www.unix.com/man-page/posix/8/iptables-restore/
 * - ufw: ufw(8), https://manpages.ubuntu.com/manpages/noble/man8/ufw.8.html
 * - firewalld: firewall-cmd(1), https://manpages.ubuntu.com/manpages/noble/man1/firewall-cmd.1.html;
 *   firewalld.richlanguage(5), https://man.archlinux.org/man/firewalld.richlanguage.5.en.txt;
 *   https://docs.redhat.com/en/documentation/red_hat_enterprise_linux/10/secure-prioritizing_rich_rules
 * - pf: pf.conf(5), https://man.openbsd.org/pf.conf.5
 * - windows: https://learn.microsoft.com/powershell/module/netsecurity/new-netfirewallrule
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isPortcullisError } from '../../src/core/errors.js';
import { buildRuleModel, type RuleModel } from '../../src/firewall/model.js';
import { shQuote } from '../../src/firewall/render/common.js';
import { BACKENDS, render, type Backend } from '../../src/firewall/render/index.js';
import { psQuote } from '../../src/firewall/render/windows.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';

const GOLDEN = new URL('../fixtures/firewall/golden/', import.meta.url);

/** The golden cases: policy file and the SSH session the plan runs in. */
const CASES: Readonly<Record<string, { readonly ssh?: string }>> = {
  minimal: {},
  full: { ssh: '198.18.0.9 51000 198.18.0.1 22' },
  'ipv4-only': {},
};

function model(name: string, file = 'policy.yaml'): RuleModel {
  const text = readFileSync(new URL(`policies/${name}.yaml`, GOLDEN), 'utf8');
  return buildRuleModel(parsePolicy(text, file), { sshConnection: CASES[name]?.ssh });
}

for (const backend of BACKENDS) {
  for (const name of Object.keys(CASES)) {
    test(`render ${backend} ${name} policy matches its golden file`, () => {
      const got = render(model(name), backend).text;
      const file = new URL(`${backend}/${name}.txt`, GOLDEN);
      if (process.env.UPDATE_GOLDEN === '1') {
        mkdirSync(new URL(`${backend}/`, GOLDEN), { recursive: true });
        writeFileSync(file, got);
        return;
      }
      assert.equal(got, readFileSync(file, 'utf8'), `differs from ${file.pathname}; rerun with UPDATE_GOLDEN=1 if the change is intended`);
    });
  }
}

test('BACKENDS lists the six backends and render keeps the backend name', () => {
  assert.deepEqual([...BACKENDS], ['nftables', 'iptables', 'ufw', 'firewalld', 'pf', 'windows']);
  for (const b of BACKENDS) assert.equal(render(model('minimal'), b).backend, b);
});

/** How each backend writes ICMPv6 types 133-136 (ufw: its before6.rules, named in the header). */
const ND: Record<Backend, readonly RegExp[]> = {
  nftables: [/icmpv6 type \{[^}]*nd-router-solicit[^}]*nd-router-advert[^}]*nd-neighbor-solicit[^}]*nd-neighbor-advert[^}]*\} accept/],
  iptables: [133, 134, 135, 136].map((n) => new RegExp(`-p ipv6-icmp -m icmp6 --icmpv6-type ${n} .*-j ACCEPT`)),
  ufw: [/before6\.rules/, /neighbour discovery/],
  firewalld: ['router-solicitation', 'router-advertisement', 'neighbour-solicitation', 'neighbour-advertisement'].map((n) => new RegExp(`family="ipv6" icmp-type name="${n}" accept`)),
  pf: [/pass in inet6 proto icmp6 icmp6-type \{[^}]*routersol[^}]*routeradv[^}]*neighbrsol[^}]*neighbradv[^}]*\}/],
  windows: [/-Protocol ICMPv6 -IcmpType [\d,]*\b133,134,135,136\b[\d,]* -Action Allow/],
};

for (const backend of BACKENDS) {
  test(`render ${backend} keeps every ICMPv6 neighbour discovery type open`, () => {
    const text = render(model('minimal'), backend).text;
    for (const re of ND[backend]) assert.match(text, re);
  });

  test(`render ${backend} never opens an IPv4-only source rule on IPv6`, () => {
    const r = render(model('ipv4-only'), backend);
    const lines = r.text.split('\n').filter((l) => !l.startsWith('#') && /\b443\b/.test(l));
    assert.ok(lines.length > 0, 'the 443 rule is rendered');
    for (const l of lines) {
      assert.match(l, /198\.18\.0\.0\/15|192\.0\.2\.7\/32/, `443 is opened only for its sources: ${l}`);
      assert.doesNotMatch(l, /ip6 |inet6|ipv6|2001:/, `443 is not opened on IPv6: ${l}`);
    }
    if (backend === 'iptables') assert.doesNotMatch(r.files.find((f) => f.name === 'v6')?.content ?? '', /443|198\.18/);
  });

  test(`render ${backend} puts the SSH guard first and denies before allows`, () => {
    const r = render(model('full'), backend);
    const texts = backend === 'iptables' ? r.files.map((f) => f.content) : [r.text];
    for (const text of texts) {
      const guard = text.indexOf('lock-out guard');
      const deny = text.indexOf('deny 23/tcp');
      const allow = text.indexOf('allow 80/tcp');
      assert.ok(guard >= 0 && deny >= 0 && allow >= 0, 'guard, deny and allow are all rendered');
      assert.ok(guard < deny && deny < allow, `guard ${guard} < deny ${deny} < allow ${allow}`);
    }
  });

  test(`render ${backend} leaves out the loopback-bound entry`, () => {
    assert.doesNotMatch(render(model('full'), backend).text, /5432/);
  });

  test(`render ${backend} refuses an interface name that could break out of its quotes`, () => {
    const m = model('minimal');
    const bad: RuleModel = { ...m, rules: [{ ...m.rules[0]!, iface: 'a"b;x' }] };
    assert.throws(() => render(bad, backend), (e: unknown) => isPortcullisError(e, 'PC_POLICY'));
  });

  test(`render ${backend} keeps a hostile policy file name inside comments`, () => {
    const r = render(model('full', 'a"b;rm -rf $(id)`x`\'y\n.yaml'), backend);
    const lines = r.text.split('\n');
    for (const l of lines) {
      // No header line was split by a newline in the name, and no quote of the name escaped.
      if (l.includes('rm -rf')) assert.doesNotMatch(l, /["'`$\\]b;|\$\(|`x`|'y/, l);
    }
    if (backend === 'nftables' || backend === 'pf' || backend === 'iptables') {
      for (const l of lines.filter((x) => /comment "|label "/.test(x))) assert.match(l, /(comment|label) "[^"]*"( -j \w+)?$/, l);
    }
    for (const argv of r.commands) for (const a of argv) assert.doesNotMatch(a, /\n/);
  });
}

test('shQuote survives a real shell with quotes, $, backticks and ;', { skip: process.platform === 'win32' ? 'needs a POSIX sh' : false }, () => {
  for (const s of ['plain', "it's", 'a"b;rm -rf /', '$(id) `id` $HOME \\', "''", '-n']) {
    assert.equal(execFileSync('sh', ['-c', `printf '%s' ${shQuote(s)}`], { encoding: 'utf8' }), s);
  }
});

test('psQuote doubles single quotes, typographic ones included', () => {
  assert.equal(psQuote("a'b"), "'a''b'");
  assert.equal(psQuote('x\u2019; Remove-Item C:\\ #'), "'x\u2019\u2019; Remove-Item C:\\ #'");
  assert.equal(psQuote('$env:PATH'), "'$env:PATH'");
});

test('render windows commands decode to the PowerShell lines of its text', () => {
  const r = render(model('full'), 'windows');
  const lines = r.text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  assert.deepEqual(
    r.commands.map((c) => Buffer.from(c.at(-1) ?? '', 'base64').toString('utf16le')),
    lines,
  );
});

test('render windows cuts the SSH guard port out of a deny that covers it', () => {
  const m = model('full');
  const wide: RuleModel = { ...m, rules: m.rules.map((r) => (r.origin.kind === 'deny' ? { ...r, ports: { first: 20, last: 25 } } : r)) };
  const text = render(wide, 'windows').text;
  assert.match(text, /-LocalPort '20-21','23-25' .*-Action Block/);
});

test('render ufw, firewalld and iptables commands are the lines their text shows', () => {
  for (const b of ['ufw', 'firewalld'] as const) {
    const r = render(model('full'), b);
    const lines = r.text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    assert.equal(lines.length, r.commands.length, b);
  }
  const ipt = render(model('full'), 'iptables');
  assert.deepEqual(ipt.files.map((f) => f.name), ['v4', 'v6']);
  assert.ok(ipt.files.every((f) => f.content.includes(':PORTCULLIS-INPUT - [0:0]') && f.content.trimEnd().endsWith('-A PORTCULLIS-INPUT -j DROP\nCOMMIT')));
});
