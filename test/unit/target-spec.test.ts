import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTarget, parseTargetFile } from '../../src/core/target-spec.js';
import { formatIp, parseIp } from '../../src/core/ip.js';
import { isPortcullisError } from '../../src/core/errors.js';

const ok: { input: string; size: number; first?: string; last?: string; kind?: 'hostname' }[] = [
  { input: '198.18.0.1', size: 1, first: '198.18.0.1' },
  { input: '198.18.0.0/24', size: 256, first: '198.18.0.0', last: '198.18.0.255' },
  { input: '198.18.0.77/24', size: 256, first: '198.18.0.0', last: '198.18.0.255' },
  { input: '198.18.0.0/32', size: 1, first: '198.18.0.0' },
  { input: '198.18.0.0/15', size: 131072, first: '198.18.0.0', last: '198.19.255.255' },
  { input: '0.0.0.0/0', size: 2 ** 32, first: '0.0.0.0', last: '255.255.255.255' },
  { input: '198.18.0-3.1-254', size: 4 * 254, first: '198.18.0.1', last: '198.18.3.254' },
  { input: '198.18.0.*', size: 256, first: '198.18.0.0', last: '198.18.0.255' },
  { input: '198.18.1,3.5', size: 2, first: '198.18.1.5', last: '198.18.3.5' },
  { input: '198.18.0.-3', size: 4, first: '198.18.0.0', last: '198.18.0.3' },
  { input: '198.18.0.250-', size: 6, first: '198.18.0.250', last: '198.18.0.255' },
  { input: '2001:2::1', size: 1, first: '2001:2::1' },
  { input: '2001:2:0:0::1', size: 1, first: '2001:2::1' },
  { input: '::1', size: 1, first: '::1' },
  { input: 'fe80::1%eth0', size: 1, first: 'fe80::1%eth0' },
  { input: '2001:2::/120', size: 256, first: '2001:2::', last: '2001:2::ff' },
  { input: '2001:db8::ffff:0/96', size: 2 ** 32, first: '2001:db8::', last: '2001:db8::ffff:ffff' },
  { input: '::ffff:198.18.0.1', size: 1, first: '::ffff:198.18.0.1' },
  { input: 'localhost', size: 0, kind: 'hostname' },
  { input: 'db-1.example.test.', size: 0, kind: 'hostname' },
];

for (const c of ok) {
  test(`targets parse ${c.input}`, () => {
    const t = parseTarget(c.input);
    if (c.kind === 'hostname') {
      assert.equal(t.kind, 'hostname');
      return;
    }
    assert.equal(t.kind, 'block');
    if (t.kind !== 'block') return;
    assert.equal(t.block.size, c.size);
    if (c.first) assert.equal(formatIp(t.block.at(0)), c.first);
    if (c.last) assert.equal(formatIp(t.block.at(c.size - 1)), c.last);
    assert.ok(t.block.contains(t.block.at(0)));
  });
}

const bad: { input: string; want: RegExp; code?: string }[] = [
  { input: '198.18.0.300', want: /^invalid target "198\.18\.0\.300": octet 300 is out of range$/ },
  { input: '198.18.0', want: /4 octets, not 3/ },
  { input: '198.18.0.01', want: /leading zero/ },
  { input: '198.18.0.0/33', want: /prefix length 33 is out of range \(0-32\)/ },
  { input: '198.18.0.0/x', want: /prefix length "x" is not a number/ },
  { input: '198.18.5-2.1', want: /range 5-2 is reversed/ },
  { input: '198.18.0.1-300', want: /octet 300 is out of range/ },
  { input: '2001:2::/64', want: /range too large/, code: 'PC_RANGE_TOO_LARGE' },
  { input: '2001:2::/129', want: /prefix length 129/ },
  { input: '2001:2:::1', want: /not a valid IPv6 address/ },
  { input: '', want: /empty target/ },
  { input: 'bad_host!', want: /not an IPv4\/IPv6 address/ },
  { input: '-oops', want: /not an IPv4\/IPv6 address/ },
];
for (const c of bad) {
  test(`targets reject ${JSON.stringify(c.input)}`, () => {
    assert.throws(
      () => parseTarget(c.input),
      (e: unknown) => isPortcullisError(e, (c.code ?? 'PC_INVALID_TARGET') as 'PC_INVALID_TARGET') && c.want.test(e.message),
    );
  });
}

test('targets contain exactly their own addresses', () => {
  const t = parseTarget('198.18.0-1.10-20');
  assert.ok(t.kind === 'block');
  if (t.kind !== 'block') return;
  assert.ok(t.block.contains(parseIp('198.18.1.15')!));
  assert.ok(!t.block.contains(parseIp('198.18.2.15')!));
  assert.ok(!t.block.contains(parseIp('198.18.0.9')!));
  const c = parseTarget('2001:2::/120');
  assert.ok(c.kind === 'block' && c.block.contains(parseIp('2001:2::80')!) && !c.block.contains(parseIp('2001:2::1:0')!));
});

test('targets iterate a /8 lazily', () => {
  const t = parseTarget('127.0.0.0/8');
  assert.ok(t.kind === 'block');
  if (t.kind !== 'block') return;
  assert.equal(t.block.size, 16777216);
  assert.equal(formatIp(t.block.at(16777215)), '127.255.255.255');
});

test('target files split on white space and drop # comments', () => {
  assert.deepEqual(parseTargetFile('# list\n198.18.0.1  198.18.0.2\n\n::1 # loopback\r\nlocalhost\n'), ['198.18.0.1', '198.18.0.2', '::1', 'localhost']);
  assert.deepEqual(parseTargetFile('# nothing\n\n'), []);
});
