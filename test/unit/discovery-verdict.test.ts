import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conclude, discoveryMethod, weigh, type DiscoveryMethod, type Evidence } from '../../src/core/discovery/verdict.js';
import type { Path } from '../../src/core/discovery/routes.js';

const ROOT = { raw: true, neighbour: true };
const ROOT_NO_ADDON = { raw: false, neighbour: true };
const USER = { raw: false, neighbour: false };

const methods: { path: Path; means: typeof ROOT; want: DiscoveryMethod }[] = [
  { path: { kind: 'local' }, means: ROOT, want: 'localhost' },
  { path: { kind: 'local' }, means: USER, want: 'localhost' },
  { path: { kind: 'on-link', dev: 'br0' }, means: ROOT, want: 'neighbour' },
  { path: { kind: 'on-link', dev: 'br0' }, means: ROOT_NO_ADDON, want: 'neighbour' },
  { path: { kind: 'on-link', dev: 'br0' }, means: USER, want: 'connect' },
  { path: { kind: 'on-link', dev: 'br0' }, means: { raw: true, neighbour: false }, want: 'probes' },
  { path: { kind: 'routed' }, means: ROOT, want: 'probes' },
  { path: { kind: 'routed' }, means: ROOT_NO_ADDON, want: 'connect' },
  { path: { kind: 'routed' }, means: USER, want: 'connect' },
  { path: { kind: 'broadcast' }, means: ROOT, want: 'none' },
  { path: { kind: 'unroutable' }, means: USER, want: 'none' },
];
for (const c of methods) {
  test(`discoveryMethod: ${c.path.kind} with raw=${c.means.raw} neighbour=${c.means.neighbour} is ${c.want}`, () => {
    assert.equal(discoveryMethod(c.path, c.means), c.want);
  });
}

const up: Evidence = { up: true, reason: 'reset', ttl: 63, rttMs: 0.4 };
const router: Evidence = { up: false, reason: 'host-unreach', ttl: 64 };
const refused: Evidence = { up: false, reason: 'admin-prohibited' };

const weighs: { name: string; known: Evidence | undefined; next: Evidence; want: { keep: Evidence; final: boolean } }[] = [
  { name: 'a first answer decides', known: undefined, next: up, want: { keep: up, final: true } },
  { name: 'a router’s unreachable is kept but does not decide', known: undefined, next: router, want: { keep: router, final: false } },
  { name: 'an answer after a router’s unreachable decides up', known: router, next: up, want: { keep: up, final: true } },
  { name: 'the latest sign of down is kept', known: router, next: refused, want: { keep: refused, final: false } },
  { name: 'nothing overrides an answer', known: up, next: router, want: { keep: up, final: true } },
];
for (const c of weighs) {
  test(`weigh: ${c.name}`, () => {
    assert.deepEqual(weigh(c.known, c.next), c.want);
  });
}

test('conclude reports the evidence kept, or no-response without any', () => {
  assert.deepEqual(conclude('198.18.201.10', 4, up), { address: '198.18.201.10', family: 4, up: true, reason: 'reset', ttl: 63, rttMs: 0.4 });
  assert.deepEqual(conclude('198.18.201.99', 4, router), { address: '198.18.201.99', family: 4, up: false, reason: 'host-unreach', ttl: 64 });
  assert.deepEqual(conclude('2001:2::1', 6, undefined), { address: '2001:2::1', family: 6, up: false, reason: 'no-response' });
});
