import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LSOF_ARGS, parseLsof, parseLsofColumns, parseLsofFields, parseLsofTxt, unescapeLsof, withExe } from '../../src/audit/platform/lsof.js';
import { canonicalAddress, splitHostPort } from '../../src/audit/platform/address.js';
import type { PlatformSocket } from '../../src/audit/platform/types.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/audit/darwin/${name}`, import.meta.url), 'utf8');

/** What lsof-fields.txt holds, in order: one row per (pid, socket), unbound and connected sockets left out. */
const FIELDS_WANT: readonly PlatformSocket[] = [
  { proto: 'tcp', family: 6, address: '::', port: 22, pid: 1, process: 'launchd', user: 'root', uid: 0 },
  { proto: 'tcp', family: 4, address: '0.0.0.0', port: 22, pid: 1, process: 'launchd', user: 'root', uid: 0 },
  { proto: 'udp', family: 4, address: '0.0.0.0', port: 5353, pid: 333, process: 'mDNSResponder', user: '_mdnsresponder', uid: 65 },
  { proto: 'udp', family: 6, address: '::', port: 5353, pid: 333, process: 'mDNSResponder', user: '_mdnsresponder', uid: 65 },
  { proto: 'udp', family: 6, address: 'fe80:4::aede:48ff:fe00:1122', port: 123, pid: 412, process: 'timed', user: '_timed', uid: 266 },
  { proto: 'tcp', family: 4, address: '0.0.0.0', port: 49152, pid: 512, process: 'rapportd', user: 'alice', uid: 501 },
  { proto: 'tcp', family: 6, address: '::', port: 49152, pid: 512, process: 'rapportd', user: 'alice', uid: 501 },
  { proto: 'tcp', family: 4, address: '0.0.0.0', port: 7000, pid: 601, process: 'ControlCenter', user: 'alice', uid: 501 },
  { proto: 'tcp', family: 6, address: '::', port: 7000, pid: 601, process: 'ControlCenter', user: 'alice', uid: 501 },
  { proto: 'tcp', family: 6, address: '::1', port: 5432, pid: 812, process: 'postgres', user: 'alice', uid: 501 },
  { proto: 'tcp', family: 4, address: '127.0.0.1', port: 5432, pid: 812, process: 'postgres', user: 'alice', uid: 501 },
  { proto: 'tcp', family: 4, address: '0.0.0.0', port: 8080, pid: 901, process: 'nginx', user: 'root', uid: 0 },
  { proto: 'tcp', family: 4, address: '0.0.0.0', port: 8080, pid: 902, process: 'nginx', user: 'nobody', uid: 4294967294 },
  { proto: 'udp', family: 4, address: '0.0.0.0', port: 5353, pid: 950, process: 'Google Chrome Helper', user: 'alice', uid: 501 },
  { proto: 'tcp', family: 4, address: '0.0.0.0', port: 57621, pid: 1204, process: 'Spotify', user: 'alice', uid: 501 },
  { proto: 'udp', family: 4, address: '0.0.0.0', port: 57621, pid: 1204, process: 'Spotify', user: 'alice', uid: 501 },
];

test('parseLsofFields reads every listener of a recorded -F run, one row per pid', () => {
  assert.deepEqual(parseLsofFields(fixture('lsof-fields.txt')), FIELDS_WANT);
});

test('parseLsofFields reads NUL-terminated (-F0) output the same', () => {
  // -F0: each field ends in NUL instead of NL, and lsof ends each process and file set with a NL.
  const sets = fixture('lsof-fields.txt').split(/\n(?=[pf])/);
  const nul = sets.map((set) => `${set.split('\n').filter((l) => l !== '').join('\0')}\0\n`).join('');
  assert.ok(nul.includes('\0'));
  assert.deepEqual(parseLsofFields(nul), FIELDS_WANT);
});

test('parseLsofFields keeps both pids of a socket forked servers share', () => {
  const rows = parseLsofFields(fixture('lsof-fields.txt')).filter((s) => s.port === 8080);
  assert.deepEqual(
    rows.map((s) => s.pid),
    [901, 902],
  );
});

