import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeProcAddress,
  isListening,
  netnsInode,
  parseBootTime,
  parseCmdline,
  parseExeLink,
  parsePasswd,
  parseProcNetPacket,
  parseProcNetTable,
  parseProcStat,
  parseStatusUid,
  socketInode,
} from '../../src/audit/proc-net.js';

// Lines as Linux 6.1 writes them on x86_64 (little-endian words).
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   107        0 10111 1 000000002673366f 100 0 0 10 0
   1: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1648 1 00000000a1fec35c 100 0 0 10 0
   2: 0100007F:E6F4 0100007F:18EB 01 00000000:00000000 00:00000000 00000000     0        0 88123 1 00000000b1fec35c 20 4 30 10 -1
   3: 0100007F:A0B2 0100007F:0CEA 06 00000000:00000000 03:00000F2E 00000000     0        0 0 3 0000000000000000
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1111 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 6429 1 000000009173aa82 100 0 0 10 0
   1: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4648 1 00000000b855c904 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4649 1 00000000b855c904 100 0 0 10 0
   3: 000002200000000000000000010000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4650 1 00000000b855c904 100 0 0 10 0
   4: 02000120000000000000000002000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4651 1 00000000b855c904 100 0 0 10 0
`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  120: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 21001 2 0000000000000000 0
  121: 0100007F:D431 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 21002 2 0000000000000000 0
`;
const RAW = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
   1: 00000000:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 31337 2 0000000000000000 0
