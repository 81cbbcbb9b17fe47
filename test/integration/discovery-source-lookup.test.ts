import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceLookup } from '../../src/scan/discovery/source-lookup.js';

test('SourceLookup answers loopback lookups in turn over one socket', async () => {
  const s = new SourceLookup();
  try {
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => s.lookup(`127.0.${i >> 8}.${(i & 255) || 1}`, 4)));
    assert.ok(answers.every((a) => a === '127.0.0.1'));
    assert.equal(await s.lookup('::1', 6), '::1');
    // After a failed connect the socket goes on serving.
    await assert.rejects(s.lookup('::1', 4)); // an IPv6 literal on an IPv4 socket: refused locally, no DNS
    assert.equal(await s.lookup('127.0.0.1', 4), '127.0.0.1');
  } finally {
    s.close();
  }
  await assert.rejects(s.lookup('127.0.0.1', 4), /closed/);
});
