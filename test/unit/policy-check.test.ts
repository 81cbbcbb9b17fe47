import { test } from 'node:test';
import assert from 'node:assert/strict';
import { t } from '../../src/core/errors.js';
import type { BindScope, Listener, ProcessInfo, SocketKind } from '../../src/audit/types.js';
import { checkPolicy, type PolicyDeviation } from '../../src/policy/check-policy.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';

/** A listener with sensible defaults: tcp, IPv4, owner read, in the audit's own namespace. */
function listener(o: { kind?: SocketKind; address?: string; port: number; scope?: BindScope; uid?: number; processes?: Partial<ProcessInfo>[] }): Listener {
  const address = o.address ?? '0.0.0.0';
  const family = o.kind === 'packet' ? undefined : address.includes(':') ? 6 : 4;
  const scope = o.scope ?? (address === '0.0.0.0' || address === '::' ? 'all' : address.startsWith('127.') || address === '::1' ? 'loopback' : 'interface');
  return {
    kind: o.kind ?? 'tcp',
    family,
    address,
    port: o.port,
    scope,
    inode: 1000 + o.port,
    uid: o.uid ?? 0,
    netns: { inode: 4026531840, own: true },
    processes: (o.processes ?? [{}]).map((p, i) => ({ pid: 100 + i, name: 'daemon', cmdline: [], exe: '/usr/sbin/daemon', uid: 0, user: 'root', ...p })),
    exposure: 'unknown',
    exposureReason: t('', ''),
    findings: [],
  };
}

/** The parts of a deviation a case compares: kind, entry position, expected and actual. */
function summary(d: PolicyDeviation): string {
  const at = d.entry === undefined ? '' : ` ${d.entry.list}[${d.entry.index}]@${d.entry.line}`;
  const port = d.kind === 'missing-listener' ? ` ${d.expected}` : ` ${d.listener.kind}/${d.listener.port}`;
  const ea = d.kind !== 'missing-listener' && d.expected !== undefined ? ` want ${d.expected} have ${d.actual}` : '';
  return `${d.kind}${port}${at}${ea}`;
}

const POLICY = `version: 1
allow:
  - { port: 22 }
  - { port: 5432, bind: loopback, exe: /usr/lib/postgresql/*/bin/postgres, user: postgres }
  - { port: 8000-8010, proto: tcp, user: www-data, interface: eth0 }
  - { port: 443, from: [198.18.0.0/15], interface: eth0 }
  - { port: 53, proto: udp, bind: 127.0.0.53, exe: /usr/lib/systemd/systemd-resolved }
  - { port: 53, proto: udp, bind: interface, exe: /usr/sbin/dnsmasq }
  - { port: 9100, user: 65534 }
  - { port: 6379, bind: "::1" }
deny:
  - { port: 23 }
  - { port: 2049, proto: udp, from: [10.0.0.0/8] }
`;
const policy = parsePolicy(POLICY, 'policy.yaml');

