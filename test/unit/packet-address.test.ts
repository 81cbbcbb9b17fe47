import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressBytes, addressKey, addressText } from '../../src/core/packet/address.js';
import { formatIp, parseIp } from '../../src/core/ip.js';

const cases = ['127.0.0.1', '198.18.77.2', '0.0.0.0', '255.255.255.255', '::1', '::', '2001:2:0:4d::2', '2001:2:0:1:0:0:0:1', 'fe80::1:2:3:4', '::ffff:198.18.0.1'];
for (const text of cases) {
  test(`addressBytes and addressText round-trip ${text}`, () => {
    const ip = parseIp(text)!;
    const b = addressBytes(ip);
    assert.equal(b.length, ip.family === 4 ? 4 : 16);
    assert.equal(addressText(b), formatIp(ip));
  });
}

test('addressBytes writes network byte order', () => {
  assert.deepEqual([...addressBytes(parseIp('198.18.77.2')!)], [198, 18, 77, 2]);
  assert.deepEqual([...addressBytes(parseIp('2001:2::1')!)], [0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
});

test('addressKey is dotted for IPv4 and 32 hex digits for IPv6', () => {
  assert.equal(addressKey(addressBytes(parseIp('198.18.77.2')!)), '198.18.77.2');
  assert.equal(addressKey(addressBytes(parseIp('2001:2::1')!)), '20010002000000000000000000000001');
});
