import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TargetSet, blockOf, parseTarget, parseTargetFile, type AddressBlock } from '../../src/core/target-spec.js';
import { formatIp, parseIp, type IpAddress } from '../../src/core/ip.js';
import { isPortcullisError, type ErrorCode } from '../../src/core/errors.js';

function blockOfTarget(text: string): AddressBlock {
  const t = parseTarget(text);
  assert.equal(t.kind, 'block');
  if (t.kind !== 'block') throw new Error('unreachable');
  return t.block;
}

const ip = (text: string): IpAddress => {
  const a = parseIp(text);
  assert.ok(a !== null, text);
  return a;
};

const blocks: { input: string; want: { size: number; family: 4 | 6; first: string; last: string } }[] = [
  { input: '198.18.0.1', want: { size: 1, family: 4, first: '198.18.0.1', last: '198.18.0.1' } },
  { input: ' 198.18.0.1 ', want: { size: 1, family: 4, first: '198.18.0.1', last: '198.18.0.1' } },
  { input: '198.18.0.0/24', want: { size: 256, family: 4, first: '198.18.0.0', last: '198.18.0.255' } },
  // nmap masks host bits rather than refusing them.
  { input: '198.18.0.77/24', want: { size: 256, family: 4, first: '198.18.0.0', last: '198.18.0.255' } },
  { input: '198.18.0.9/32', want: { size: 1, family: 4, first: '198.18.0.9', last: '198.18.0.9' } },
  { input: '198.18.0.9/31', want: { size: 2, family: 4, first: '198.18.0.8', last: '198.18.0.9' } },
  { input: '198.18.0.0/15', want: { size: 131072, family: 4, first: '198.18.0.0', last: '198.19.255.255' } },
  { input: '127.0.0.0/8', want: { size: 2 ** 24, family: 4, first: '127.0.0.0', last: '127.255.255.255' } },
  { input: '198.18.0-3.1-254', want: { size: 4 * 254, family: 4, first: '198.18.0.1', last: '198.18.3.254' } },
  { input: '198.18.0.*', want: { size: 256, family: 4, first: '198.18.0.0', last: '198.18.0.255' } },
  { input: '198.18.1,3.5', want: { size: 2, family: 4, first: '198.18.1.5', last: '198.18.3.5' } },
  { input: '198.18.3,1,1-2.5', want: { size: 3, family: 4, first: '198.18.1.5', last: '198.18.3.5' } },
  { input: '198.18.0.-3', want: { size: 4, family: 4, first: '198.18.0.0', last: '198.18.0.3' } },
  { input: '198.18.0.250-', want: { size: 6, family: 4, first: '198.18.0.250', last: '198.18.0.255' } },
  { input: '198.18-19.0.0', want: { size: 2, family: 4, first: '198.18.0.0', last: '198.19.0.0' } },
  { input: '2001:2::1', want: { size: 1, family: 6, first: '2001:2::1', last: '2001:2::1' } },
  { input: '2001:2:0:0::1', want: { size: 1, family: 6, first: '2001:2::1', last: '2001:2::1' } },
  { input: '::1', want: { size: 1, family: 6, first: '::1', last: '::1' } },
  { input: '2001:db8::1%eth0', want: { size: 1, family: 6, first: '2001:db8::1%eth0', last: '2001:db8::1%eth0' } },
  { input: '2001:2::/120', want: { size: 256, family: 6, first: '2001:2::', last: '2001:2::ff' } },
  { input: '2001:2::77/120', want: { size: 256, family: 6, first: '2001:2::', last: '2001:2::ff' } },
  { input: '2001:db8::1%eth0/127', want: { size: 2, family: 6, first: '2001:db8::%eth0', last: '2001:db8::1%eth0' } },
  { input: '2001:db8::/96', want: { size: 2 ** 32, family: 6, first: '2001:db8::', last: '2001:db8::ffff:ffff' } },
  { input: '::ffff:198.18.0.1', want: { size: 1, family: 6, first: '::ffff:198.18.0.1', last: '::ffff:198.18.0.1' } },
];
for (const c of blocks) {
  test(`parseTarget reads ${JSON.stringify(c.input)} as a block`, () => {
    const b = blockOfTarget(c.input);
    assert.deepEqual(
      { size: b.size, family: b.family, first: formatIp(b.at(0)), last: formatIp(b.at(b.size - 1)) },
      c.want,
    );
    assert.ok(b.contains(b.at(0)) && b.contains(b.at(b.size - 1)));
  });
}