const cases: { name: string; listeners: Listener[]; want: string[] }[] = [
  { name: 'passes a listener its entry allows', listeners: [listener({ port: 22 })], want: [] },
  { name: 'passes a port inside an allowed range', listeners: [listener({ port: 8005, processes: [{ user: 'www-data', uid: 33 }] })], want: [] },
  { name: 'reports a listener no entry covers', listeners: [listener({ port: 8080 })], want: ['unexpected-listener tcp/8080'] },
  { name: 'reports a loopback listener no entry covers', listeners: [listener({ address: '127.0.0.1', port: 631 })], want: ['unexpected-listener tcp/631'] },
  { name: 'reports a udp listener on a port allowed for tcp only', listeners: [listener({ kind: 'udp', port: 22 })], want: ['unexpected-listener udp/22'] },
  { name: 'reports a listener on a denied port', listeners: [listener({ port: 23 })], want: ['denied-listener tcp/23 deny[0]@12'] },
  { name: 'reports a denied port even when the deny entry has from', listeners: [listener({ kind: 'udp', port: 2049 })], want: ['denied-listener udp/2049 deny[1]@13'] },
  { name: 'ignores from and interface when matching', listeners: [listener({ address: '192.0.2.10', port: 443 })], want: [] },
  { name: 'reports the wrong bind scope', listeners: [listener({ port: 5432, processes: [{ exe: '/usr/lib/postgresql/16/bin/postgres', user: 'postgres', uid: 113 }] })], want: ['wrong-bind tcp/5432 allow[1]@4 want loopback have 0.0.0.0 (all)'] },
  { name: 'passes the right bind address', listeners: [listener({ kind: 'udp', address: '127.0.0.53', port: 53, processes: [{ exe: '/usr/lib/systemd/systemd-resolved' }] })], want: [] },
  { name: 'passes an IPv6 bind address', listeners: [listener({ address: '::1', port: 6379 })], want: [] },
  { name: 'reports the wrong IPv6 bind address', listeners: [listener({ address: '::', port: 6379 })], want: ['wrong-bind tcp/6379 allow[7]@10 want ::1 have :: (all)'] },
  { name: 'passes an executable matching the glob', listeners: [listener({ address: '127.0.0.1', port: 5432, processes: [{ exe: '/usr/lib/postgresql/16/bin/postgres', user: 'postgres' }] })], want: [] },
  {
    name: 'reports an executable outside the glob',
    listeners: [listener({ address: '127.0.0.1', port: 5432, processes: [{ exe: '/tmp/.x/postgres', user: 'postgres' }] })],
    want: ['wrong-exe tcp/5432 allow[1]@4 want /usr/lib/postgresql/*/bin/postgres have /tmp/.x/postgres'],
  },
  {
    name: 'reports an executable one directory too deep for *',
    listeners: [listener({ address: '127.0.0.1', port: 5432, processes: [{ exe: '/usr/lib/postgresql/16/x/bin/postgres', user: 'postgres' }] })],
    want: ['wrong-exe tcp/5432 allow[1]@4 want /usr/lib/postgresql/*/bin/postgres have /usr/lib/postgresql/16/x/bin/postgres'],
  },
  {
    name: 'reports an owner it could not read as failing exe and user',
    listeners: [listener({ address: '127.0.0.1', port: 5432, uid: 113, processes: [] })],
    want: [
      'wrong-exe tcp/5432 allow[1]@4 want /usr/lib/postgresql/*/bin/postgres have unknown (the owning process could not be read; run the audit as root)',
      'wrong-user tcp/5432 allow[1]@4 want postgres have unknown (the owning process could not be read; run the audit as root)',
    ],
  },
  { name: 'reports the wrong user', listeners: [listener({ port: 8000, processes: [{ user: 'root', uid: 0 }] })], want: ['wrong-user tcp/8000 allow[2]@5 want www-data have root'] },
  { name: 'passes a forked server when any holder is the user', listeners: [listener({ port: 8000, processes: [{ user: 'root', uid: 0 }, { user: 'www-data', uid: 33 }] })], want: [] },
  { name: 'passes a numeric user by the process uid', listeners: [listener({ port: 9100, processes: [{ user: 'nobody', uid: 65534 }] })], want: [] },
  { name: 'reports a numeric user the process does not have', listeners: [listener({ port: 9100, uid: 65534, processes: [{ user: 'root', uid: 0 }] })], want: ['wrong-user tcp/9100 allow[6]@9 want 65534 have root'] },
  { name: 'passes a numeric user by the socket owner when no process is known', listeners: [listener({ port: 9100, uid: 65534, processes: [] })], want: [] },
  {
    name: 'reports each failure of one entry',
    listeners: [listener({ port: 5432, processes: [{ exe: '/usr/bin/nc', user: 'nobody', uid: 65534 }] })],
    want: ['wrong-bind tcp/5432 allow[1]@4 want loopback have 0.0.0.0 (all)', 'wrong-exe tcp/5432 allow[1]@4 want /usr/lib/postgresql/*/bin/postgres have /usr/bin/nc', 'wrong-user tcp/5432 allow[1]@4 want postgres have nobody'],
  },
  { name: 'passes a listener that one of several entries allows', listeners: [listener({ kind: 'udp', address: '192.0.2.1', port: 53, processes: [{ exe: '/usr/sbin/dnsmasq' }] })], want: [] },
  {
    name: 'blames the nearest of several entries',
    listeners: [listener({ kind: 'udp', address: '192.0.2.1', port: 53, processes: [{ exe: '/usr/sbin/named' }] })],
    want: ['wrong-exe udp/53 allow[5]@8 want /usr/sbin/dnsmasq have /usr/sbin/named'],
  },
  { name: 'reports a raw socket by default', listeners: [listener({ kind: 'raw', port: 1 })], want: ['unexpected-raw-socket raw/1'] },
  { name: 'reports a packet socket by default, even on a port number the policy allows', listeners: [listener({ kind: 'packet', address: '*', port: 22 })], want: ['unexpected-raw-socket packet/22'] },
  { name: 'keeps listener order', listeners: [listener({ port: 8081 }), listener({ port: 22 }), listener({ port: 23 })], want: ['unexpected-listener tcp/8081', 'denied-listener tcp/23 deny[0]@12'] },
];
for (const c of cases) {
  test(`checkPolicy ${c.name}`, () => {
    assert.deepEqual(checkPolicy(policy, c.listeners).map(summary), c.want);
  });
}