`;
const PACKET = `sk               RefCnt Type Proto  Iface R Rmem   User   Inode
ffff8e2a4b5c1000 3      3    0003   0     1 0      0      40001
ffff8e2a4b5c2000 3      2    0800   2     1 0      101    40002
`;

test('decodeProcAddress reads host-order words', () => {
  const cases: [string, 'LE' | 'BE', string][] = [
    ['0100007F', 'LE', '127.0.0.1'],
    ['00000000', 'LE', '0.0.0.0'],
    ['0112A8C6', 'LE', '198.168.18.1'],
    ['7F000001', 'BE', '127.0.0.1'],
    ['00000000000000000000000001000000', 'LE', '::1'],
    ['00000000000000000000000000000000', 'LE', '::'],
    ['0000000000000000FFFF00000100007F', 'LE', '::ffff:127.0.0.1'],
    ['02000120000000000000000002000000', 'LE', '2001:2::2'],
    ['B80D0120000000000000000001000000', 'LE', '2001:db8::1'], ['B80D0120000000000000000000000100', 'LE', '2001:db8::1:0'],
  ];
  for (const [hex, endian, want] of cases) assert.equal(decodeProcAddress(hex, endian), want, hex);
});

test('decodeProcAddress compresses the longest zero run only', () => {
  // 2001:db8:0:0:1:0:0:1 → the first of two equal runs is compressed (RFC 5952 4.2.3).
  assert.equal(decodeProcAddress('B80D0120000000000000010001000000', 'LE'), '2001:db8::1:0:0:1');
});

test('parseProcNetTable reads tcp rows with state, ports, uid and inode', () => {
  const rows = parseProcNetTable(TCP, 'tcp', 4);
  assert.deepEqual(
    rows.map((r) => [r.address, r.port, r.state, r.uid, r.inode]),
    [
      ['127.0.0.1', 3306, 'listen', 107, 10111],
      ['0.0.0.0', 2024, 'listen', 0, 1648],
      ['127.0.0.1', 59124, 'established', 0, 88123],
      ['127.0.0.1', 41138, 'time_wait', 0, 0],
    ],
  );
  assert.equal(rows[2]!.remotePort, 6379);
  assert.deepEqual(rows.filter(isListening).map((r) => r.port), [3306, 2024]);
});

test('parseProcNetTable reads tcp6 rows and skips malformed ones', () => {
  const rows = parseProcNetTable(TCP6, 'tcp', 6);
  assert.deepEqual(
    rows.map((r) => [r.address, r.port, r.inode]),
    [
      ['::1', 4369, 6429],
      ['::', 22, 4648],
      ['::ffff:127.0.0.1', 8080, 4649],
      ['2001:2::2', 80, 4651],
    ],
  );
  assert.ok(rows.every((r) => r.family === 6 && r.kind === 'tcp'));
});

test('parseProcNetTable maps udp states: unconnected is listening, connected is not', () => {
  const rows = parseProcNetTable(UDP, 'udp', 4);
  assert.deepEqual(rows.map((r) => [r.address, r.port, r.state, isListening(r)]), [
    ['127.0.0.53', 53, 'unconn', true],
    ['127.0.0.1', 54321, 'established', false],
  ]);
});

test('parseProcNetTable reads raw sockets with the protocol as port', () => {
  const [r] = parseProcNetTable(RAW, 'raw', 4);
  assert.equal(r?.port, 1);
  assert.equal(r?.inode, 31337);
  assert.equal(isListening(r), true);
});

test('parseProcNetPacket reads ethertype, interface, uid and inode', () => {
  const rows = parseProcNetPacket(PACKET);
  assert.deepEqual(rows.map((r) => [r.port, r.ifindex, r.uid, r.inode]), [
    [0x0003, 0, 0, 40001],
    [0x0800, 2, 101, 40002],
  ]);
});

test('parseProcStat counts fields from the last parenthesis', () => {
  const cases: [string, { pid: number; comm: string; ppid: number; startTicks: number } | undefined][] = [
    ['2221 (redis-server) S 1 2221 2221 0 -1 4194560 4000 0 0 0 500 300 0 0 20 0 5 0 1234 1000 10 18446744073709551615', { pid: 2221, comm: 'redis-server', ppid: 1, startTicks: 1234 }],
    ['77 (evil) (x) R 70 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0', { pid: 77, comm: 'evil) (x', ppid: 70, startTicks: 99 }],
    ['88 (a b) S 1 88 88 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0', { pid: 88, comm: 'a b', ppid: 1, startTicks: 5 }],
    ['garbage', undefined],
    ['', undefined],
  ];
  for (const [text, want] of cases) {
    const got = parseProcStat(text);
    assert.deepEqual(got === undefined ? undefined : { pid: got.pid, comm: got.comm, ppid: got.ppid, startTicks: got.startTicks }, want, text);
  }
});

test('small /proc readers', () => {
  assert.equal(parseStatusUid('Name:\tredis-server\nUid:\t106\t106\t106\t106\nGid:\t111\n'), 106);
  assert.equal(parseStatusUid('Name:\tx\n'), undefined);
  assert.equal(parseBootTime('cpu  1 2 3\nbtime 1795639981\nprocesses 9\n'), 1795639981);
  assert.deepEqual(parseCmdline('/usr/bin/python3\0-m\0http.server\0'), ['/usr/bin/python3', '-m', 'http.server']);
  assert.deepEqual(parseCmdline('postgres: 15/main: checkpointer '), ['postgres: 15/main: checkpointer ']);
  assert.deepEqual(parseCmdline(''), []);
  assert.deepEqual([...parsePasswd('root:x:0:0:root:/root:/bin/bash\n# c\nredis:x:106:111::/var/lib/redis:/usr/sbin/nologin\nbad line\n')], [
    [0, 'root'],
    [106, 'redis'],
  ]);
  assert.deepEqual(parseExeLink('/tmp/x/python3 (deleted)'), { exe: '/tmp/x/python3', deleted: true });
  assert.deepEqual(parseExeLink('/usr/sbin/sshd'), { exe: '/usr/sbin/sshd', deleted: false });
  assert.equal(socketInode('socket:[10111]'), 10111);
  assert.equal(socketInode('pipe:[10111]'), undefined);
  assert.equal(socketInode('/dev/null'), undefined);
  assert.equal(netnsInode('net:[4026531840]'), 4026531840);
  assert.equal(netnsInode('mnt:[4026531840]'), undefined);
});