test('parseLsofColumns reads a pasted default listing', () => {
  assert.deepEqual(parseLsofColumns(fixture('lsof-columns.txt')), [
    { proto: 'tcp', family: 6, address: '::', port: 22, pid: 1, process: 'launchd', user: 'root' },
    { proto: 'tcp', family: 4, address: '0.0.0.0', port: 22, pid: 1, process: 'launchd', user: 'root' },
    { proto: 'udp', family: 4, address: '0.0.0.0', port: 5353, pid: 333, process: 'mDNSRespo', user: '_mdnsresponder' },
    { proto: 'udp', family: 6, address: '::', port: 5353, pid: 333, process: 'mDNSRespo', user: '_mdnsresponder' },
    { proto: 'tcp', family: 4, address: '0.0.0.0', port: 49152, pid: 512, process: 'rapportd', user: 'alice' },
    { proto: 'tcp', family: 6, address: '::', port: 49152, pid: 512, process: 'rapportd', user: 'alice' },
    { proto: 'tcp', family: 4, address: '0.0.0.0', port: 7000, pid: 601, process: 'ControlCe', user: 'alice' },
    { proto: 'tcp', family: 6, address: '::1', port: 5432, pid: 812, process: 'postgres', user: 'alice' },
    { proto: 'tcp', family: 4, address: '127.0.0.1', port: 5432, pid: 812, process: 'postgres', user: 'alice' },
    { proto: 'tcp', family: 4, address: '0.0.0.0', port: 8080, pid: 901, process: 'nginx', user: 'root' },
    { proto: 'tcp', family: 4, address: '0.0.0.0', port: 8080, pid: 902, process: 'nginx', user: 'nobody' },
    { proto: 'udp', family: 4, address: '0.0.0.0', port: 5353, pid: 950, process: 'Google Ch', user: 'alice' },
  ]);
});

const COLUMN_ROWS: readonly { name: string; line: string; want: PlatformSocket | null }[] = [
  {
    name: 'Linux lsof with an empty TID column and a numeric user (-l)',
    line: 'sshd       1021             0    3u  IPv4  21877      0t0  TCP *:22 (LISTEN)',
    want: { proto: 'tcp', family: 4, address: '0.0.0.0', port: 22, pid: 1021, process: 'sshd', uid: 0 },
  },
  {
    name: 'Linux lsof UDP row with an IPv4-mapped address',
    line: 'avahi-dae  612 avahi   13u  IPv6  20136      0t0  UDP [::ffff:127.0.0.1]:5353',
    want: { proto: 'udp', family: 6, address: '::ffff:127.0.0.1', port: 5353, pid: 612, process: 'avahi-dae', user: 'avahi' },
  },
  {
    name: 'a command pasted with a literal space',
    line: 'Code Helper 2201 alice 41u IPv4 0x5f3c1c3e0a7fc261 0t0 TCP 127.0.0.1:9229 (LISTEN)',
    want: { proto: 'tcp', family: 4, address: '127.0.0.1', port: 9229, pid: 2201, process: 'Code Helper', user: 'alice' },
  },
  { name: 'a TCP socket that is not listening', line: 'node 2202 alice 22u IPv4 0x5f3c 0t0 TCP *:* (CLOSED)', want: null },
  { name: 'a port printed as a service name (no -P)', line: 'sshd 1021 root 3u IPv4 21877 0t0 TCP *:ssh (LISTEN)', want: null },
  { name: 'a Unix socket', line: 'launchd 1 root 5u unix 0x5f3c1c3e0a7e0001 0t0 /var/run/syslog', want: null },
];

for (const c of COLUMN_ROWS) {
  test(`parseLsofColumns handles ${c.name}`, () => {
    const got = parseLsofColumns(`COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\n${c.line}\n`);
    assert.deepEqual(got, c.want === null ? [] : [c.want]);
  });
}

test('parseLsof tells field output from column output', () => {
  assert.deepEqual(parseLsof(fixture('lsof-fields.txt')), FIELDS_WANT);
  assert.equal(parseLsof(fixture('lsof-columns.txt')).length, 12);
  assert.deepEqual(parseLsof(''), []);
});