const RAW_ALLOWED = parsePolicy('version: 1\nraw: allow\n', 'raw.yaml');
test('checkPolicy passes raw and packet sockets when raw is allow', () => {
  assert.deepEqual(checkPolicy(RAW_ALLOWED, [listener({ kind: 'raw', port: 58 }), listener({ kind: 'packet', address: '*', port: 3 })]), []);
});

const EXPECTING = parsePolicy(
  `version: 1
allow:
  - { port: 22, expect: true }
  - { port: 5432, exe: /usr/bin/postgres, expect: true }
  - { port: 8000-8010, proto: udp, expect: true }
  - { port: 9000, expect: false }
`,
  'expect.yaml',
);
const missing: { name: string; listeners: Listener[]; want: string[] }[] = [
  { name: 'reports expected entries nothing listens on', listeners: [], want: ['missing-listener 22/tcp allow[0]@3', 'missing-listener 5432/tcp allow[1]@4', 'missing-listener 8000-8010/udp allow[2]@5'] },
  { name: 'counts any port of an expected range', listeners: [listener({ kind: 'udp', port: 8010 }), listener({ port: 22 })], want: ['missing-listener 5432/tcp allow[1]@4'] },
  { name: 'reports a wrong listener as wrong, not also as missing', listeners: [listener({ port: 22 }), listener({ kind: 'udp', port: 8001 }), listener({ port: 5432, processes: [{ exe: '/tmp/pg' }] })], want: ['wrong-exe tcp/5432 allow[1]@4 want /usr/bin/postgres have /tmp/pg'] },
  { name: 'reports missing listeners after listener deviations', listeners: [listener({ port: 1 })], want: ['unexpected-listener tcp/1', 'missing-listener 22/tcp allow[0]@3', 'missing-listener 5432/tcp allow[1]@4', 'missing-listener 8000-8010/udp allow[2]@5'] },
];
for (const c of missing) {
  test(`checkPolicy ${c.name}`, () => {
    assert.deepEqual(checkPolicy(EXPECTING, c.listeners).map(summary), c.want);
  });
}

test('checkPolicy messages name the listener, the entry and its line in both languages', () => {
  const [wrong] = checkPolicy(policy, [listener({ port: 8000, processes: [{ name: 'gunicorn', pid: 4242, user: 'root', uid: 0 }] })]);
  assert.deepEqual(wrong?.message, {
    en: 'tcp 0.0.0.0:8000 (gunicorn, pid 4242) runs as root; allow[2] (line 5) wants user: www-data',
    es: 'tcp 0.0.0.0:8000 (gunicorn, pid 4242) se ejecuta como root; allow[2] (línea 5) pide user: www-data',
  });
  const [unexpected] = checkPolicy(policy, [listener({ address: '::', port: 8080, processes: [] })]);
  assert.deepEqual(unexpected?.message, {
    en: 'tcp [::]:8080 (owner unknown, uid 0) is not allowed by any entry of policy.yaml',
    es: 'tcp [::]:8080 (dueño desconocido, uid 0) no está permitido por ninguna entrada de policy.yaml',
  });
  const [absent] = checkPolicy(EXPECTING, [listener({ port: 22 }), listener({ port: 5432, processes: [{ exe: '/usr/bin/postgres' }] })]);
  assert.deepEqual(absent?.message, {
    en: 'allow[2] (line 5) expects a udp listener on ports 8000-8010, and nothing listens there',
    es: 'allow[2] (línea 5) espera un socket udp en escucha en los puertos 8000-8010, y no hay ninguno',
  });
  const [raw] = checkPolicy(policy, [listener({ kind: 'raw', port: 1, processes: [{ name: 'ping', pid: 7 }] })]);
  assert.match(raw?.message.en ?? '', /^raw socket \(protocol 1\) \(ping, pid 7\) is open, and policy\.yaml does not allow raw sockets \(raw: deny\)$/);
});

test('checkPolicy returns the listener object it judged', () => {
  const l = listener({ port: 8080 });
  const [d] = checkPolicy(policy, [l]);
  assert.ok(d !== undefined && d.kind !== 'missing-listener');
  assert.equal(d.listener, l);
});
