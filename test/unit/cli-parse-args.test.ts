import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../src/cli/parse-args.js';
import { renderHelp } from '../../src/cli/help.js';
import { FLAGS } from '../../src/cli/flags.js';
import { parseDuration } from '../../src/cli/duration.js';
import { isPortcullisError } from '../../src/core/errors.js';

const env = {};
const ok: { argv: string[]; want: Record<string, unknown>; targets?: string[] }[] = [
  { argv: ['scan', '-p22', '127.0.0.1'], want: { ports: '22' }, targets: ['127.0.0.1'] },
  { argv: ['scan', '-p', '22,80', '::1'], want: { ports: '22,80' }, targets: ['::1'] },
  { argv: ['scan', '-p-', '127.0.0.1'], want: { ports: '-' } },
  { argv: ['scan', '-p-1024', '127.0.0.1'], want: { ports: '-1024' } },
  { argv: ['scan', '-p', '-1024', '127.0.0.1'], want: { ports: '-1024' } },
  { argv: ['scan', '-T4', '127.0.0.1'], want: { timing: 4 } },
  { argv: ['scan', '-T', 'aggressive', '127.0.0.1'], want: { timing: 4 } },
  { argv: ['scan', '-sT', '-Pn', '-n', '-r', '127.0.0.1'], want: { connectScan: true, noPing: true, noResolve: true, sequential: true } },
  { argv: ['scan', '-vv', '-v', '127.0.0.1'], want: { verbose: 3 } },
  { argv: ['scan', '--max-retries', '2', '--max-rate=1000.5', '127.0.0.1'], want: { maxRetries: 2, maxRate: 1000.5 } },
  { argv: ['scan', '--host-timeout', '30s', '--scan-delay=250ms', '127.0.0.1'], want: { hostTimeout: 30_000, scanDelay: 250 } },
  { argv: ['scan', '-F', '127.0.0.1'], want: { topPorts: 100 } },
  { argv: ['scan', '--exclude', '198.18.0.1,198.18.0.2', '--exclude', '198.18.0.9', '198.18.0.0/24'], want: { exclude: ['198.18.0.1', '198.18.0.2', '198.18.0.9'] } },
  { argv: ['scan', '-oX', 'a.xml', '-oJ', '-', '127.0.0.1'], want: { outputs: [{ format: 'xml', dest: 'a.xml' }, { format: 'ndjson', dest: '-' }] } },
  { argv: ['scan', '-oA', 'base', '127.0.0.1'], want: { outputs: [{ format: 'normal', dest: 'base.nmap' }, { format: 'xml', dest: 'base.xml' }, { format: 'ndjson', dest: 'base.ndjson' }, { format: 'csv', dest: 'base.csv' }] } },
  { argv: ['scan', '--', '-weird'], want: {}, targets: ['-weird'] },
  { argv: ['scan', '--no-progress', '127.0.0.1'], want: { progress: false } },
];
for (const c of ok) {
  test(`cli parses ${c.argv.join(' ')}`, () => {
    const r = parseArgs(c.argv, env);
    assert.equal(r.kind, 'scan');
    if (r.kind !== 'scan') return;
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual((r.options as Record<string, unknown>)[k], v, k);
    if (c.targets) assert.deepEqual(r.targets, c.targets);
  });
}

const bad: { argv: string[]; want: RegExp }[] = [
  { argv: ['scan', '--max-retriez', '2'], want: /^unknown option --max-retriez \(did you mean --max-retries\?\)$/ },
  { argv: ['scan', '-p'], want: /option -p: needs a value/ },
  { argv: ['scan', '--max-retries', 'x'], want: /--max-retries: "x" is not a whole number/ },
  { argv: ['scan', '-T7'], want: /-T: "7" is not a timing template/ },
  { argv: ['scan', '--min-rate', '10', '--max-rate', '5'], want: /--min-rate: 10 is above --max-rate 5/ },
  { argv: ['scan', '--host-timeout', 'soon'], want: /"soon" is not a duration/ },
  { argv: ['scan', '--reason=yes'], want: /--reason: takes no value/ },
  { argv: ['frobnicate'], want: /unknown command "frobnicate"/ },
  { argv: ['scan', '--lang', 'fr'], want: /"fr" is not one of en, es/ },
  { argv: ['scan', '-p', '22', '--top-ports', '10'], want: /cannot be combined with -p/ },
];
for (const c of bad) {
  test(`cli rejects ${c.argv.join(' ')}`, () => {
    assert.throws(
      () => parseArgs(c.argv, env),
      (e: unknown) => isPortcullisError(e, 'PC_INVALID_OPTION') && c.want.test(e.message),
    );
  });
}

