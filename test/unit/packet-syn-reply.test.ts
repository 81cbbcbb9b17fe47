import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyIcmp, classifyTcp } from '../../src/core/packet/syn-reply.js';
import { synCookie, ackMatches, seqMatches } from '../../src/core/packet/syn-cookie.js';
import { KEY, LO4, OUR_PORT, TB4_HOST, TB4_US, TB6_HOST, TB6_US } from '../fixtures/packets/captured.js';
import { icmpCases, show, tcpCases } from '../fixtures/packets/syn-reply-cases.js';


for (const t of tcpCases) {
  test(`classifyTcp: ${t.name}`, () => {
    const ttl = t.family === 4 ? t.pkt[8]! : 64;
    assert.deepEqual(show(classifyTcp(t.c, t.family, t.pkt, t.off, t.pkt.length, t.from, t.to, ttl)), t.want);
  });
}

for (const t of icmpCases) {
  test(`classifyIcmp: ${t.name}`, () => {
    assert.deepEqual(show(classifyIcmp(t.c, t.family, t.pkt, t.off, t.pkt.length, t.from, 64)), t.want);
  });
}

test('synCookie depends on each address and port', () => {
  const base = synCookie(KEY, TB4_US, TB4_HOST, 40000, 80);
  assert.notEqual(synCookie(KEY, TB4_HOST, TB4_US, 40000, 80), base);
  assert.notEqual(synCookie(KEY, TB4_US, TB4_HOST, 40001, 80), base);
  assert.notEqual(synCookie(KEY, TB4_US, TB4_HOST, 40000, 81), base);
  assert.notEqual(synCookie(KEY, TB6_US, TB6_HOST, 40000, 80), base);
});

test('ackMatches wraps around 2^32 and seqMatches wants the cookie itself', () => {
  // Find a tuple whose cookie is 0xffffffff would take ~2^32 tries; check the arithmetic instead.
  const c = synCookie(KEY, LO4, LO4, OUR_PORT, 1);
  assert.equal(ackMatches(KEY, LO4, LO4, OUR_PORT, 1, (c + 1) >>> 0), true);
  assert.equal(ackMatches(KEY, LO4, LO4, OUR_PORT, 1, c), false);
  assert.equal(seqMatches(KEY, LO4, LO4, OUR_PORT, 1, c), true);
  assert.equal(seqMatches(KEY, LO4, LO4, OUR_PORT, 1, (c + 1) >>> 0), false);
});

test('synCookie refuses mixed address families', () => {
  assert.throws(() => synCookie(KEY, TB4_US, TB6_HOST, 1, 1), RangeError);
});
