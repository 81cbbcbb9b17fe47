import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsFor, hiddenPortFinding, type FindingContext } from '../../src/audit/findings.js';
import { bindScope, buildListeners } from '../../src/audit/listeners.js';
import { t } from '../../src/core/errors.js';
import type { Listener, ProcessInfo, SocketEntry } from '../../src/audit/types.js';

const HOST = { inode: 4026531840, own: true } as const;

function proc(p: Partial<ProcessInfo> & { exe?: string }): ProcessInfo {
  return { pid: 100, name: p.exe?.split('/').pop()?.slice(0, 15) ?? 'x', cmdline: p.exe === undefined ? [] : [p.exe], ...p };
}

function listener(l: Partial<Listener>): Listener {
  return {
    kind: 'tcp',
    family: 4,
    address: '0.0.0.0',
    port: 8080,
    scope: 'all',
    inode: 1,
    uid: 0,
    netns: HOST,
    processes: [],
    exposure: 'unknown',
    exposureReason: t('', ''),
    findings: [],
    ...l,
  };
}

const PACKAGED: FindingContext = { packageOf: (exe) => (exe.startsWith('/usr/') || exe.startsWith('/bin/') ? 'some-package' : null) };
const NO_DB: FindingContext = { packageOf: () => undefined };

const CASES: { name: string; l: Listener; ctx?: FindingContext; want: string[] }[] = [
  { name: 'packaged sshd on 22', l: listener({ port: 22, processes: [proc({ exe: '/usr/sbin/sshd', user: 'root' })] }), want: [] },
  { name: 'packaged nginx on 80 and 443', l: listener({ port: 443, processes: [proc({ exe: '/usr/sbin/nginx' }), proc({ pid: 101, exe: '/usr/sbin/nginx' })] }), want: [] },
  { name: 'packaged postfix on 465 (a port old trojans used)', l: listener({ port: 465, processes: [proc({ exe: '/usr/lib/postfix/sbin/master' })] }), want: [] },
  { name: 'python copy in /tmp', l: listener({ port: 8000, processes: [proc({ exe: '/tmp/py/python3', cmdline: ['/tmp/py/python3', '-m', 'http.server'] })] }), want: ['exe-in-temp-dir', 'interpreter-listening', 'unpackaged-exe'] },
  { name: 'binary in /dev/shm', l: listener({ port: 9010, processes: [proc({ exe: '/dev/shm/.x/kworker' })] }), want: ['exe-in-temp-dir', 'exe-in-hidden-dir', 'unpackaged-exe'] },
  { name: 'hidden directory under home', l: listener({ port: 9001, processes: [proc({ exe: '/root/.cache/.sys/agent' })] }), want: ['exe-in-hidden-dir', 'unpackaged-exe'] },
  { name: 'deleted executable', l: listener({ port: 9002, processes: [proc({ exe: '/opt/app/server', exeDeleted: true })] }), want: ['exe-deleted', 'unpackaged-exe'] },
  { name: 'bash bind shell', l: listener({ port: 4444, processes: [proc({ exe: '/usr/bin/bash' })] }), want: ['shell-listening', 'backdoor-port'] },
  { name: 'netcat', l: listener({ port: 5555, processes: [proc({ exe: '/usr/bin/nc.openbsd' })] }), want: ['netcat-listening'] },
  { name: 'packaged python app: low', l: listener({ port: 8000, processes: [proc({ exe: '/usr/bin/python3.11' })] }), want: ['interpreter-listening'] },
  { name: 'redis on all interfaces', l: listener({ port: 16379, processes: [proc({ exe: '/usr/bin/redis-check-rdb', name: 'redis-server' })] }), want: ['local-service-on-all-interfaces'] },
  { name: 'redis on loopback', l: listener({ port: 6379, address: '127.0.0.1', scope: 'loopback', processes: [proc({ exe: '/usr/bin/redis-check-rdb', name: 'redis-server' })] }), want: [] },
  { name: 'unknown process on 6379 everywhere', l: listener({ port: 6379, processes: [] }), want: ['unknown-owner', 'local-service-on-all-interfaces'] },
  { name: 'unpackaged thing on 6379 everywhere', l: listener({ port: 6379, processes: [proc({ exe: '/opt/fake/redis' })] }), want: ['local-service-on-all-interfaces', 'unpackaged-exe'] },
  { name: 'packaged nginx on 9000 is not ClickHouse', l: listener({ port: 9000, processes: [proc({ exe: '/usr/sbin/nginx' })] }), want: [] },
  { name: 'unpackaged program on 31337', l: listener({ port: 31337, processes: [proc({ exe: '/opt/x/y' })] }), want: ['backdoor-port', 'unpackaged-exe'] },
  { name: 'unknown owner on 31337', l: listener({ port: 31337, processes: [] }), want: ['backdoor-port', 'unknown-owner'] },
  { name: 'packaged program on 6667 known in baseline', l: listener({ port: 6667, processes: [proc({ exe: '/usr/sbin/ngircd' })] }), ctx: { ...PACKAGED, known: () => true }, want: [] },
  { name: 'packaged program on 6667 new since baseline', l: listener({ port: 6667, processes: [proc({ exe: '/usr/sbin/ngircd' })] }), ctx: { ...PACKAGED, known: () => false }, want: ['backdoor-port'] },
  { name: 'raw ICMP socket of an unpackaged program', l: listener({ kind: 'raw', port: 1, processes: [proc({ exe: '/opt/knock/knockd' })] }), want: ['raw-socket', 'unpackaged-exe'] },
  { name: 'packet socket of packaged dhclient', l: listener({ kind: 'packet', family: undefined, address: '*', port: 0x0800, processes: [proc({ exe: '/usr/sbin/dhclient' })] }), want: ['packet-socket'] },
  { name: 'no package database: no hint', l: listener({ port: 9003, processes: [proc({ exe: '/opt/app/server' })] }), ctx: NO_DB, want: [] },
];