test('parseTarget reads the IPv4 /0 as 2^32 addresses', () => {
  const b = blockOfTarget('198.18.0.0/0');
  assert.equal(b.size, 2 ** 32);
  assert.deepEqual(b.at(0), { family: 4, value: 0 });
  assert.deepEqual(b.at(2 ** 32 - 1), { family: 4, value: 2 ** 32 - 1 });
});

const names: { input: string; want: string }[] = [
  { input: 'localhost', want: 'localhost' },
  { input: 'db-1.example.test.', want: 'db-1.example.test' },
  { input: 'DB_1.example.test', want: 'DB_1.example.test' },
  { input: '1.example.test', want: '1.example.test' },
  { input: 'xn--bcher-kva.example', want: 'xn--bcher-kva.example' },
  { input: `${'a'.repeat(63)}.example.test`, want: `${'a'.repeat(63)}.example.test` },
];
for (const c of names) {
  test(`parseTarget reads ${JSON.stringify(c.input)} as a hostname`, () => {
    const t = parseTarget(c.input);
    assert.deepEqual(t, { kind: 'hostname', text: c.input, name: c.want });
  });
}

const bad: { input: string; wantErr: RegExp; code?: ErrorCode }[] = [
  { input: '198.18.0.300', wantErr: /^invalid target "198\.18\.0\.300": octet 300 is out of range$/ },
  { input: '198.18.0', wantErr: /^invalid target "198\.18\.0": an IPv4 address has 4 octets, not 3$/ },
  { input: '198', wantErr: /4 octets, not 1/ },
  { input: '198.18.0.1.', wantErr: /4 octets, not 5/ },
  { input: '198.18.0.01', wantErr: /octet "01" has a leading zero/ },
  { input: '198.18.0.0/33', wantErr: /^invalid target "198\.18\.0\.0\/33": prefix length 33 is out of range \(0-32\)$/ },
  { input: '198.18.0.0/x', wantErr: /prefix length "x" is not a number/ },
  { input: '198.18.0.0/', wantErr: /prefix length "" is not a number/ },
  { input: '198.18.0.0/-1', wantErr: /prefix length "-1" is not a number/ },
  { input: '198.18.0.0/24/24', wantErr: /prefix length "24\/24" is not a number/ },
  { input: '/24', wantErr: /the address before "\/" is empty/ },
  { input: '198.18.0.256/24', wantErr: /octet 256 is out of range/ },
  { input: 'example.test/24', wantErr: /"example\.test" is not an address: a prefix length needs an IPv4 or IPv6 address/ },
  { input: '198.18.0.1-5/24', wantErr: /"198\.18\.0\.1-5" is not an address/ },
  { input: '198.18.5-2.1', wantErr: /^invalid target "198\.18\.5-2\.1": range 5-2 is reversed$/ },
  { input: '198.18.0.1-300', wantErr: /octet 300 is out of range/ },
  { input: '198.18.0.01-3', wantErr: /octet "01" has a leading zero/ },
  { input: '198.18.0.1--3', wantErr: /octet "1--3" is not a number, range or \*/ },
  { input: '198.18.0.1,', wantErr: /octet "" is not a number, range or \*/ },
  { input: '198.18.0.**', wantErr: /octet "\*\*" is not a number, range or \*/ },
  { input: '198.18..*', wantErr: /an octet is empty/ },
  { input: '198.18.*', wantErr: /an IPv4 range has 4 octets, not 3/ },
  { input: '2001:2::/95', wantErr: /range too large: \/95 holds 2\^33 addresses/, code: 'PC_RANGE_TOO_LARGE' },
  { input: '2001:2::/64', wantErr: /range too large: \/64 holds 2\^64 addresses/, code: 'PC_RANGE_TOO_LARGE' },
  { input: '2001:2::/0', wantErr: /range too large: \/0 holds 2\^128 addresses/, code: 'PC_RANGE_TOO_LARGE' },
  { input: '2001:2::/129', wantErr: /prefix length 129 is out of range \(0-128\)/ },
  { input: '2001:2:::1/64', wantErr: /not a valid IPv6 address: ":::" is not valid/ },
  { input: '2001:2:::1', wantErr: /^invalid target "2001:2:::1": not a valid IPv6 address: ":::" is not valid$/ },
  { input: '2001:2::g', wantErr: /group "g" is not 1 to 4 hex digits/ },
  { input: '[2001:2::1]', wantErr: /not a valid IPv6 address/ },
  { input: '', wantErr: /^invalid target "": empty target$/ },
  { input: '   ', wantErr: /empty target/ },
  { input: 'bad_host!', wantErr: /^invalid target "bad_host!": not an IPv4\/IPv6 address, CIDR, range or hostname$/ },
  { input: '-oops', wantErr: /not an IPv4\/IPv6 address, CIDR, range or hostname/ },
  { input: 'oops-.example', wantErr: /not an IPv4\/IPv6 address, CIDR, range or hostname/ },
  { input: 'a..example', wantErr: /not an IPv4\/IPv6 address, CIDR, range or hostname/ },
  { input: `${'a'.repeat(64)}.example`, wantErr: /not an IPv4\/IPv6 address, CIDR, range or hostname/ },
  { input: `${'a.'.repeat(127)}ab`, wantErr: /not an IPv4\/IPv6 address, CIDR, range or hostname/ },
  { input: '198.18.0.1a.5', wantErr: /a hostname cannot end in an all-digit label/ },
  { input: '198.18.0.1 198.18.0.2', wantErr: /not an IPv4\/IPv6 address/ },
];
for (const c of bad) {
  test(`parseTarget rejects ${JSON.stringify(c.input)}`, () => {
    assert.throws(
      () => parseTarget(c.input),
      (e: unknown) => {
        assert.ok(isPortcullisError(e, c.code ?? 'PC_INVALID_TARGET'), String(e));
        assert.match(e.message, c.wantErr);
        assert.equal(e.subject, c.input.trim() === '' ? c.input : c.input.trim());
        assert.notEqual(e.messageEs, e.message);
        return true;
      },
    );
  });
}

