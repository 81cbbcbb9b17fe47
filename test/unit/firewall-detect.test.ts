/**
 * Firewall manager detection: the pure parsers over recorded and documented tool outputs
 * (test/fixtures/firewall/detect/, README.md there says which is which) and decideBackend over
 * combinations of them, conflicts included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  decideBackend,
  handWrittenNftTables,
  parseFirewalldState,
  parseIptablesActive,
  parseIptablesVersion,
  parseNetshState,
  parsePfInfo,
  parseUfwStatus,
  splitNftTables,
  type Backend,
  type DetectInputs,
} from '../../src/firewall/detect.js';

const DIR = new URL('../fixtures/firewall/detect/', import.meta.url);

function fx(name: string): string {
  return readFileSync(new URL(name, DIR), 'utf8');
}

test('parsers read each tool output', () => {
  const cases: { name: string; parse: (s: string) => unknown; file: string; want: unknown }[] = [
    { name: 'ufw active', parse: parseUfwStatus, file: 'ufw-active.txt', want: true },
    { name: 'ufw inactive (recorded)', parse: parseUfwStatus, file: 'ufw-inactive.txt', want: false },
    { name: 'firewalld running', parse: parseFirewalldState, file: 'firewalld-running.txt', want: true },
    { name: 'firewalld not running', parse: parseFirewalldState, file: 'firewalld-not-running.txt', want: false },
    { name: 'iptables -V nf_tables (recorded)', parse: parseIptablesVersion, file: 'iptables-V-nf_tables.txt', want: 'nf_tables' },
    { name: 'iptables -V legacy (recorded)', parse: parseIptablesVersion, file: 'iptables-V-legacy.txt', want: 'legacy' },
    { name: 'iptables-save empty', parse: parseIptablesActive, file: 'iptables-save-empty.txt', want: false },
    { name: 'iptables-save empty default chains', parse: parseIptablesActive, file: 'iptables-save-empty-chains.txt', want: false },
    { name: 'iptables-save with rules', parse: parseIptablesActive, file: 'iptables-save-rules.txt', want: true },
    { name: 'pf enabled', parse: parsePfInfo, file: 'pfctl-info-enabled.txt', want: true },
    { name: 'pf disabled', parse: parsePfInfo, file: 'pfctl-info-disabled.txt', want: false },
    { name: 'netsh a profile ON (CRLF)', parse: parseNetshState, file: 'netsh-on.txt', want: true },
    { name: 'netsh all OFF', parse: parseNetshState, file: 'netsh-off.txt', want: false },
  ];
  for (const c of cases) assert.deepEqual(c.parse(fx(c.file)), c.want, c.name);
  assert.equal(parseIptablesVersion('iptables v1.6.1'), 'legacy');
  assert.equal(parseIptablesVersion('bash: iptables: command not found'), undefined);
  assert.equal(parseIptablesActive('*filter\n:INPUT DROP [0:0]\nCOMMIT\n'), true, 'a DROP policy is a rule');
});

test('nft tables are split and iptables-nft and firewalld tables are not hand-written', () => {
  const cases: { file: string; tables: string[]; hand: string[] }[] = [
    { file: 'nft-empty.txt', tables: [], hand: [] },
    { file: 'nft-iptables-nft.txt', tables: ['ip filter'], hand: [] },
    { file: 'nft-mixed.txt', tables: ['ip filter', 'ip nat', 'inet mine'], hand: ['inet mine'] },
    { file: 'nft-firewalld.txt', tables: ['inet firewalld'], hand: [] },
    { file: 'nft-firewalld-and-mine.txt', tables: ['inet firewalld', 'inet mine'], hand: ['inet mine'] },
    { file: 'nft-iptables-nft-warning.txt', tables: ['ip filter'], hand: [] },
  ];
  for (const c of cases) {
    const text = fx(c.file);
    assert.deepEqual(splitNftTables(text).map((tb) => `${tb.family} ${tb.name}`), c.tables, c.file);
    assert.deepEqual(handWrittenNftTables(text).map((tb) => `${tb.family} ${tb.name}`), c.hand, c.file);
  }
  // A hand-written table that merely shares iptables' name, without its upper-case chains.
  assert.deepEqual(handWrittenNftTables('table ip filter {\n\tchain input {\n\t}\n}\n').map((tb) => tb.name), ['filter']);
  const mine = splitNftTables(fx('nft-mixed.txt')).find((tb) => tb.name === 'mine');
  assert.ok(mine?.text.startsWith('table inet mine {') === true && mine.text.endsWith('}'));
});

test('decideBackend picks the manager in charge and reports conflicts', () => {
  const linux = (x: Omit<DetectInputs, 'platform'>): DetectInputs => ({ platform: 'linux', ufw: fx('ufw-inactive.txt'), nft: '', iptablesSave: '', ip6tablesSave: '', iptablesVersion: fx('iptables-V-nf_tables.txt'), ...x });
  const cases: { name: string; inp: DetectInputs; backend: Backend; active: Backend[]; conflict: RegExp | undefined }[] = [
    { name: 'nothing active, nft installed', inp: linux({}), backend: 'nftables', active: [], conflict: undefined },
    { name: 'nothing active, no nft', inp: linux({ nft: undefined }), backend: 'iptables', active: [], conflict: undefined },
    { name: 'missing tools are not active', inp: { platform: 'linux' }, backend: 'iptables', active: [], conflict: undefined },
    { name: 'ufw active with its own rules', inp: linux({ ufw: fx('ufw-active.txt'), iptablesSave: fx('iptables-save-ufw.txt'), nft: fx('nft-iptables-nft-warning.txt') }), backend: 'ufw', active: ['ufw'], conflict: undefined },
    { name: 'ufw and firewalld', inp: linux({ ufw: fx('ufw-active.txt'), firewalld: fx('firewalld-running.txt') }), backend: 'firewalld', active: ['ufw', 'firewalld'], conflict: /ufw and firewalld/ },
    { name: 'firewalld alone', inp: linux({ firewalld: fx('firewalld-running.txt'), nft: fx('nft-firewalld.txt') }), backend: 'firewalld', active: ['firewalld'], conflict: undefined },
    { name: 'firewalld not running', inp: linux({ firewalld: fx('firewalld-not-running.txt') }), backend: 'nftables', active: [], conflict: undefined },
    { name: 'firewalld and hand-written nft', inp: linux({ firewalld: fx('firewalld-running.txt'), nft: fx('nft-firewalld-and-mine.txt') }), backend: 'firewalld', active: ['firewalld', 'nftables'], conflict: /firewalld.*inet mine/ },
    { name: 'iptables-nft rules only (recorded)', inp: linux({ nft: fx('nft-iptables-nft.txt'), iptablesSave: fx('iptables-save-rules.txt') }), backend: 'iptables', active: ['iptables'], conflict: undefined },
    { name: 'nft and iptables rules (recorded)', inp: linux({ nft: fx('nft-mixed.txt'), iptablesSave: fx('iptables-save-mixed.txt') }), backend: 'nftables', active: ['nftables', 'iptables'], conflict: /inet mine.*iptables/ },
    { name: 'ufw and hand-written nft', inp: linux({ ufw: fx('ufw-active.txt'), nft: fx('nft-firewalld-and-mine.txt').replace(/table inet firewalld[\s\S]*?\n}\n/, '') }), backend: 'ufw', active: ['ufw', 'nftables'], conflict: /ufw.*inet mine/ },
    { name: 'ufw and foreign iptables rules', inp: linux({ ufw: fx('ufw-active.txt'), iptablesSave: fx('iptables-save-rules.txt') }), backend: 'ufw', active: ['ufw', 'iptables'], conflict: /outside its own chains/ },
    { name: 'macOS pf enabled', inp: { platform: 'darwin', pf: fx('pfctl-info-enabled.txt') }, backend: 'pf', active: ['pf'], conflict: undefined },
    { name: 'macOS pf disabled', inp: { platform: 'darwin', pf: fx('pfctl-info-disabled.txt') }, backend: 'pf', active: [], conflict: undefined },
    { name: 'Windows firewall on', inp: { platform: 'win32', netsh: fx('netsh-on.txt') }, backend: 'windows', active: ['windows'], conflict: undefined },
  ];
  for (const c of cases) {
    const d = decideBackend(c.inp);
    assert.equal(d.backend, c.backend, c.name);
    assert.deepEqual(d.active, c.active, c.name);
    if (c.conflict === undefined) assert.equal(d.conflict, undefined, c.name);
    else assert.match(d.conflict?.en ?? '', c.conflict, c.name);
    assert.ok(d.reason.en !== '' && d.reason.es !== '', c.name);
  }
  assert.equal(decideBackend(linux({ iptablesVersion: fx('iptables-V-legacy.txt') })).iptablesVariant, 'legacy');
});