test('findingsFor gives each planted case its findings and leaves packaged services alone', () => {
  for (const c of CASES) {
    const got = findingsFor(c.l, c.ctx ?? PACKAGED).map((f) => f.id);
    assert.deepEqual([...got].sort(), [...c.want].sort(), c.name);
  }
});

test('findingsFor severities: temp-dir interpreter high, packaged interpreter low, packaged raw socket info', () => {
  const sev = (l: Listener, id: string): string | undefined => findingsFor(l, PACKAGED).find((f) => f.id === id)?.severity;
  assert.equal(sev(CASES[3]!.l, 'interpreter-listening'), 'high');
  assert.equal(sev(CASES[9]!.l, 'interpreter-listening'), 'low');
  assert.equal(sev(listener({ kind: 'raw', port: 1, processes: [proc({ exe: '/usr/bin/ping' })] }), 'raw-socket'), 'info');
  assert.equal(sev(CASES[19]!.l, 'raw-socket'), 'medium');
  assert.equal(sev(listener({ port: 6379, exposure: 'reachable', processes: [proc({ exe: '/usr/bin/redis-check-rdb', name: 'redis-server' })] }), 'local-service-on-all-interfaces'), 'high');
  assert.equal(sev(CASES[10]!.l, 'local-service-on-all-interfaces'), 'medium');
});

test('findingsFor reasons are bilingual and name the evidence', () => {
  const f = findingsFor(CASES[3]!.l, PACKAGED).find((x) => x.id === 'exe-in-temp-dir')!;
  assert.match(f.reason.en, /\/tmp\/py\/python3/);
  assert.match(f.reason.es, /\/tmp\/py\/python3/);
  assert.notEqual(f.reason.en, f.reason.es);
  assert.match(hiddenPortFinding('tcp', 31337).reason.en, /tcp port 31337/);
});

test('bindScope', () => {
  const cases: [string, string][] = [
    ['0.0.0.0', 'all'],
    ['::', 'all'],
    ['*', 'all'],
    ['127.0.0.1', 'loopback'],
    ['127.0.0.53', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['198.18.0.1', 'interface'],
    ['fe80::1%eth0', 'interface'],
    ['2001:2::1', 'interface'],
  ];
  for (const [a, want] of cases) assert.equal(bindScope(a), want, a);
});

test('buildListeners keeps listening rows, joins holders and orders the own namespace first', () => {
  const row = (e: Partial<SocketEntry>): SocketEntry => ({ kind: 'tcp', family: 4, address: '0.0.0.0', port: 1, remoteAddress: '0.0.0.0', remotePort: 0, state: 'listen', inode: 1, uid: 0, ...e });
  const other = { inode: 4026532999, own: false, name: 'pcx-test' };
  const out = buildListeners({
    namespaces: [other, HOST],
    sockets: new Map([
      [HOST.inode, [row({ port: 6379, address: '127.0.0.1', inode: 10 }), row({ port: 22, inode: 11 }), row({ port: 5000, state: 'established', inode: 12 }), row({ kind: 'udp', port: 53, state: 'unconn', inode: 13 })]],
      [other.inode, [row({ port: 8080, inode: 20 })]],
    ]),
    holders: new Map([
      [10, [300]],
      [11, [200, 100]],
      [20, [400]],
    ]),
    processes: new Map([100, 200, 300, 400].map((pid) => [pid, proc({ pid, exe: `/usr/bin/p${pid}` })])),
  });
  assert.deepEqual(
    out.map((l) => [l.netns.own, l.kind, l.port, l.scope, l.processes.map((p) => p.pid), l.service ?? null]),
    [
      [true, 'tcp', 22, 'all', [100, 200], 'ssh'],
      [true, 'tcp', 6379, 'loopback', [300], 'redis'],
      [true, 'udp', 53, 'all', [], 'domain'],
      [false, 'tcp', 8080, 'all', [400], 'http-alt'],
    ],
  );
});
