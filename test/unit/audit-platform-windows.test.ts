import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseGetNetTcpConnection, parseGetNetUdpEndpoint, parseGetProcess, parseNetstatAno, parseTasklistCsv, withProcesses } from '../../src/audit/platform/windows.js';
import type { PlatformSocket } from '../../src/audit/platform/types.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/audit/windows/${name}`, import.meta.url), 'utf8');

const key = (s: PlatformSocket): string => `${s.proto} ${s.address} ${s.port} ${s.pid ?? '-'}`;

test('parseNetstatAno keeps TCP listeners and UDP rows and drops connections', () => {
  assert.deepEqual(parseNetstatAno(fixture('netstat-ano.txt')).map(key), [
    'tcp 0.0.0.0 135 1052',
    'tcp 0.0.0.0 445 4',
    'tcp 0.0.0.0 3389 1180',
    'tcp 0.0.0.0 49664 860',
    'tcp 127.0.0.1 5432 3320',
    'tcp 192.168.1.50 139 4',
    'tcp :: 135 1052',
    'tcp :: 445 4',
    'tcp ::1 5432 3320',
    'udp 0.0.0.0 123 1436',
    'udp 0.0.0.0 5353 2244',
    'udp 127.0.0.1 1900 4012',
    'udp 192.168.1.50 137 4',
    'udp :: 123 1436',
    'udp ::1 1900 4012',
    'udp fe80::d1c2:3b4a:5e6f:7a8b 1900 4012',
  ]);
});

test('parseNetstatAno sets the family from the address', () => {
  const rows = parseNetstatAno(fixture('netstat-ano.txt'));
  assert.deepEqual(rows.find((s) => s.address === '::' && s.port === 135), { proto: 'tcp', family: 6, address: '::', port: 135, pid: 1052 });
  assert.equal(rows.find((s) => s.port === 3389)?.family, 4);
});

test('parseNetstatAno reads a Spanish Windows without knowing its words', () => {
  assert.deepEqual(parseNetstatAno(fixture('netstat-ano-es.txt')).map(key), ['tcp 0.0.0.0 135 1052', 'tcp :: 135 1052', 'udp 0.0.0.0 5353 2244']);
});

test('parseNetstatAno leaves out pid 0', () => {
  assert.deepEqual(parseNetstatAno('  UDP    0.0.0.0:500            *:*                                    0\r\n'), [{ proto: 'udp', family: 4, address: '0.0.0.0', port: 500 }]);
});

test('parseTasklistCsv maps pids to names without .exe, commas in names included', () => {
  const procs = parseTasklistCsv(fixture('tasklist.csv'));
  assert.equal(procs.get(1052)?.process, 'svchost');
  assert.equal(procs.get(4)?.process, 'System');
  assert.equal(procs.get(4012)?.process, 'Acme, Inc Agent');
  assert.equal(procs.get(0)?.process, 'System Idle Process');
  assert.equal(procs.size, 9);
});

test('parseTasklistCsv skips a header row and blank lines', () => {
  const procs = parseTasklistCsv('"Image Name","PID","Session Name","Session#","Mem Usage"\r\n\r\n"a ""quoted"" name.exe","42","Console","1","1,000 K"\r\n');
  assert.deepEqual([...procs.values()], [{ pid: 42, process: 'a "quoted" name' }]);
});

test('parseGetNetTcpConnection reads an array of listeners', () => {
  const rows = parseGetNetTcpConnection(fixture('get-nettcpconnection.json'));
  assert.equal(rows.length, 10);
  assert.deepEqual(rows[0], { proto: 'tcp', family: 6, address: '::', port: 49664, pid: 860 });
  assert.deepEqual(rows[7], { proto: 'tcp', family: 4, address: '127.0.0.1', port: 5432, pid: 3320 });
});

test('parseGetNetUdpEndpoint reads a lone object as one row', () => {
  assert.deepEqual(parseGetNetUdpEndpoint(fixture('get-netudpendpoint-single.json')), [{ proto: 'udp', family: 4, address: '0.0.0.0', port: 5353, pid: 2244 }]);
});

test('parseGetNetUdpEndpoint drops the zone of a link-local address', () => {
  const rows = parseGetNetUdpEndpoint(fixture('get-netudpendpoint.json'));
  assert.deepEqual(rows[0], { proto: 'udp', family: 6, address: 'fe80::d1c2:3b4a:5e6f:7a8b', port: 1900, pid: 4012 });
  assert.equal(rows.length, 6);
});

const EMPTY_JSON: readonly [string, string][] = [
  ['empty output', ''],
  ['whitespace', '\r\n'],
  ['a BOM and an empty array', '\uFEFF[]'],
  ['null', 'null'],
];

for (const [name, text] of EMPTY_JSON) {
  test(`parseGetNetTcpConnection returns nothing for ${name}`, () => {
    assert.deepEqual(parseGetNetTcpConnection(text), []);
  });
}

test('parseGetNetTcpConnection throws on text that is not JSON', () => {
  assert.throws(() => parseGetNetTcpConnection('Get-NetTCPConnection : The term is not recognized'), SyntaxError);
});

test('parseGetProcess reads paths and users when elevated', () => {
  const procs = parseGetProcess(fixture('get-process-elevated.json'));
  assert.deepEqual(procs.get(3320), { pid: 3320, process: 'postgres', exe: 'C:\\Program Files\\PostgreSQL\\16\\bin\\postgres.exe', user: 'NT AUTHORITY\\NETWORK SERVICE' });
  assert.deepEqual(procs.get(4), { pid: 4, process: 'System', user: 'NT AUTHORITY\\SYSTEM' });
  assert.deepEqual(procs.get(0), { pid: 0, process: 'Idle' });
});

test('parseGetProcess tolerates null users and paths without elevation', () => {
  const procs = parseGetProcess(fixture('get-process-unelevated.json'));
  assert.deepEqual(procs.get(1052), { pid: 1052, process: 'svchost' });
  assert.deepEqual(procs.get(4012), { pid: 4012, process: 'Acme, Inc Agent', exe: 'C:\\Users\\alice\\AppData\\Local\\Temp\\Acme, Inc Agent.exe' });
});

test('withProcesses joins PowerShell sockets and processes by pid', () => {
  const rows = withProcesses(parseGetNetTcpConnection(fixture('get-nettcpconnection.json')), parseGetProcess(fixture('get-process-elevated.json')));
  assert.deepEqual(rows[1], { proto: 'tcp', family: 6, address: '::1', port: 5432, pid: 3320, process: 'postgres', exe: 'C:\\Program Files\\PostgreSQL\\16\\bin\\postgres.exe', user: 'NT AUTHORITY\\NETWORK SERVICE' });
  // 3389's owner (1180) is not in the process list: the row stays, without a name.
  assert.deepEqual(rows[5], { proto: 'tcp', family: 4, address: '0.0.0.0', port: 3389, pid: 1180 });
});

test('withProcesses names netstat rows as the PowerShell path does', () => {
  const rows = withProcesses(parseNetstatAno(fixture('netstat-ano.txt')), parseTasklistCsv(fixture('tasklist.csv')));
  assert.deepEqual(rows.find((s) => s.port === 5432), { proto: 'tcp', family: 4, address: '127.0.0.1', port: 5432, pid: 3320, process: 'postgres' });
  assert.equal(rows.find((s) => s.address.startsWith('fe80'))?.process, 'Acme, Inc Agent');
});
