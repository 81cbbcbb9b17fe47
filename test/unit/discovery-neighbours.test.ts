import { test } from 'node:test';
import assert from 'node:assert/strict';
import { neighbourIndex, neighbourKey, parseIpNeighJson, parseProcNetArp, type NeighbourEntry } from '../../src/core/discovery/neighbours.js';

const ARP_HEADER = 'IP address       HW type     Flags       HW address            Mask     Device\n';

const arp: { name: string; input: string; want: NeighbourEntry[] }[] = [
  { name: 'a complete entry', input: `${ARP_HEADER}198.18.200.10    0x1         0x2         8e:1f:2a:00:00:10     *        br0\n`, want: [{ address: '198.18.200.10', dev: 'br0', state: 'resolved' }] },
  { name: 'a permanent entry', input: `${ARP_HEADER}198.18.200.11    0x1         0x6         8e:1f:2a:00:00:11     *        br0\n`, want: [{ address: '198.18.200.11', dev: 'br0', state: 'resolved' }] },
  { name: 'an incomplete or failed entry', input: `${ARP_HEADER}198.18.200.99    0x1         0x0         00:00:00:00:00:00     *        br0\n`, want: [{ address: '198.18.200.99', dev: 'br0', state: 'pending' }] },
  { name: 'the header alone', input: ARP_HEADER, want: [] },
  { name: 'an empty file', input: '', want: [] },
  { name: 'a short or garbled line', input: `${ARP_HEADER}198.18.200.10 0x1 0x2\nnot-an-ip 0x1 0x2 aa * br0\n198.18.200.12 0x1 zz aa * br0\n`, want: [] },
  {
    name: 'several entries on several devices',
    input: `${ARP_HEADER}198.18.200.10    0x1         0x2         8e:1f:2a:00:00:10     *        br0\n192.0.2.1        0x1         0x2         02:fc:00:00:00:05     *        eth0\n`,
    want: [
      { address: '198.18.200.10', dev: 'br0', state: 'resolved' },
      { address: '192.0.2.1', dev: 'eth0', state: 'resolved' },
    ],
  },
];
for (const c of arp) {
  test(`parseProcNetArp reads ${c.name}`, () => {
    assert.deepEqual(parseProcNetArp(c.input), c.want);
  });
}

const row = (dst: string, state: string[], lladdr?: string): Record<string, unknown> => ({ dst, dev: 'br0', ...(lladdr !== undefined ? { lladdr } : {}), state });
const neigh: { name: string; rows: unknown; want: NeighbourEntry['state'] | null }[] = [
  { name: 'REACHABLE', rows: [row('198.18.200.10', ['REACHABLE'], 'aa:bb:cc:dd:ee:ff')], want: 'resolved' },
  { name: 'STALE (the kernel still trusts it)', rows: [row('198.18.200.10', ['STALE'], 'aa:bb:cc:dd:ee:ff')], want: 'resolved' },
  { name: 'DELAY', rows: [row('198.18.200.10', ['DELAY'], 'aa:bb:cc:dd:ee:ff')], want: 'resolved' },
  { name: 'PROBE', rows: [row('198.18.200.10', ['PROBE'], 'aa:bb:cc:dd:ee:ff')], want: 'resolved' },
  { name: 'PERMANENT', rows: [row('198.18.200.10', ['PERMANENT'], 'aa:bb:cc:dd:ee:ff')], want: 'resolved' },
  { name: 'FAILED', rows: [row('198.18.200.10', ['FAILED'])], want: 'failed' },
  { name: 'INCOMPLETE', rows: [row('198.18.200.10', ['INCOMPLETE'])], want: 'pending' },
  { name: 'NOARP (says nothing about the host)', rows: [row('198.18.200.10', ['NOARP'], '00:00:00:00:00:00')], want: 'pending' },
  { name: 'REACHABLE without a link-layer address', rows: [row('198.18.200.10', ['REACHABLE'])], want: 'pending' },
];
for (const c of neigh) {
  test(`parseIpNeighJson reads a ${c.name} entry`, () => {
    const got = parseIpNeighJson(JSON.stringify(c.rows));
    assert.deepEqual(got, [{ address: '198.18.200.10', dev: 'br0', state: c.want }]);
  });
}

test('parseIpNeighJson writes IPv6 addresses canonically and skips what it cannot read', () => {
  const text = JSON.stringify([
    { dst: '2001:0002:0000:00c8:0000:0000:0000:0010', dev: 'br0', lladdr: 'aa:bb:cc:dd:ee:ff', state: ['REACHABLE', 'router'] },
    { dst: 'fe80::1', dev: 'eth0', state: ['FAILED'] },
    { dst: 42, dev: 'br0', state: ['REACHABLE'] },
    { dst: '198.18.200.10' },
    'junk',
    null,
  ]);
  assert.deepEqual(parseIpNeighJson(text), [
    { address: '2001:2:0:c8::10', dev: 'br0', state: 'resolved' },
    { address: 'fe80::1', dev: 'eth0', state: 'failed' },
  ]);
  assert.deepEqual(parseIpNeighJson('not json'), []);
  assert.deepEqual(parseIpNeighJson('{"dst":"198.18.200.10"}'), []);
});

test('neighbourIndex files entries by device and address', () => {
  const idx = neighbourIndex([
    { address: '198.18.200.10', dev: 'br0', state: 'resolved' },
    { address: '198.18.200.10', dev: 'br1', state: 'failed' },
  ]);
  assert.equal(idx.get(neighbourKey('br0', '198.18.200.10')), 'resolved');
  assert.equal(idx.get(neighbourKey('br1', '198.18.200.10')), 'failed');
  assert.equal(idx.get(neighbourKey('br2', '198.18.200.10')), undefined);
});