const contains: { input: [string, string]; want: boolean }[] = [
  { input: ['198.18.0-1.10-20', '198.18.1.15'], want: true },
  { input: ['198.18.0-1.10-20', '198.18.2.15'], want: false },
  { input: ['198.18.0-1.10-20', '198.18.0.9'], want: false },
  { input: ['198.18.0.0/24', '198.18.0.255'], want: true },
  { input: ['198.18.0.0/24', '198.18.1.0'], want: false },
  { input: ['198.18.0.0/24', '::ffff:198.18.0.1'], want: false },
  { input: ['198.18.0.1', '198.18.0.1'], want: true },
  { input: ['2001:2::/120', '2001:2::80'], want: true },
  { input: ['2001:2::/120', '2001:2::1:0'], want: false },
  { input: ['2001:2::/120', '198.18.0.1'], want: false },
  // A zone-less block holds every zone; a zoned one only its own.
  { input: ['2001:2::/120', '2001:2::1%eth0'], want: true },
  { input: ['2001:2::%eth0/120', '2001:2::1%eth0'], want: true },
  { input: ['2001:2::%eth0/120', '2001:2::1%eth1'], want: false },
  { input: ['2001:2::%eth0/120', '2001:2::1'], want: false },
  { input: ['2001:2::1', '2001:2::1%eth0'], want: true },
  { input: ['2001:2::1%eth0', '2001:2::1'], want: false },
];
for (const c of contains) {
  test(`block ${c.input[0]} contains ${c.input[1]}: ${c.want}`, () => {
    assert.equal(blockOfTarget(c.input[0]).contains(ip(c.input[1])), c.want);
  });
}

test('block contains exactly the addresses it iterates', () => {
  const b = blockOfTarget('198.18.0,2.0-9');
  const listed = new Set(Array.from({ length: b.size }, (_, i) => formatIp(b.at(i))));
  for (let x = 0; x < 4 * 16; x++) {
    const a = ip(`198.18.${x >> 4}.${x & 15}`);
    assert.equal(b.contains(a), listed.has(formatIp(a)), formatIp(a));
  }
});

test('block iterates a /8 and an IPv6 /96 lazily', () => {
  const before = process.memoryUsage().heapUsed;
  const v4 = blockOfTarget('127.0.0.0/8');
  assert.equal(formatIp(v4.at(16777215)), '127.255.255.255');
  assert.equal(formatIp(v4.at(0x010203)), '127.1.2.3');
  const v6 = blockOfTarget('2001:db8::/96');
  assert.equal(formatIp(v6.at(0xc6120001)), '2001:db8::c612:1');
  // An array of 2^32 addresses could not even be allocated; a few MB of slack covers GC noise.
  assert.ok(process.memoryUsage().heapUsed - before < 16 * 2 ** 20);
});

const outOfRange: { input: [string, number] }[] = [
  { input: ['198.18.0.0/24', 256] },
  { input: ['198.18.0.0/24', -1] },
  { input: ['198.18.0.0/24', 1.5] },
  { input: ['198.18.0.0/24', Number.NaN] },
  { input: ['2001:2::/120', 256] },
  { input: ['198.18.0.1-3', 3] },
  { input: ['198.18.0.1', 1] },
];
for (const c of outOfRange) {
  test(`block ${c.input[0]} refuses index ${c.input[1]}`, () => {
    assert.throws(() => blockOfTarget(c.input[0]).at(c.input[1]), RangeError);
  });
}

