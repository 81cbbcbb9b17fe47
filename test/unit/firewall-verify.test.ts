import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgePort, policyFromListeners, policyVerdict, verifyPorts } from '../../src/firewall/verify.js';
import { buildRuleModel, sshSession } from '../../src/firewall/model.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';
import { t } from '../../src/core/errors.js';
import type { Listener } from '../../src/audit/types.js';

const POLICY = parsePolicy(
  `version: 1
allow:
  - { port: 22, proto: tcp }
  - { port: 443, proto: tcp, from: [198.18.0.0/15, "2001:2::/48"] }
  - { port: 5432, proto: tcp, bind: loopback }
  - { port: 8000-8010, proto: udp }
deny:
  - { port: 23, proto: tcp }
`,
  'policy.yaml',
);

test('policyVerdict: deny wins, allow needs a matching source, loopback entries open nothing, else default deny', () => {
  const cases: [proto: 'tcp' | 'udp', port: number, source: string | undefined, guard: number | undefined, want: string][] = [
    ['tcp', 22, '203.0.113.9', undefined, 'allow:3'],
    ['tcp', 23, '198.18.0.5', undefined, 'deny:8'],
    ['tcp', 443, '198.18.3.4', undefined, 'allow:4'],
    ['tcp', 443, '192.0.2.1', undefined, 'default'],
    ['tcp', 443, '2001:2:0:9::1', undefined, 'allow:4'],
    ['tcp', 443, '2001:db8::1', undefined, 'default'],
    ['tcp', 443, undefined, undefined, 'default'],
    ['tcp', 5432, '198.18.0.5', undefined, 'default'],
    ['udp', 8005, '198.18.0.5', undefined, 'allow:6'],
    ['tcp', 8005, '198.18.0.5', undefined, 'default'],
    ['tcp', 2222, '198.18.0.5', 2222, 'allow'],
    ['tcp', 80, '198.18.0.5', 22, 'default'],
  ];
  for (const [proto, port, source, guard, want] of cases) {
    const v = policyVerdict(POLICY, proto, port, source, guard);
    assert.equal(v.line === undefined ? v.action : `${v.action}:${v.line}`, want, `${port}/${proto} from ${source ?? '?'}`);
  }
});

test('judgePort: allowed ports must answer, the rest must be filtered', () => {
  const allow = { action: 'allow' as const, line: 3 };
  const deny = { action: 'default' as const };
  const cases: [proto: 'tcp' | 'udp', v: typeof allow | typeof deny, state: Parameters<typeof judgePort>[3], ok: boolean][] = [
    ['tcp', allow, 'open', true],
    ['tcp', allow, 'closed', true],
    ['tcp', allow, 'filtered', false],
    ['tcp', deny, 'filtered', true],
    ['tcp', deny, 'open', false],
    ['tcp', deny, 'closed', false],
    ['udp', allow, 'open|filtered', true],
    ['udp', deny, 'open|filtered', true],
    ['udp', deny, 'closed', false],
  ];
  for (const [proto, v, state, ok] of cases) {
    const r = judgePort(proto, 1000, v, state);
    assert.equal(r.ok, ok, `${proto} ${v.action} ${state}`);
    assert.match(r.why.en, new RegExp(state.replace('|', '\\|')));
  }
});

test('verifyPorts takes the policy ports (ranges capped) plus the top 100 TCP ports', () => {
  const p = verifyPorts(POLICY);
  for (const port of [22, 23, 443, 5432]) assert.ok(p.tcp.includes(port), String(port));
  assert.deepEqual(p.udp, [8000, 8001, 8002, 8003, 8004, 8005, 8006, 8007, 8008, 8009, 8010]);
  assert.ok(p.tcp.length >= 100 && p.tcp.length <= 104);
  const wide = parsePolicy('version: 1\nallow:\n  - { port: 1000-60000, proto: tcp }\n', 'w.yaml');
  assert.equal(verifyPorts(wide, { tcp: [], udp: [] }).tcp.length, 64);
});

function listener(port: number, address: string, findings: Listener['findings'] = [], name = 'svc'): Listener {
  return { kind: 'tcp', family: 4, address, port, scope: address === '127.0.0.1' ? 'loopback' : 'all', inode: port, uid: 0, netns: { inode: 1, own: true }, processes: [{ pid: port, name, cmdline: [] }], exposure: 'reachable', exposureReason: t('', ''), findings };
}

test('policyFromListeners allows reachable, sound listeners and skips local-only and suspicious ones', () => {
  const { policy, skipped } = policyFromListeners([
    listener(22, '0.0.0.0', [], 'sshd'),
    listener(22, '0.0.0.0', [], 'sshd'),
    listener(5432, '127.0.0.1', [], 'postgres'),
    listener(6379, '0.0.0.0', [{ id: 'local-service-on-all-interfaces', severity: 'medium', reason: t('r', 'r') }], 'redis-server'),
    listener(4444, '0.0.0.0', [{ id: 'shell-listening', severity: 'critical', reason: t('bind shell', 'bind shell') }], 'bash'),
  ]);
  assert.deepEqual(policy.allow.map((a) => `${a.port.first}/${a.proto}`), ['22/tcp']);
  assert.deepEqual(skipped.map((s) => s.listener.port), [6379, 4444]);
  assert.match(skipped[1]!.why.en, /shell-listening/);
});

test('buildRuleModel: guard first, denies before allows, loopback entries and unallowed listeners become notes', () => {
  const m = buildRuleModel(POLICY, { sshConnection: '198.18.0.9 51000 198.18.0.1 2222', listeners: [listener(6379, '0.0.0.0', [], 'redis-server'), listener(8080, '0.0.0.0', [], 'java')] });
  assert.deepEqual(
    m.rules.map((r) => `${r.origin.kind}:${r.action}:${r.ports.first}-${r.ports.last}/${r.proto}${r.from === undefined ? '' : ` from ${r.from.map((c) => `${c.address}/${c.prefix}`).join(',')}`}`),
    ['ssh-guard:accept:2222-2222/tcp', 'deny:drop:23-23/tcp', 'allow:accept:22-22/tcp', 'allow:accept:443-443/tcp from 198.18.0.0/15,2001:2::/48', 'allow:accept:8000-8010/udp'],
  );
  assert.deepEqual(m.notes.map((n) => `${n.kind}:${n.port ?? ''}`), ['ssh-guard:2222', 'loopback-entry:5432', 'bind-loopback:6379', 'disable-service:8080']);
  assert.ok(m.icmp.some((i) => i.family === 6 && i.name === 'nd-neighbor-solicit'));
  const noGuard = buildRuleModel(POLICY, { sshConnection: '198.18.0.9 51000 198.18.0.1 2222', noGuard: true });
  assert.equal(noGuard.rules[0]!.origin.kind, 'deny');
  assert.equal(noGuard.notes[0]!.kind, 'no-guard');
});

test('sshSession reads SSH_CONNECTION', () => {
  assert.deepEqual(sshSession('198.18.0.9 51000 198.18.0.1 22'), { client: '198.18.0.9', port: 22 });
  assert.deepEqual(sshSession('fe80::1%eth0 51000 fe80::2%eth0 2222'), { client: 'fe80::1', port: 2222 });
  assert.equal(sshSession(undefined), undefined);
  assert.equal(sshSession('garbage'), undefined);
  assert.equal(sshSession('a b c 70000'), undefined);
});
