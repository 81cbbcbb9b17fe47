import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp, ipEquals, ipv4Problem, ipv6Problem, isLoopback, parseIp, type IpAddress } from '../../src/core/ip.js';

const v4 = (a: number, b: number, c: number, d: number): IpAddress => ({ family: 4, value: a * 2 ** 24 + b * 2 ** 16 + c * 2 ** 8 + d });
const v6 = (value: bigint, zone?: string): IpAddress => (zone === undefined ? { family: 6, value } : { family: 6, value, zone });
const DOC = 0x20010db8n << 96n; // 2001:db8::

const parses: { input: string; want: IpAddress }[] = [
  { input: '198.18.0.1', want: v4(198, 18, 0, 1) },
  { input: '127.0.0.1', want: v4(127, 0, 0, 1) },
  { input: '198.19.255.255', want: v4(198, 19, 255, 255) },
  { input: '192.0.2.0', want: v4(192, 0, 2, 0) },
  { input: '::1', want: v6(1n) },
  { input: '2001:db8::1', want: v6(DOC | 1n) },
  { input: '2001:DB8::A', want: v6(DOC | 0xan) },
  { input: '2001:db8:0:0:0:0:0:1', want: v6(DOC | 1n) },
  { input: '2001:db8::', want: v6(DOC) },
  { input: '2001:db8:1:2:3:4:5:6', want: v6(DOC | (1n << 80n) | (2n << 64n) | (3n << 48n) | (4n << 32n) | (5n << 16n) | 6n) },
  { input: '2001:db8::198.18.0.1', want: v6(DOC | 0xc6120001n) },
  { input: '::ffff:198.18.0.1', want: v6(0xffffc6120001n) },
  { input: '0:0:0:0:0:ffff:198.18.0.1', want: v6(0xffffc6120001n) },
  { input: '2001:db8::1%eth0', want: v6(DOC | 1n, 'eth0') },
  { input: '2001:db8::1%3', want: v6(DOC | 1n, '3') },
  { input: '2001:db8:1:2:3:4:5::', want: v6(DOC | (1n << 80n) | (2n << 64n) | (3n << 48n) | (4n << 32n) | (5n << 16n)) },
];
for (const c of parses) {
  test(`parseIp reads ${c.input}`, () => {
    assert.deepEqual(parseIp(c.input), c.want);
  });
}

// Each bad input with the reason its family's checker gives (null: refused, no reason asked).
const rejects: { input: string; wantErr: RegExp | null }[] = [
  { input: '', wantErr: null },
  { input: ' 198.18.0.1', wantErr: /octet " 198" is not a number/ },
  { input: '198.18.0', wantErr: /4 octets, not 3/ },
  { input: '198.18.0.1.5', wantErr: /4 octets, not 5/ },
  { input: '198.18..1', wantErr: /an octet is empty/ },
  { input: '198.18.0.256', wantErr: /octet 256 is out of range/ },
  { input: '198.18.0.01', wantErr: /octet "01" has a leading zero/ },
  { input: '198.18.0.0x1', wantErr: /octet "0x1" is not a number/ },
  { input: '198.18.0.1%eth0', wantErr: /octet "1%eth0" is not a number/ },
  { input: '2001:db8::1::2', wantErr: /"::" may appear only once/ },
  { input: '2001:db8:::1', wantErr: /":::" is not valid/ },
  { input: '2001:db8:3:4:5:6:7:8:9', wantErr: /8 groups, not 9/ },
  { input: '2001:db8:3:4', wantErr: /8 groups, not 4/ },
  { input: '2001:db8:3:4:5:6:7:8::', wantErr: /"::" must stand for at least one group, but 8 are written/ },
  { input: '2001:db8::12345', wantErr: /group "12345" is not 1 to 4 hex digits/ },
  { input: '2001:db8::g', wantErr: /group "g" is not 1 to 4 hex digits/ },
  { input: ':2001:db8::1', wantErr: /a group is empty/ },
  { input: '2001:db8::1:', wantErr: /a group is empty/ },
  { input: '[2001:db8::1]', wantErr: /group "\[2001" is not/ },
  { input: '2001:db8::1%', wantErr: /zone id "" is not/ },
  { input: '2001:db8::1%eth 0', wantErr: /zone id "eth 0" is not/ },
  { input: '2001:db8::1%a/b', wantErr: /zone id "a\/b" is not/ },
  { input: '::ffff:198.18.0.01', wantErr: /embedded IPv4 "198\.18\.0\.01": octet "01" has a leading zero/ },
  { input: '::ffff:198.18.0.256', wantErr: /embedded IPv4 "198\.18\.0\.256": octet 256 is out of range/ },
  { input: '198.18.0.1::', wantErr: /embedded IPv4 address \("198\.18\.0\.1"\) may only end the address/ },
  { input: '2001:db8::198.18.0.1:1', wantErr: /may only end the address/ },
];
for (const c of rejects) {
  test(`parseIp rejects ${JSON.stringify(c.input)}`, () => {
    assert.equal(parseIp(c.input), null);
    if (c.wantErr === null) return;
    const problem = c.input.includes(':') ? ipv6Problem(c.input) : ipv4Problem(c.input);
    assert.ok(problem !== null && c.wantErr.test(problem.en), problem?.en);
    assert.notEqual(problem.es, problem.en);
  });
}