test('cli language comes from --lang, else the locale', () => {
  assert.equal((parseArgs(['scan', '127.0.0.1'], { LANG: 'es_MX.UTF-8' }) as { lang: string }).lang, 'es');
  assert.equal((parseArgs(['scan', '127.0.0.1'], { LANG: 'C.UTF-8' }) as { lang: string }).lang, 'en');
  assert.equal((parseArgs(['scan', '--lang', 'en', '127.0.0.1'], { LANG: 'es_ES' }) as { lang: string }).lang, 'en');
  assert.deepEqual(parseArgs([], {}), { kind: 'help', lang: 'en' });
  assert.deepEqual(parseArgs(['--version'], {}), { kind: 'version' });
});

test('cli help of each command lists its flags, and only those, in both languages', () => {
  for (const lang of ['en', 'es'] as const) {
    for (const command of ['scan', 'audit', 'firewall'] as const) {
      const h = renderHelp(lang, command);
      for (const f of FLAGS) {
        const mine = (f.commands ?? ['scan']).includes(command);
        assert.equal(h.includes(f.help[lang]), mine, `${lang} ${command} help and ${f.names[0]}`);
        if (mine) for (const n of f.names) assert.ok(h.includes(n), `${lang} ${command} help lacks ${n}`);
      }
    }
  }
});

test('cli parses audit and firewall commands', () => {
  const a = parseArgs(['audit', '--policy', 'p.yaml', '--baseline', 'b.json', '--hidden-ports', '-oJ', '-', '--lang', 'es'], env);
  assert.deepEqual(a, { kind: 'audit', options: { policy: 'p.yaml', baseline: 'b.json', hiddenPorts: true, outputs: [{ format: 'ndjson', dest: '-' }] }, lang: 'es', color: undefined });
  const f = parseArgs(['firewall', 'apply', '--policy', 'p.yaml', '--backend', 'iptables', '--timeout', '1m', '--no-ssh-guard'], env);
  assert.deepEqual(f, { kind: 'firewall', action: 'apply', targets: [], options: { policy: 'p.yaml', backend: 'iptables', timeout: 60_000, noSshGuard: true }, lang: 'en', color: undefined });
  const v = parseArgs(['firewall', 'verify', '--from-audit', '-p', '22,80', '198.18.0.1'], env);
  assert.deepEqual(v, { kind: 'firewall', action: 'verify', targets: ['198.18.0.1'], options: { fromAudit: true, ports: '22,80' }, lang: 'en', color: undefined });
  assert.deepEqual(parseArgs(['firewall', 'confirm'], env), { kind: 'firewall', action: 'confirm', targets: [], options: {}, lang: 'en', color: undefined });
  assert.deepEqual(parseArgs(['audit', '--help'], env), { kind: 'help', command: 'audit', lang: 'en' });
});

const badCommands: { argv: string[]; want: RegExp }[] = [
  { argv: ['audit', '-p', '22'], want: /-p: does not apply to "portcullis audit"/ },
  { argv: ['audit', '--backend', 'pf'], want: /--backend: does not apply to "portcullis audit"/ },
  { argv: ['scan', '--policy', 'p.yaml', '127.0.0.1'], want: /--policy: does not apply to "portcullis scan"/ },
  { argv: ['audit', '198.18.0.1'], want: /takes no targets/ },
  { argv: ['firewall'], want: /needs one of: plan, apply, confirm, rollback, status, verify/ },
  { argv: ['firewall', 'open-sesame'], want: /not "open-sesame"/ },
  { argv: ['firewall', 'plan'], want: /needs --policy FILE or --from-audit/ },
  { argv: ['firewall', 'plan', '--policy', 'a', '--from-audit'], want: /not both/ },
  { argv: ['firewall', 'verify', '--policy', 'a'], want: /name the addresses to check/ },
  { argv: ['firewall', 'apply', '--policy', 'a', '198.18.0.1'], want: /takes no targets/ },
  { argv: ['firewall', 'plan', '--policy', 'a', '--backend', 'ipchains'], want: /"ipchains" is not one of nftables, iptables, ufw, firewalld, pf, windows/ },
];
for (const c of badCommands) {
  test(`cli rejects ${c.argv.join(' ')}`, () => {
    assert.throws(
      () => parseArgs(c.argv, env),
      (e: unknown) => isPortcullisError(e, 'PC_INVALID_OPTION') && c.want.test(e.message),
    );
  });
}

test('cli durations follow nmap', () => {
  assert.deepEqual(['500ms', '2s', '1.5m', '1h', '3'].map((d) => parseDuration(d)), [500, 2000, 90_000, 3_600_000, 3000]);
});
