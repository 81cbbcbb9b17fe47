import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseSourcePort, localPortsOfProcNet } from '../../src/scan/raw/source.js';

const PROC_NET_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12346 1 0000000000000000 100 0 0 10 0
   2: 0100007F:A1B2 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 12347 1 0000000000000000 20 4 30 10 -1
`;
const PROC_NET_TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2222 1 0000000000000000 100 0 0 10 0
`;

test('localPortsOfProcNet reads listening and connected sockets of /proc/net/tcp', () => {
  assert.deepEqual([...localPortsOfProcNet(PROC_NET_TCP)].sort((a, b) => a - b), [22, 8080, 0xa1b2]);
});

test('localPortsOfProcNet reads /proc/net/tcp6', () => {
  assert.deepEqual([...localPortsOfProcNet(PROC_NET_TCP6)], [631]);
});

test('localPortsOfProcNet of an empty text is empty', () => {
  assert.equal(localPortsOfProcNet('').size, 0);
});

/** A deterministic [0, 1) sequence. */
function seq(...xs: number[]): () => number {
  let i = 0;
  return () => xs[i++ % xs.length]!;
}

const cases: { name: string; random: () => number; ephemeral: [number, number]; used: number[]; want: number }[] = [
  { name: 'takes the random pick when it is free', random: seq(0), ephemeral: [32768, 60999], used: [], want: 1024 },
  { name: 'skips a port in use', random: seq(0, 1 / 64512), ephemeral: [32768, 60999], used: [1024], want: 1025 },
  { name: 'skips the ephemeral range', random: seq((40000 - 1024) / 64512, 0.999999), ephemeral: [32768, 60999], used: [], want: 65535 },
];
for (const c of cases) {
  test(`chooseSourcePort ${c.name}`, () => {
    assert.equal(chooseSourcePort(c.random, c.ephemeral, new Set(c.used)), c.want);
  });
}

test('chooseSourcePort finds the one free port by walking when random picks keep failing', () => {
  const used = new Set(Array.from({ length: 65536 }, (_, i) => i).filter((p) => p !== 5000));
  assert.equal(chooseSourcePort(seq(0.5), [32768, 60999], used), 5000);
});

test('chooseSourcePort with a span returns a block of free ports, skipping one with a used port inside', () => {
  // First pick 1024: 1027 is in use, so 1024..1031 is no block; second pick 1028: 1028..1035 is free.
  assert.equal(chooseSourcePort(seq(0, 4 / 64505), [32768, 60999], new Set([1027]), 8), 1028);
});

test('chooseSourcePort with a span never returns a block that crosses into the ephemeral range or past 65535', () => {
  const r = chooseSourcePort(seq(0.999999), [32768, 60999], new Set(), 8);
  assert.equal(r, 65528);
  const below = chooseSourcePort(seq((32762 - 1024) / 64505, 0), [32768, 60999], new Set(), 8);
  assert.equal(below, 1024);
});

test('chooseSourcePort throws when no port is free', () => {
  assert.throws(() => chooseSourcePort(seq(0.5), [1024, 65535], new Set()), /no free source port/);
});

test('chooseSourcePort takes a test of one port in place of a set, asking only about candidates', () => {
  const asked: number[] = [];
  const taken = new Set([1028, 1029]);
  const port = chooseSourcePort(
    seq(4 / 64505, 0),
    [32768, 60999],
    (p) => {
      asked.push(p);
      return taken.has(p);
    },
    2,
  );
  assert.equal(port, 1024);
  assert.deepEqual(asked, [1028, 1024, 1025]);
});