const formats: { input: string; want: string }[] = [
  { input: '198.18.0.1', want: '198.18.0.1' },
  { input: '198.19.255.255', want: '198.19.255.255' },
  { input: '::1', want: '::1' },
  { input: '2001:DB8::A', want: '2001:db8::a' },
  { input: '2001:0db8:0000:0000:0000:0000:0000:0001', want: '2001:db8::1' },
  // RFC 5952 §4.2.2: a single zero group is not compressed.
  { input: '2001:db8:0:1:1:1:1:1', want: '2001:db8:0:1:1:1:1:1' },
  { input: '2001:db8:1:2:3:4:5::', want: '2001:db8:1:2:3:4:5:0' },
  // §4.2.3: the longest run wins; on a tie, the first.
  { input: '2001:db8:0:1:0:0:0:1', want: '2001:db8:0:1::1' },
  { input: '2001:db8:0:0:1:0:0:1', want: '2001:db8::1:0:0:1' },
  { input: '2001:db8:0:0:0:0:0:0', want: '2001:db8::' },
  // §5: IPv4-mapped addresses keep the dotted quad; other embedded forms are plain hex.
  { input: '::ffff:198.18.0.1', want: '::ffff:198.18.0.1' },
  { input: '2001:db8::198.18.0.1', want: '2001:db8::c612:1' },
  { input: '2001:db8::1%eth0', want: '2001:db8::1%eth0' },
  { input: '2001:2::ff', want: '2001:2::ff' },
];
for (const c of formats) {
  test(`formatIp writes ${c.input} as ${c.want}`, () => {
    const a = parseIp(c.input);
    assert.ok(a !== null);
    assert.equal(formatIp(a), c.want);
    assert.deepEqual(parseIp(formatIp(a)), a, 'the canonical text parses back to the same address');
  });
}

const equals: { input: [string, string]; want: boolean }[] = [
  { input: ['198.18.0.1', '198.18.0.1'], want: true },
  { input: ['198.18.0.1', '198.18.0.2'], want: false },
  { input: ['2001:db8::1', '2001:db8:0::0:1'], want: true },
  { input: ['2001:db8::1%eth0', '2001:db8::1%eth0'], want: true },
  { input: ['2001:db8::1%eth0', '2001:db8::1%eth1'], want: false },
  { input: ['2001:db8::1%eth0', '2001:db8::1'], want: false },
  { input: ['::ffff:198.18.0.1', '198.18.0.1'], want: false },
];
for (const c of equals) {
  test(`ipEquals says ${c.want} for ${c.input.join(' and ')}`, () => {
    const [a, b] = c.input.map((x) => parseIp(x)!) as [IpAddress, IpAddress];
    assert.equal(ipEquals(a, b), c.want);
    assert.equal(ipEquals(b, a), c.want);
  });
}

const loopbacks: { input: string; want: boolean }[] = [
  { input: '127.0.0.1', want: true },
  { input: '127.255.255.254', want: true },
  { input: '198.18.0.1', want: false },
  { input: '::1', want: true },
  { input: '::1%lo', want: true },
  { input: '::ffff:127.0.0.1', want: true },
  { input: '::ffff:198.18.0.1', want: false },
  { input: '2001:db8::1', want: false },
];
for (const c of loopbacks) {
  test(`isLoopback says ${c.want} for ${c.input}`, () => {
    assert.equal(isLoopback(parseIp(c.input)!), c.want);
  });
}