test('parseLsofFields drops a dup()ed descriptor of the same socket', () => {
  const text = 'p77\ncsshd\nu0\nLroot\nf3\ntIPv4\nPTCP\nn*:22\nTST=LISTEN\nf4\ntIPv4\nPTCP\nn*:22\nTST=LISTEN\n';
  assert.equal(parseLsofFields(text).length, 1);
});

test('parseLsofFields skips a wildcard name whose type it was not given', () => {
  assert.deepEqual(parseLsofFields('p77\ncsshd\nf3\nPTCP\nn*:22\nTST=LISTEN\n'), []);
  assert.deepEqual(parseLsofFields('p77\ncsshd\nf3\nPTCP\nn[::1]:22\nTST=LISTEN\n'), [{ proto: 'tcp', family: 6, address: '::1', port: 22, pid: 77, process: 'sshd' }]);
});

const ESCAPES: readonly [string, string][] = [
  ['Google\\x20Ch', 'Google Ch'],
  ['caf\\xc3\\xa9', 'café'],
  ['tab\\there', 'tab\there'],
  ['plain', 'plain'],
  ['back\\slash', 'back\\slash'],
];

for (const [raw, want] of ESCAPES) {
  test(`unescapeLsof decodes ${JSON.stringify(raw)}`, () => {
    assert.equal(unescapeLsof(raw), want);
  });
}

const HOST_PORTS: readonly [string, ReturnType<typeof splitHostPort>][] = [
  ['127.0.0.1:5432', { host: '127.0.0.1', port: 5432, family: 4 }],
  ['[::1]:631', { host: '::1', port: 631, family: 6 }],
  ['[fe80::1%4]:123', { host: 'fe80::1%4', port: 123, family: 6 }],
  ['*:22', { host: '*', port: 22, family: undefined }],
  ['*:*', null],
  ['*:ssh', null],
  ['127.0.0.1:70000', null],
  ['::1:631', null],
];

for (const [text, want] of HOST_PORTS) {
  test(`splitHostPort splits ${text}`, () => {
    assert.deepEqual(splitHostPort(text), want);
  });
}

test('canonicalAddress maps the wildcard per family and drops zones', () => {
  assert.equal(canonicalAddress('*', 4), '0.0.0.0');
  assert.equal(canonicalAddress('*', 6), '::');
  assert.equal(canonicalAddress('FE80:0:0:0::1%12', 6), 'fe80::1');
  assert.equal(canonicalAddress('127.0.0.1', 6), null);
  assert.equal(canonicalAddress('localhost', 4), null);
});

test('parseLsofTxt takes the first txt file of each process as its executable', () => {
  const exes = parseLsofTxt(fixture('lsof-txt.txt'));
  assert.equal(exes.get(1), '/sbin/launchd');
  assert.equal(exes.get(333), '/usr/sbin/mDNSResponder');
  assert.equal(exes.get(950), '/Applications/Google Chrome.app/Contents/Frameworks/Google Chrome Framework.framework/Versions/120.0.6099.109/Helpers/Google Chrome Helper.app/Contents/MacOS/Google Chrome Helper');
  assert.equal(exes.size, 4);
});

test('withExe fills exe by pid and leaves unknown pids alone', () => {
  const rows = withExe(parseLsofFields(fixture('lsof-fields.txt')), parseLsofTxt(fixture('lsof-txt.txt')));
  assert.equal(rows.find((s) => s.pid === 512)?.exe, '/usr/libexec/rapportd');
  assert.equal(rows.find((s) => s.pid === 812)?.exe, undefined);
  assert.equal(rows.length, FIELDS_WANT.length);
});

test('LSOF_ARGS asks for field output of TCP listeners and UDP sockets, numeric', () => {
  for (const a of ['-n', '-P', '-iTCP', '-sTCP:LISTEN', '-iUDP', '-FpcuLftPnT']) assert.ok(LSOF_ARGS.includes(a), a);
});