test('blockOf keeps resolved addresses in order', () => {
  const b = blockOf([ip('198.18.0.2'), ip('2001:db8::2'), ip('198.18.0.1')], 'db.example.test');
  assert.deepEqual(
    { text: b.text, family: b.family, size: b.size, all: [0, 1, 2].map((i) => formatIp(b.at(i))) },
    { text: 'db.example.test', family: 4, size: 3, all: ['198.18.0.2', '2001:db8::2', '198.18.0.1'] },
  );
  assert.ok(b.contains(ip('2001:db8::2')) && !b.contains(ip('198.18.0.3')));
  assert.equal(blockOf([], 'none.example.test').size, 0);
});

const sets: { input: { blocks: string[]; exclude: string[] }; want: (string | undefined)[] }[] = [
  { input: { blocks: ['198.18.0.1-3'], exclude: [] }, want: ['198.18.0.1', '198.18.0.2', '198.18.0.3'] },
  { input: { blocks: ['198.18.0.1-3', '2001:2::/127'], exclude: [] }, want: ['198.18.0.1', '198.18.0.2', '198.18.0.3', '2001:2::', '2001:2::1'] },
  { input: { blocks: ['198.18.0.1-3', '2001:2::/127'], exclude: ['198.18.0.2', '2001:2::1'] }, want: ['198.18.0.1', undefined, '198.18.0.3', '2001:2::', undefined] },
  { input: { blocks: ['198.18.0.0/30', '198.18.0.0/31'], exclude: ['198.18.0.0/31'] }, want: [undefined, undefined, '198.18.0.2', '198.18.0.3', undefined, undefined] },
  { input: { blocks: ['198.18.0.0/31'], exclude: ['198.18.0.0/24'] }, want: [undefined, undefined] },
  { input: { blocks: [], exclude: [] }, want: [] },
];
for (const c of sets) {
  test(`TargetSet indexes ${c.input.blocks.join(' ') || 'nothing'} minus ${c.input.exclude.join(' ') || 'nothing'}`, () => {
    const s = new TargetSet(c.input.blocks.map(blockOfTarget), c.input.exclude.map(blockOfTarget));
    assert.equal(s.size, c.want.length);
    assert.deepEqual(Array.from({ length: s.size }, (_, i) => { const a = s.at(i); return a && formatIp(a); }), c.want);
    assert.throws(() => s.at(s.size), RangeError);
  });
}

test('TargetSet skips empty blocks when finding the block of an index', () => {
  const empty = blockOf([], 'gone.example.test');
  const s = new TargetSet([empty, blockOfTarget('198.18.0.1-2'), empty, empty, blockOfTarget('198.18.0.9'), empty], []);
  assert.deepEqual([0, 1, 2].map((i) => s.blockIndexOf(i)), [1, 1, 4]);
  assert.deepEqual([0, 1, 2].map((i) => formatIp(s.at(i)!)), ['198.18.0.1', '198.18.0.2', '198.18.0.9']);
});

test('TargetSet adds up big blocks without expanding them', () => {
  const s = new TargetSet([blockOfTarget('198.18.0.0/0'), blockOfTarget('2001:db8::/96')], [blockOfTarget('198.18.0.0/15')]);
  assert.equal(s.size, 2 ** 33);
  assert.equal(s.at(0xc6120005), undefined);
  assert.equal(formatIp(s.at(0x7f000001)!), '127.0.0.1');
  assert.equal(formatIp(s.at(2 ** 32 + 1)!), '2001:db8::1');
});

const files: { input: string; want: string[] }[] = [
  { input: '# list\n198.18.0.1  198.18.0.2\n\n::1 # loopback\r\nlocalhost\n', want: ['198.18.0.1', '198.18.0.2', '::1', 'localhost'] },
  { input: '198.18.0.1\t198.18.0.0/24\r198.18.0.*#no space before the comment\n', want: ['198.18.0.1', '198.18.0.0/24', '198.18.0.*'] },
  { input: '   not-checked-here!!  ', want: ['not-checked-here!!'] },
  { input: '# nothing\n\n', want: [] },
  { input: '', want: [] },
];
for (const c of files) {
  test(`parseTargetFile splits ${JSON.stringify(c.input)}`, () => {
    assert.deepEqual(parseTargetFile(c.input), c.want);
  });
}
